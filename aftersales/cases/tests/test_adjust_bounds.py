"""The adjustment amount at its edges (S1.5, core.money): 0 to 10⁹ yuan with two decimals; the
case page answers anything else with the reason next to the field, nothing is stored."""

import pytest

from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent
from aftersales.cases.tests import factories as f
from aftersales.core.errors import ValidationError


@pytest.fixture
def negotiating(policies, clock, agent):
    order = f.order()
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1, "condition": {"unused": False}}])
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="起球")
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    return s.case_transition(case=case, actor=agent, transition="offer_options")


@pytest.mark.parametrize("amount", ["1e999999", "1e20", "1000000000.01", "12.345", "NaN", "-5"])
def test_an_amount_out_of_bounds_is_refused_and_nothing_stored(negotiating, agent, amount):
    with pytest.raises(ValidationError) as caught:
        s.case_adjust(case=negotiating, actor=agent, amount=amount, note="补偿")
    assert "amount" in caught.value.fields
    case = Case.objects.get(pk=negotiating.pk)
    assert case.adjustment_amount is None
    assert not CaseEvent.objects.filter(case=case, kind="adjusted").exists()


def test_the_case_page_answers_an_oversized_amount_with_a_message(client, negotiating, agent):
    client.force_login(agent)
    r = client.post(f"/cases/{negotiating.number}/act/adjust/",
                    {"amount": "1e999999", "note": "补偿", "version": negotiating.version})
    assert r.status_code < 500
    assert Case.objects.get(pk=negotiating.pk).adjustment_amount is None


def test_the_largest_amount_is_stored(negotiating, agent):
    case = s.case_adjust(case=negotiating, actor=agent, amount="1000000000.00", note="整机赔付")
    assert str(Case.objects.get(pk=case.pk).adjustment_amount) == "1000000000.00"
