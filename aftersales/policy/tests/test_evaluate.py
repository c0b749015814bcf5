"""The version in force at the order's placed date (S9.7) and the evaluation log (item 1)."""

import copy
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.core.errors import ValidationError
from aftersales.policy.models import EvaluationLog, PolicyVersion
from aftersales.policy.services import policy_evaluate, policy_resolve, policy_version_save

from .conftest import NO_APPAREL, SHANGHAI, draft_text

CUTOVER = date(2025, 6, 1)


@pytest.fixture
def v2(db, admin):
    """online-shop version 2, in force from 2025-06-01, refusing apparel."""
    text = draft_text("online-shop", version="2025-06-01-test", extra_rules=[NO_APPAREL])
    return policy_version_save(policy="online-shop", text=text, effective_from=CUTOVER,
                               actor=admin, comment="S9.7 test")


def _placed(request: dict, day: date) -> dict:
    """The sample request moved so that the order was placed on ``day`` (same gaps)."""
    req = copy.deepcopy(request)
    base = datetime.combine(day, time(10), tzinfo=SHANGHAI)
    order = req["order"]
    order["placed_at"] = base.isoformat()
    order["paid_at"] = (base + timedelta(minutes=1)).isoformat()
    order["payments"][0]["paid_at"] = order["paid_at"]
    order["signed_at"] = (base + timedelta(days=2, hours=4)).isoformat()
    req["asked_at"] = (base + timedelta(days=5)).isoformat()
    return req


def test_sample_request_is_allowed_and_names_policy_version(db, sample_request):
    decision = policy_evaluate(data=sample_request, actor=None, channel="api")
    v1 = PolicyVersion.objects.get(policy__name="online-shop", number=1)
    assert decision["policy"] == {"name": "online-shop", "version": v1.label}
    assert decision["allowed"] is True
    assert decision["reasons"]


def test_version_in_force_at_the_placed_date_applies(v2, sample_request):
    v1 = PolicyVersion.objects.get(policy__name="online-shop", number=1)
    before = policy_evaluate(data=_placed(sample_request, CUTOVER - timedelta(days=1)),
                             actor=None, channel="api")
    on = policy_evaluate(data=_placed(sample_request, CUTOVER), actor=None, channel="api")
    assert before["policy"]["version"] == v1.label and before["allowed"] is True
    assert on["policy"]["version"] == "2025-06-01-test" and on["allowed"] is False
    assert any(r["rule"] == "TEST-no-apparel" and not r["passed"] for r in on["reasons"])


def test_explicit_policy_version_wins(v2, sample_request):
    req = _placed(sample_request, CUTOVER + timedelta(days=10))
    req["policy_version"] = "1"
    decision = policy_evaluate(data=req, actor=None, channel="api")
    assert decision["policy"]["version"] == PolicyVersion.objects.get(
        policy__name="online-shop", number=1).label


def test_resolve_picks_latest_effective_version_not_latest_number(v2, admin):
    # a correction saved later but backdated to before v2 does not displace v2 after its date
    text = draft_text("online-shop", version="backdated") + "# correction\n"
    policy_version_save(policy="online-shop", text=text, effective_from=date(2025, 4, 1),
                        actor=admin)
    assert policy_resolve(name="online-shop", at=date(2025, 5, 1))[0].label == "backdated"
    assert policy_resolve(name="online-shop", at=date(2025, 7, 1))[0].number == v2.number


@pytest.mark.parametrize("change, field", [
    ({"policy": "no-such-policy"}, "policy"),
    ({"policy_version": "99"}, "policy_version"),
])
def test_unknown_policy_or_version_names_the_field(db, sample_request, change, field):
    sample_request.update(change)
    with pytest.raises(ValidationError) as exc:
        policy_evaluate(data=sample_request, actor=None, channel="api")
    assert field in exc.value.fields
    assert EvaluationLog.objects.count() == 0


def test_every_evaluation_is_logged_with_actor_and_channel(db, agent, sample_request):
    policy_evaluate(data=sample_request, actor=agent, channel="page")
    decision = policy_evaluate(data=sample_request, actor=None, channel="cli")
    logs = list(EvaluationLog.objects.order_by("at", "pk"))
    assert [(lg.actor, lg.channel) for lg in logs] == [(agent, "page"), (None, "cli")]
    last = logs[-1]
    assert last.order_number == "SO-H2B-1" and last.policy_name == "online-shop"
    assert last.decision == decision and last.request == sample_request
    assert last.allowed is True and str(last.refund_total) == max(
        o["refund"]["total"] for o in decision["options"] if o.get("refund"))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days_before=st.integers(min_value=1, max_value=120))
def test_a_later_version_never_changes_decisions_for_orders_placed_before_it(
        v2, sample_request, days_before):
    """S9.7 property: for any order placed before v2 took effect, the decision equals the one
    v1 gives when asked explicitly."""
    req = _placed(sample_request, CUTOVER - timedelta(days=days_before))
    pinned = dict(req, policy_version="1")
    decision = policy_evaluate(data=req, actor=None, channel="api")
    assert decision == policy_evaluate(data=pinned, actor=None, channel="api")
