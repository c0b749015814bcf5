"""Repair quotes (S4.1, S8.2, S2.2): lines priced from the parts price list (catalog.PartPrice,
the one source) plus labour at the policy's rate; accepted by the customer once, before it
expires, which sets quote_confirmed with the quote's number and charges the customer."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from aftersales.cases import services as cs
from aftersales.cases.tests import factories as f
from aftersales.catalog.models import PartPrice
from aftersales.charges import services as s
from aftersales.charges.errors import ChargesErrorCode
from aftersales.charges.models import Charge, Quote, QuoteStatus
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.notify.models import Message


def repair_case(agent, *, business_line="member_store"):
    order = f.order(business_line=business_line)
    return cs.case_open(kind="repair", channel="phone", actor=agent, order=order,
                        verify_phone=order.customer.phone, reason="quality",
                        lines=[{"line_no": 1, "quantity": 1}], description="漏水")


def test_a_quote_is_priced_from_the_price_list_plus_labour(policies, clock, agent,
                                                           price_list):
    case = repair_case(agent)
    # when the agent quotes 2 seals, 1.5 m of hose, the control board and 1.5 hours of labour
    quote = s.quote_issue(case=case, actor=agent, labour_hours="1.5", lines=[
        {"code": "P-SEAL", "quantity": "2"}, {"code": "P-HOSE", "quantity": "1.5"},
        {"code": "P-BOARD", "quantity": 1}])
    # then each line has today's price (the board's old 120.00 no longer applies)
    lines = {x.code: x for x in quote.lines.all()}
    assert lines["P-SEAL"].amount == Decimal("3.00")
    assert lines["P-HOSE"].amount == Decimal("15.00") and lines["P-HOSE"].unit == "米"
    assert lines["P-BOARD"].unit_price == Decimal("140.00")
    # and labour is 1.5 h at the member store's 30.00 per hour
    assert quote.parts_total == Decimal("158.00") and quote.labour_total == Decimal("45.00")
    assert quote.total == Decimal("203.00") and quote.number.startswith("QT-2026-")
    assert quote.status == QuoteStatus.ISSUED
    # and the customer is told the amount
    msg = Message.objects.get(case=case, topic="quote_issued")
    assert "203.00" in msg.body


def test_a_changed_price_list_changes_the_next_quote_not_the_issued_one(
        policies, clock, agent, price_list):
    case = repair_case(agent)
    first = s.quote_issue(case=case, actor=agent, lines=[{"code": "P-BOARD", "quantity": 1}])
    PartPrice.objects.create(code="P-BOARD", name="电控板", unit="个", price=Decimal("150.00"),
                             valid_from=date(2026, 11, 1))
    second = s.quote_issue(case=case, actor=agent, lines=[{"code": "P-BOARD", "quantity": 1}])
    first.refresh_from_db()
    assert first.total == Decimal("140.00") and first.status == QuoteStatus.WITHDRAWN
    assert second.total == Decimal("150.00")


def test_bad_quote_input_changes_nothing(policies, clock, agent, price_list, make_user):
    case = repair_case(agent)
    with pytest.raises(ValidationError) as exc:
        s.quote_issue(case=case, actor=agent, lines=[{"code": "NOPE", "quantity": 1}])
    assert "lines.0.code" in exc.value.fields
    with pytest.raises(ValidationError):
        s.quote_issue(case=case, actor=agent, lines=[{"code": "P-SEAL", "quantity": "-1"}])
    with pytest.raises(ValidationError):
        s.quote_issue(case=case, actor=agent, lines=[{"code": "P-SEAL", "quantity": "0.001"}])
    with pytest.raises(ValidationError):
        s.quote_issue(case=case, actor=agent, lines=[])
    with pytest.raises(PermissionDenied):
        s.quote_issue(case=case, actor=make_user("warehouse"),
                      lines=[{"code": "P-SEAL", "quantity": 1}])
    assert not Quote.objects.exists()


def test_accepted_once_twice_refused_and_the_customer_charged_once(
        policies, clock, agent, price_list):
    case = repair_case(agent)
    quote = s.quote_issue(case=case, actor=agent, lines=[{"code": "P-DIV", "quantity": 1}],
                          labour_hours="2")
    # when the customer accepts on the portal
    quote = s.quote_accept(quote=quote, actor=None)
    # then the fact names the quote, and the customer owes its total
    case.refresh_from_db()
    assert case.facts["quote_confirmed"]["record"] == quote.number
    assert quote.answer_channel == "portal"
    charge = Charge.objects.get(case=case)
    assert charge.party == "customer" and charge.amount == Decimal("240.00")
    # and a second acceptance (by the agent on the phone) is refused with a clear message
    with pytest.raises(Conflict) as exc:
        s.quote_accept(quote=quote, actor=agent, channel="phone")
    assert quote.number in str(exc.value.message)
    assert exc.value.code == ChargesErrorCode.QUOTE_ANSWERED
    assert Charge.objects.filter(case=case).count() == 1


def test_expired_withdrawn_and_refused_quotes(policies, clock, agent, price_list):
    case = repair_case(agent)
    quote = s.quote_issue(case=case, actor=agent, lines=[{"code": "P-CAP", "quantity": 1}])
    # an expired quote can't be accepted (member store: valid 15 days)
    clock.at = clock.at + timedelta(days=16)
    with pytest.raises(Conflict) as exc:
        s.quote_accept(quote=quote, actor=None)
    assert exc.value.code == ChargesErrorCode.QUOTE_EXPIRED
    # a withdrawn one neither
    clock.at = clock.at - timedelta(days=16)
    s.quote_withdraw(quote=quote, actor=agent, reason="报错了零件")
    with pytest.raises(Conflict) as exc:
        s.quote_accept(quote=quote, actor=None)
    assert exc.value.code == ChargesErrorCode.QUOTE_WITHDRAWN
    # the customer refuses a new one by phone: recorded with the channel and reason
    second = s.quote_issue(case=case, actor=agent, lines=[{"code": "P-LID", "quantity": 1}])
    with pytest.raises(ValidationError):  # staff can't pretend to be the portal
        s.quote_refuse(quote=second, actor=agent, channel="portal")
    second = s.quote_refuse(quote=second, actor=agent, channel="phone", reason="太贵")
    assert second.status == QuoteStatus.REFUSED and second.answer_channel == "phone"
    assert second.answered_by == agent and second.refusal_reason == "太贵"
    with pytest.raises(Conflict):
        s.quote_accept(quote=second, actor=None)
    case.refresh_from_db()
    assert "quote_confirmed" not in case.facts and not Charge.objects.exists()


def test_the_sales_assistant_records_an_acceptance_given_by_phone(
        policies, clock, make_user, price_list):
    # the electronics repair shop (S8.2): a paid repair, quoted first, confirmed by phone
    assistant = make_user("sales_assistant")
    order = f.order(business_line="electronics")
    case = cs.case_open(kind="repair", channel="phone", actor=assistant, order=order,
                        verify_phone=order.customer.phone, reason="quality",
                        lines=[{"line_no": 1, "quantity": 1}])
    quote = s.quote_issue(case=case, actor=assistant, lines=[{"code": "P-BOARD",
                                                               "quantity": 1}])
    quote = s.quote_accept(quote=quote, actor=assistant, channel="phone")
    case.refresh_from_db()
    assert case.facts["quote_confirmed"]["channel"] == "phone"
    assert quote.answered_by == assistant


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs real concurrent connections: DATABASE_URL=postgres://…")
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_accept_once(policies, make_user, price_list):
    agent = make_user("customer_service")
    case = repair_case(agent)
    quote = s.quote_issue(case=case, actor=agent, lines=[{"code": "P-SEAL", "quantity": 1}])
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def accept():
        try:
            barrier.wait(timeout=10)
            s.quote_accept(quote=quote.pk, actor=None)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert Charge.objects.filter(case=case).count() == 1


def test_the_confirmed_quote_moves_a_chargeable_repair_on(policies, clock, make_user,
                                                          price_list):
    # given an outsourced product that quality found customer-caused (S2.2): the case waits in
    # "chargeable_quote" for the customer's confirmation (set directly: the walk there is the
    # quality app's)
    specialist = make_user("sales_specialist")
    order = f.order(business_line="outsourced")
    case = cs.case_open(kind="return", channel="phone", actor=specialist, order=order,
                        verify_phone=order.customer.phone, reason="quality",
                        lines=[{"line_no": 1, "quantity": 1}])
    case.state = "chargeable_quote"
    case.save(update_fields=["state"])
    quote = s.quote_issue(case=case, actor=specialist, labour_hours="2",
                          lines=[{"code": "P-BOARD", "quantity": 1}])
    assert quote.total == Decimal("300.00")  # 140.00 + 2 h × 80.00 (outsourced policy)
    # when the specialist records the customer's phone acceptance
    s.quote_accept(quote=quote, actor=specialist, channel="phone")
    # then the step that waited for the confirmed quote is made: no extra button
    case.refresh_from_db()
    assert case.state == "approved"
    assert case.events.filter(kind="transitioned", to_state="approved").exists()
