"""Intake refuses bad input at the edge (issue 8 items 2, 5; issue 9 items 1, 5): every bad
field is a 4xx in the one error shape naming the field, nothing is stored and no case number
is used up; the same unit can't be claimed by two open cases; a dealer or factory opens cases
only on orders in its scope; an idempotency key answers only the request it came with."""

import json
import threading

import pytest
from django.db import connection, connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.accounts.models import ApiToken
from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent, CaseLine, CaseNumberSequence
from aftersales.cases.tests import factories as f
from aftersales.core.errors import ValidationError
from aftersales.core.validators import is_email, is_phone
from aftersales.notify.models import Message
from aftersales.parties.models import Dealer, OutsourcedFactory
from aftersales.policy.models import EvaluationLog

BASE = "/api/v1/cases"


def _post(client, key, body, **headers):
    return client.post(BASE, json.dumps(body), content_type="application/json",
                       HTTP_X_API_KEY=key, **headers)


@pytest.fixture
def api_key(agent):
    return ApiToken.issue(user=agent, name="test")[1]


@pytest.fixture
def order(policies, clock):
    return f.order(lines=[(f.product(), 2, "300.00"), (f.product(), 1, "99.00")])


def _good(order) -> dict:
    return {"kind": "return", "order_number": order.number, "phone": order.customer.phone,
            "reason": "quality", "symptom": "开线", "description": "袖口开线",
            "contact_name": "王五", "contact_phone": "13912345678",
            "contact_email": "wang@example.com",
            "lines": [{"line_no": 1, "quantity": 1, "serial": "SN-1"}]}


def _stored() -> tuple[int, ...]:
    """Everything an intake writes, and the numbers used so far."""
    return (Case.objects.count(), CaseLine.objects.count(), CaseEvent.objects.count(),
            Message.objects.count(), EvaluationLog.objects.count(),
            sum(CaseNumberSequence.objects.values_list("last", flat=True)))


def _number(case_or_body) -> int:
    number = case_or_body["number"] if isinstance(case_or_body, dict) else case_or_body.number
    return int(number.rsplit("-", 1)[1])


BAD = [
    # (what is wrong, the change to a good body, the field named)
    ("a symptom of 100 000 characters", {"symptom": "坏" * 100_000}, "symptom"),
    ("a symptom one over the limit", {"symptom": "x" * 201}, "symptom"),
    ("a contact name over 80", {"contact_name": "名" * 81}, "contact_name"),
    ("an unknown channel", {"channel": "fax"}, "channel"),
    ("an unknown reason code", {"reason": "bored"}, "reason"),
    ("an unknown kind", {"kind": "teleport"}, "kind"),
    ("an unknown priority", {"priority": "asap"}, "priority"),
    ("an e-mail that is none", {"contact_email": "wang.example.com"}, "contact_email"),
    ("a mobile with 10 digits", {"contact_phone": "1391234567"}, "contact_phone"),
    ("a mobile starting 12", {"contact_phone": "12912345678"}, "contact_phone"),
    ("a landline without area code", {"contact_phone": "12345678"}, "contact_phone"),
    ("a verifying phone that is no phone", {"phone": "call me"}, "phone"),
    ("a return without lines", {"lines": []}, "lines"),
    ("an exchange without lines", {"kind": "exchange", "lines": []}, "lines"),
    ("a quantity of 0", {"lines": [{"line_no": 1, "quantity": 0}]}, "lines[0].quantity"),
    ("a negative quantity", {"lines": [{"line_no": 1, "quantity": -1}]}, "lines[0].quantity"),
    ("more than bought", {"lines": [{"line_no": 1, "quantity": 3}]}, "lines[0].quantity"),
    ("one line twice, more than bought",
     {"lines": [{"line_no": 2, "quantity": 1}, {"line_no": 2, "quantity": 1}]},
     "lines[1].quantity"),
    ("a line not on the order", {"lines": [{"line_no": 9, "quantity": 1}]}, "lines[0]"),
    ("a serial over 80", {"lines": [{"line_no": 1, "quantity": 1, "serial": "S" * 81}]},
     "lines[0].serial"),
    ("one serial on two lines",
     {"lines": [{"line_no": 1, "quantity": 1, "serial": "SN-9"},
                {"line_no": 2, "quantity": 1, "serial": "SN-9"}]}, "lines[1].serial"),
    ("an enquiry's unknown business line",
     {"kind": "consult", "order_number": None, "lines": [], "business_line": "moon"},
     "business_line"),
    ("a return without an order", {"order_number": None, "lines": []}, "order"),
]


