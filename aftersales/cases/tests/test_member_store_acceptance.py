"""The member's accepted option is the member store's agreement (issue 10 item 1, S1.5): it
makes the step for the chosen solution — repair (S4.4), return or exchange (S4.6), refund —
at once, or as soon as the agent confirmed the problem of a case the member accepted at
intake. Nobody offers or accepts it again. An exchange on a return takes the unit back,
inspects it and ships a new one (S4.6), each step a record."""

from datetime import datetime

import pytest
from django.urls import reverse

from aftersales.calendars.calendar import SHANGHAI
from aftersales.cases import services as s
from aftersales.cases.access import portal_token
from aftersales.cases.models import Case, CaseEvent, EventKind
from aftersales.cases.tests import factories as f
from aftersales.charges import services as charges
from aftersales.charges.tests.helpers import price_list
from aftersales.core.errors import ValidationError
from aftersales.logistics.services.receipt import receipt_record
from aftersales.logistics.services.rma import rma_issue
from aftersales.logistics.services.stock import shipment_create
from aftersales.quality import services as q


def _moves(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITIONED)
                .order_by("pk").values_list("data__transition", flat=True))


def _offered(case, actor) -> set[str]:
    return {t.code for t, _ok, _why in s.case_available_transitions(case=case, actor=actor)}


def _option(case, resolution: str) -> int:
    return next(i for i, o in enumerate(case.decision["options"])
                if o["resolution"] == resolution)


@pytest.fixture
def water_machine_return(policies, clock):
    """A water machine that arrived damaged (S4.6: return or exchange), opened on the portal."""
    order = f.order(business_line="member_store", channel="offline",
                    lines=[(f.product(category="water_machine"), 1, "1280.00")])
    case = s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                       verify_phone=order.customer.phone, reason="damaged_in_transit",
                       lines=[{"line_no": 1, "quantity": 1}])
    return s.case_evaluate(case=case, actor=None)


def test_a_choice_made_at_intake_routes_the_case_once_the_problem_is_confirmed(
        water_machine_return, make_user):
    agent = make_user("customer_service")
    case = water_machine_return
    assert {"return", "exchange"} <= {o["resolution"] for o in case.decision["options"]}
    # the member chooses the exchange on the portal before anybody looked at the case
    case = s.case_accept_option(case=case, actor=None, option=_option(case, "exchange"))
    assert case.state == "intake" and case.resolution == "exchange"

    case = s.case_act(case=case, actor=agent, action="confirm",
                      data=s.ActInput(symptom="到货外壳破裂"))
    # confirming the problem makes the step the member's choice makes: one action
    assert case.state == "awaiting_return_goods"
    assert _moves(case) == ["confirm_problem", "accept_exchange"]
    assert case.resolution == "exchange"
    assert not {"offer_options", "accept_exchange", "accept_return"} & _offered(case, agent)


def test_the_agent_s_next_action_is_the_rma_that_tells_the_member_where_to_send_it(
        water_machine_return, make_user, client):
    agent = make_user("customer_service")
    case = s.case_accept_option(case=water_machine_return, actor=None,
                                option=_option(water_machine_return, "return"))
    case = s.case_act(case=case, actor=agent, action="confirm",
                      data=s.ActInput(symptom="到货外壳破裂"))
    assert case.state == "awaiting_return_goods"
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    primary = page.split('data-primary="1">')
    assert len(primary) == 2 and primary[1].startswith("开具退货授权")
    # once issued, the member finds the RMA with its address and number on the portal
    rma = rma_issue(case=case, actor=agent)
    page = client.get(reverse("portal:case", args=[case.number]),
                      {"t": portal_token(case)}).content.decode()
    assert rma.number in page


def test_a_choice_made_after_the_offer_moves_the_case_at_once(water_machine_return, make_user):
    agent = make_user("customer_service")
    case = s.case_act(case=water_machine_return, actor=agent, action="confirm",
                      data=s.ActInput(symptom="到货外壳破裂"))
    assert case.state == "problem_confirmed"  # nothing chosen yet: the agent offers (S1.4)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    # the accept steps are made by the acceptance itself, not pressed as their own buttons
    assert {"accept_return", "accept_exchange"} <= _offered(case, agent)
    case = s.case_accept_option(case=case, actor=None, option=_option(case, "return"))
    assert case.state == "awaiting_return_goods" and case.resolution == "return"
    # one event says it: the member's choice, and where it took the case
    accepted = CaseEvent.objects.get(case=case, kind=EventKind.OPTION_ACCEPTED)
    assert (accepted.data["from_state"], accepted.data["to_state"]) == (
        "options_offered", "awaiting_return_goods")


def test_an_accepted_exchange_is_received_inspected_and_replaced(water_machine_return,
                                                                 make_user):
    agent, warehouse = make_user("customer_service"), make_user("warehouse")
    quality = make_user("quality")
    case = s.case_accept_option(case=water_machine_return, actor=None,
                                option=_option(water_machine_return, "exchange"))
    case = s.case_act(case=case, actor=agent, action="confirm",
                      data=s.ActInput(symptom="到货外壳破裂"))
    rma = rma_issue(case=case, actor=agent)
    receipt_record(rma=rma, actor=warehouse,
                   lines=[{"rma_line": rma.lines.get().pk, "quantity": 1,
                           "condition": "damaged"}])
    case.refresh_from_db()
    assert case.state == "inspecting"
    # a return's refund step does not fit an exchange; the exchange's step does
    codes = _offered(case, quality)
    assert "inspect_exchange" in codes
    line = case.lines.get()
    q.inspection_record(case=case, actor=quality, result="pass", report="外壳运输破损，机芯完好",
                        lines=[q.LineFinding(case_line=line.pk, quantity=1, defective=1,
                                             finding="外壳破裂")])
    case.refresh_from_db()
    assert case.state == "exchange_shipping"
    with pytest.raises(Exception):  # noqa: B017 — the step needs the shipment record
        s.case_transition(case=case, actor=warehouse, transition="ship_exchange")
    shipment = shipment_create(case=case, actor=warehouse, courier="顺丰",
                               tracking_number="SF1234567890")
    case.refresh_from_db()
    assert case.state == "completed" and case.resolution == "exchange"
    assert case.facts["replacement_shipped"]["record"] == shipment.number
    assert _moves(case)[-2:] == ["inspect_exchange", "ship_exchange"]


