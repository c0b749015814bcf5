"""Integrity (issue 4 item 7): one transaction per action, stale writes refused with who and
when, concurrent intake numbered uniquely — the last two with real connections on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from aftersales.cases import events
from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent
from aftersales.cases.tests import factories as f
from aftersales.core.errors import Conflict
from aftersales.notify.models import Message


def _case(agent):
    order = f.order()
    return s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, lines=[{"line_no": 1, "quantity": 1}])


def test_a_stale_version_is_refused_naming_who_changed_the_case_and_when(
        policies, clock, agent, make_user):
    # given two agents who loaded the same case (version v)
    other = make_user("customer_service", display_name="李四")
    case = _case(agent)
    loaded_version = case.version
    # when the other agent acts first
    s.case_transition(case=case, actor=other, transition="verify",
                      expected_version=loaded_version)
    # then the first agent's action on the old version is refused, nothing overwritten
    with pytest.raises(Conflict) as err:
        s.case_reject(case=case, actor=agent, reason="不符合", expected_version=loaded_version)
    assert "李四" in str(err.value) and "2026-11-23 10:00" in str(err.value)
    assert err.value.extra["changed_by"] == "李四"
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == "verified" and fresh.rejection_reason == ""


def test_a_failure_mid_action_leaves_the_case_as_it_was(policies, clock, agent, monkeypatch):
    # given an open case
    case = _case(agent)
    before = Case.objects.filter(pk=case.pk).values().get()
    n_events, n_messages = CaseEvent.objects.count(), Message.objects.count()

    # when writing the timeline event fails after the state was changed
    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(events, "event_transitioned", boom)
    with pytest.raises(RuntimeError):
        s.case_transition(case=case, actor=agent, transition="verify")
    # then nothing of the action is left
    assert Case.objects.filter(pk=case.pk).values().get() == before
    assert (CaseEvent.objects.count(), Message.objects.count()) == (n_events, n_messages)


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two real database connections: run with DATABASE_URL=postgres://…")


def _run_in_threads(target, n):
    errors, results = [], []
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait(timeout=10)
            results.append(target(i))
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_numbers_every_case_uniquely(clock, make_user):
    from aftersales.cases.tests.conftest import _ensure_policies

    _ensure_policies()
    agent = make_user("customer_service")
    orders = [f.order() for _ in range(6)]

    def open_one(i):
        return s.case_open(kind="return", channel="api", actor=agent, order=orders[i],
                           lines=[{"line_no": 1, "quantity": 1}]).number

    numbers, errors = _run_in_threads(open_one, 6)
    assert not errors, errors
    assert len(set(numbers)) == 6


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_at_once_one_wins_the_other_is_told(clock, make_user):
    from aftersales.cases.tests.conftest import _ensure_policies

    _ensure_policies()
    a, b = make_user("customer_service"), make_user("customer_service")
    case = _case(a)
    version = case.version

    def act(i):
        if i == 0:
            return s.case_transition(case=case, actor=a, transition="verify",
                                     expected_version=version).state
        return s.case_reject(case=case, actor=b, reason="不符合",
                             expected_version=version).state

    results, errors = _run_in_threads(act, 2)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == results[0] and fresh.version == version + 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_idempotency_key_at_once_creates_one_case(clock, make_user):
    from aftersales.cases.tests.conftest import _ensure_policies

    _ensure_policies()
    agent = make_user("customer_service")
    order = f.order()

    def open_one(i):
        return s.case_open(kind="return", channel="api", actor=agent, order=order,
                           lines=[{"line_no": 1, "quantity": 1}],
                           idempotency_key="double-submit").pk

    pks, errors = _run_in_threads(open_one, 4)
    assert not errors, errors
    assert len(set(pks)) == 1 and Case.objects.count() == 1