@pytest.mark.parametrize(("change", "field"), [(c, fld) for _w, c, fld in BAD],
                         ids=[w for w, _c, _f in BAD])
def test_bad_input_is_422_naming_the_field_and_nothing_is_stored_or_numbered(
        client, api_key, order, change, field):
    # given one case opened before (so a used-up number would show as a gap)
    first = _post(client, api_key, {**_good(order), "lines": [{"line_no": 1, "quantity": 1}]})
    assert first.status_code == 201, first.content
    before = _stored()
    # when the bad request comes, with a key as a client would send it
    r = _post(client, api_key, {**_good(order), **change}, HTTP_IDEMPOTENCY_KEY="bad-1")
    # then it is refused in the one error shape, naming the field
    assert r.status_code == 422, r.content
    body = r.json()
    assert set(body) >= {"code", "message", "fields"} and body["message"]
    assert field in body["fields"], body
    # and nothing is stored, no number is taken: the next case follows the first
    assert _stored() == before
    other = f.order()
    nxt = _post(client, api_key, {**_good(other), "lines": [{"line_no": 1, "quantity": 1}]})
    assert nxt.status_code == 201 and _number(nxt.json()) == _number(first.json()) + 1


def test_the_messages_are_in_chinese(client, api_key, order):
    r = _post(client, api_key, {**_good(order), "contact_phone": "12345",
                                "symptom": "x" * 201}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422
    body = r.json()
    assert body["message"] == "故障现象：最多 200 个字符（收到 201 个）。（另有 1 处问题）"
    assert body["fields"]["contact_phone"].startswith("请输入中国大陆手机号")


def test_a_nul_character_is_refused_in_the_error_shape_and_nothing_is_stored(
        client, api_key, order):
    before = _stored()
    r = _post(client, api_key, {**_good(order), "symptom": "开\x00线"})
    assert 400 <= r.status_code < 500 and r.json()["code"] == "nul_character"
    assert _stored() == before


def test_the_service_refuses_a_nul_too(policies, clock, agent, order):
    with pytest.raises(ValidationError) as err:
        s.case_open(kind="return", channel="phone", actor=agent, order=order,
                    symptom="开\x00线", lines=[{"line_no": 1, "quantity": 1}])
    assert "symptom" in err.value.fields
    assert not Case.objects.exists()


def test_an_unknown_order_and_another_dealers_are_the_same_404(client, policies, clock,
                                                               make_user):
    # given a dealer's user, an order of that dealer and one of another dealer
    mine, theirs = (Dealer.objects.create(code=c, name=n, region="east")
                    for c, n in (("D-1", "甲经销商"), ("D-2", "乙经销商")))
    user = make_user("dealer", dealer=mine)
    key = ApiToken.issue(user=user, name="dealer")[1]
    own = f.order(business_line="machinery", dealer=mine)
    other = f.order(business_line="machinery", dealer=theirs)

    def intake(o, number=None):
        return _post(client, key, {"kind": "repair", "reason": "quality",
                                   "order_number": number or o.number,
                                   "lines": [{"line_no": 1, "quantity": 1}]})

    # when the dealer opens a case on each, and on an order that does not exist
    allowed, refused, missing = intake(own), intake(other), intake(other, "SO-NOPE")
    # then its own order works; the other dealer's answers as a missing one does
    assert allowed.status_code == 201, allowed.content
    assert refused.status_code == missing.status_code == 404
    assert refused.json()["code"] == missing.json()["code"] == "order_not_found"
    assert other.customer.name not in refused.content.decode()
    assert not Case.objects.filter(order=other).exists()


def test_a_factory_opens_cases_only_on_orders_of_what_it_made(client, policies, clock,
                                                              make_user):
    factory = OutsourcedFactory.objects.create(code="F-1", name="东莞外协一厂")
    user = make_user("factory", factory=factory)
    key = ApiToken.issue(user=user, name="factory")[1]
    made_here = f.order(business_line="outsourced",
                        lines=[(f.product(factory=factory), 5, "10.00")])
    made_elsewhere = f.order(business_line="outsourced")

    def intake(o):
        return _post(client, key, {"kind": "repair", "reason": "quality",
                                   "order_number": o.number,
                                   "lines": [{"line_no": 1, "quantity": 1}]})

    assert intake(made_here).status_code == 201
    r = intake(made_elsewhere)
    assert r.status_code == 404 and made_elsewhere.customer.name not in r.content.decode()


def test_the_intake_page_shows_an_order_only_in_the_users_scope(client, policies, clock,
                                                                make_user):
    mine, theirs = (Dealer.objects.create(code=c, name=n, region="east")
                    for c, n in (("D-1", "甲经销商"), ("D-2", "乙经销商")))
    client.force_login(make_user("dealer", dealer=mine))
    own = f.order(business_line="machinery", dealer=mine)
    other = f.order(business_line="machinery", dealer=theirs)
    shown = client.get("/cases/new/", {"order": own.number})
    hidden = client.get("/cases/new/", {"order": other.number})
    assert shown.status_code == 200 and own.customer.name in shown.content.decode()
    assert hidden.status_code == 404
    assert other.customer.name not in hidden.content.decode()
    # and posting the other dealer's order opens nothing
    r = client.post("/cases/new/", {
        "token": "t-1", "channel": "phone", "order_number": other.number, "kind": "repair",
        "priority": "normal", "reason": "quality", "qty_1": "1", "create": "1"})
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()
    assert not Case.objects.exists()


# ----------------------------------------------------------------------------- claims
def test_three_intakes_on_one_unit_bought_once_accept_only_the_first(
        client, api_key, policies, clock):
    order = f.order(lines=[(f.product(), 1, "99.00")])
    answers = [_post(client, api_key, {**_good(order), "contact_phone": "",
                                       "lines": [{"line_no": 1, "quantity": 1}]})
               for _i in range(3)]
    assert [r.status_code for r in answers] == [201, 422, 422]
    assert {r.json()["code"] for r in answers[1:]} == {"quantity_not_claimable"}
    assert "lines[0].quantity" in answers[1].json()["fields"]
    assert Case.objects.count() == 1


def test_units_left_on_a_line_can_still_be_claimed_and_a_closed_case_frees_its_units(
        policies, clock, agent):
    order = f.order(lines=[(f.product(), 2, "99.00")])

    def claim(quantity):
        return s.case_open(kind="return", channel="phone", actor=agent, order=order,
                           lines=[{"line_no": 1, "quantity": quantity}])

    first = claim(1)
    claim(1)  # the second unit
    with pytest.raises(ValidationError) as err:
        claim(1)
    assert err.value.code == "quantity_not_claimable"
    s.case_close(case=first, actor=agent, transition="withdraw", reason="客户撤回")
    assert claim(1).lines.get().quantity == 1


def test_a_serial_on_another_open_case_is_refused(policies, clock, agent):
    order = f.order(lines=[(f.product(), 2, "99.00")])
    s.case_open(kind="return", channel="phone", actor=agent, order=order,
                lines=[{"line_no": 1, "quantity": 1, "serial": "SN-42"}])
    with pytest.raises(ValidationError) as err:
        s.case_open(kind="return", channel="phone", actor=agent, order=order,
                    lines=[{"line_no": 1, "quantity": 1, "serial": "SN-42"}])
    assert err.value.code == "serial_claimed" and "lines[0].serial" in err.value.fields
    assert Case.objects.count() == 1


def test_confirming_the_problem_may_keep_the_cases_own_units(policies, clock, agent):
    order = f.order(lines=[(f.product(), 1, "99.00")])
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       lines=[{"line_no": 1, "quantity": 1}])
    case = s.case_confirm_problem(case=case, actor=agent, symptom="开线",
                                  lines=[{"line_no": 1, "quantity": 1, "serial": "SN-1"}])
    assert case.lines.get().serial == "SN-1"
    with pytest.raises(ValidationError) as err:
        s.case_confirm_problem(case=case, actor=agent, symptom="坏" * 201)
    assert "symptom" in err.value.fields


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(bought=st.integers(1, 4),
       steps=st.lists(st.tuples(st.sampled_from(["claim", "close"]), st.integers(-1, 5)),
                      min_size=1, max_size=5))