def test_the_agent_records_the_members_choice_in_one_action_on_the_page(
        water_machine_return, make_user, client):
    agent = make_user("customer_service")
    case = s.case_act(case=water_machine_return, actor=agent, action="confirm",
                      data=s.ActInput(symptom="到货外壳破裂"))
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    # one primary action records the member's choice; no "accept the return" buttons beside it
    primary = page.split('data-primary="1">')
    assert len(primary) == 2 and primary[1].startswith("记录客户选择的方案")
    assert 'data-action="accept_return"' not in page
    assert 'data-action="accept_exchange"' not in page
    exchange = _option(case, "exchange")
    r = client.post(reverse("cases:act", args=[case.number, "transition"]),
                    {"transition": "accept_option", "option": exchange,
                     "version": case.version})
    assert r.status_code in (200, 302)
    case.refresh_from_db()
    assert (case.state, case.resolution) == ("awaiting_return_goods", "exchange")
    assert case.agreed_option["index"] == exchange


def test_the_member_chooses_on_the_portal_and_the_case_moves_on(water_machine_return,
                                                               make_user, client):
    agent = make_user("customer_service")
    case = s.case_act(case=water_machine_return, actor=agent, action="confirm",
                      data=s.ActInput(symptom="到货外壳破裂"))
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    t = portal_token(case)
    r = client.post(reverse("portal:options", args=[case.number]) + f"?t={t}",
                    {"option": _option(case, "return")})
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.resolution) == ("awaiting_return_goods", "return")
    page = client.get(reverse("portal:case", args=[case.number]), {"t": t}).content.decode()
    # the member is not asked to "accept the return" again as a step of its own
    assert "接受退货" not in page and "接受换货" not in page


def test_a_paid_repair_is_repaired_only_once_the_member_accepted_the_quote(
        policies, clock, make_user):
    agent, technician = make_user("customer_service"), make_user("repair_technician")
    warehouse = make_user("warehouse")
    price_list()
    # a water machine bought two years ago: out of the one-year warranty (S4.4), paid repair
    order = f.order(business_line="member_store", channel="offline",
                    placed_at=datetime(2024, 10, 1, 10, 0, tzinfo=SHANGHAI),
                    lines=[(f.product(category="water_machine"), 1, "1280.00")])
    case = s.case_open(kind="repair", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}])
    case = s.case_act(case=case, actor=agent, action="confirm",
                      data=s.ActInput(symptom="出水口漏水"))
    case = s.case_evaluate(case=case, actor=agent)
    assert [o["resolution"] for o in case.decision["options"]] == ["paid_repair"]
    case = s.case_accept_option(case=case, actor=agent, option=0)
    assert (case.state, case.resolution) == ("awaiting_repair_goods", "paid_repair")
    case = s.case_note_record(case=case, actor=warehouse, fact="goods_received",
                              record="RCV-2026-000001")
    assert case.state == "repairing"
    # the free repair's step is not this case's; the paid one waits for the accepted quote
    with pytest.raises(ValidationError):
        s.case_transition(case=case, actor=technician, transition="repaired")
    with pytest.raises(ValidationError):
        s.case_transition(case=case, actor=technician, transition="repaired_paid")
    quote = charges.quote_issue(case=case, actor=technician, labour_hours="0.5",
                                lines=[{"code": "P-SEAL", "quantity": 2}])
    charges.quote_accept(quote=quote, actor=None)
    case = s.case_transition(case=case, actor=technician, transition="repaired_paid")
    assert case.state == "shipping_back"
    assert case.facts["quote_confirmed"]["record"] == quote.number


def test_a_case_reopened_on_appeal_goes_on_with_the_choice_already_made(
        water_machine_return, make_user, client):
    agent, supervisor = make_user("customer_service"), make_user("cs_supervisor")
    case = s.case_accept_option(case=water_machine_return, actor=None,
                                option=_option(water_machine_return, "return"))
    case = s.case_act(case=case, actor=agent, action="confirm",
                      data=s.ActInput(symptom="到货外壳破裂"))
    assert case.state == "awaiting_return_goods"
    # given it was refused later and the member appealed with new evidence (S9.3)
    Case.objects.filter(pk=case.pk).update(state="appeal_review", state_category="open")
    # when the supervisor reopens it
    case = s.case_transition(case=Case.objects.get(pk=case.pk), actor=supervisor,
                             transition="grant_appeal", reason="物流破损照片属实")
    # the supervisor does not take the member's step; the agent finds it as the next action
    assert case.state == "problem_confirmed"
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    primary = page.split('data-primary="1">')
    assert len(primary) == 2 and primary[1].startswith("接受退货")
    assert 'data-action="accept_exchange"' not in page
    case = s.case_transition(case=case, actor=agent, transition="accept_return")
    assert case.state == "awaiting_return_goods"