def test_open_cases_never_claim_more_than_was_bought(policies, clock, agent, bought, steps):
    """A claim is accepted exactly when 1 ≤ quantity ≤ bought − what open cases claim."""
    order = f.order(lines=[(f.product(), bought, "10.00")])
    open_cases: list[tuple[Case, int]] = []
    for action, quantity in steps:
        if action == "close":
            if open_cases:
                case, _q = open_cases.pop(0)
                s.case_close(case=case, actor=agent, transition="withdraw", reason="客户撤回")
            continue
        claimable = bought - sum(q for _c, q in open_cases)
        try:
            case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                               lines=[{"line_no": 1, "quantity": quantity}])
        except ValidationError as err:
            assert not 1 <= quantity <= claimable, (quantity, claimable)
            assert "lines[0].quantity" in err.fields
        else:
            assert 1 <= quantity <= claimable, (quantity, claimable)
            open_cases.append((case, quantity))
        claimed = sum(CaseLine.objects.filter(order_line__order=order)
                      .exclude(case__state_category="closed").values_list("quantity", flat=True))
        assert claimed <= bought


# ----------------------------------------------------------------------------- idempotency
def test_the_same_key_with_another_body_is_refused_and_uses_no_number(client, api_key, order):
    first = _post(client, api_key, _good(order), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    before = _stored()
    changed = _post(client, api_key, {**_good(order), "symptom": "掉色"},
                    HTTP_IDEMPOTENCY_KEY="k-1")
    assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
    again = _post(client, api_key, _good(order), HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    assert _stored() == before
    nxt = _post(client, api_key, {**_good(order), "lines": [{"line_no": 2, "quantity": 1}]},
                HTTP_IDEMPOTENCY_KEY="k-2")
    assert _number(nxt.json()) == _number(first.json()) + 1


def test_an_idempotency_key_too_long_to_keep_is_refused(client, api_key, order):
    r = _post(client, api_key, _good(order), HTTP_IDEMPOTENCY_KEY="k" * 200)
    assert r.status_code == 422 and not Case.objects.exists()


def test_the_page_resubmitted_with_changed_text_is_told_not_given_the_old_case(
        policies, clock, agent, client):
    client.force_login(agent)
    order = f.order()
    form = {"token": "tok-9", "channel": "phone", "order_number": order.number,
            "phone": order.customer.phone, "kind": "return", "priority": "normal",
            "reason": "quality", "symptom": "开线", "qty_1": "1", "create": "1"}
    assert client.post("/cases/new/", form).status_code == 302
    r = client.post("/cases/new/", {**form, "symptom": "掉色"})
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()
    assert Case.objects.count() == 1


# ----------------------------------------------------------------------------- validators
@pytest.mark.parametrize("phone", ["13812345678", "19912345678", "+8613812345678",
                                   "+86 13812345678", "010-12345678", "01012345678",
                                   "0755-1234567", "0755-12345678-801", "021-12345678转123",
                                   " 13812345678 "])
def test_mainland_mobiles_and_landlines_are_phones(phone):
    assert is_phone(phone)


@pytest.mark.parametrize("phone", ["", "12812345678", "1381234567", "138123456789",
                                   "10-12345678", "010-123456", "phone", "138 1234 5678x",
                                   "13812345678\x00"])
def test_other_text_is_no_phone(phone):
    assert not is_phone(phone)


@pytest.mark.parametrize(("email", "ok"), [("a@example.com", True),
                                           ("wang.wu@example.com.cn", True), ("a@", False),
                                           ("a.example.com", False), ("a@b@c.com", False)])
def test_an_email_is_one(email, ok):
    assert is_email(email) is ok


# ----------------------------------------------------------------------------- concurrency
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs real concurrent connections: DATABASE_URL=postgres://…")
@pytest.mark.django_db(transaction=True)
def test_racing_intakes_for_one_unit_accept_one_and_use_one_number(clock, make_user):
    from aftersales.cases.tests.conftest import _ensure_policies

    _ensure_policies()
    agent = make_user("customer_service")
    order = f.order(lines=[(f.product(), 1, "99.00")])
    barrier = threading.Barrier(4)
    opened, refused = [], []

    def claim():
        try:
            barrier.wait(timeout=10)
            opened.append(s.case_open(kind="return", channel="api", actor=agent, order=order,
                                      lines=[{"line_no": 1, "quantity": 1}]).number)
        except ValidationError as err:
            refused.append(err.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim) for _i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(opened) == 1 and refused == ["quantity_not_claimable"] * 3
    assert CaseLine.objects.count() == 1
    assert CaseNumberSequence.objects.get().last == _number({"number": opened[0]})
