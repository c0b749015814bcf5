"""One action per step (issue 10): verifying the caller and confirming the problem make the step
that waited for them; an option the customer accepted on the portal is not offered or accepted
again (S5.1, S1.5); the order of the steps stays the workflow's (S1.2 before S1.3)."""

import pytest
from django.urls import reverse

from aftersales.cases import services as s
from aftersales.cases.access import portal_token
from aftersales.cases.models import Case, CaseEvent, EventKind
from aftersales.cases.tests import factories as f
from aftersales.core.errors import ValidationError
from aftersales.notify.models import Message

GOOD = {"unused": True, "packaging_intact": True, "tags_attached": True,
        "all_parts_present": True}


def _moves(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITIONED)
                .order_by("pk").values_list("data__transition", flat=True))


def _offered(case, agent) -> set[str]:
    return {t.code for t, _ok, _why in s.case_available_transitions(case=case, actor=agent)}


@pytest.fixture
def portal_case(policies, clock):
    """A return the customer opened on the portal and accepted the first option of."""
    order = f.order(lines=[(f.product(), 1, "300.00")])
    case = s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       lines=[{"line_no": 1, "quantity": 1, "condition": GOOD}])
    case = s.case_evaluate(case=case, actor=None)
    return s.case_accept_option(case=case, actor=None, option=0)


def test_confirming_the_problem_of_a_portal_acceptance_agrees_the_case(portal_case, agent):
    case = s.case_transition(case=portal_case, actor=agent, transition="verify")
    case = s.case_act(case=case, actor=agent, action="confirm",
                      data=s.ActInput(symptom="尺码偏小"))
    assert case.state == "agreed" and case.agreed_option["index"] == 0
    assert _moves(case) == ["verify", "confirm_problem_agreed"]
    assert not {"offer_options", "accept_option"} & _offered(case, agent)


def test_a_phone_case_is_verified_and_confirmed_in_one_action_each(policies, clock, agent):
    order = f.order(lines=[(f.product(), 1, "300.00")])
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       reason="quality", lines=[{"line_no": 1, "quantity": 1}],
                       contact_phone=order.customer.phone)
    case = s.case_act(case=case, actor=agent, action="verify",
                      data=s.ActInput(order=order, phone=order.customer.phone))
    assert case.state == "verified" and case.verified_at is not None
    case = s.case_act(case=case, actor=agent, action="confirm",
                      data=s.ActInput(symptom="起球", quantity_affected=1))
    # no option accepted yet: the agent offers the options next (S1.4)
    assert case.state == "problem_confirmed"
    assert _moves(case) == ["verify", "confirm_problem"]
    case = s.case_evaluate(case=case, actor=agent)
    assert "offer_options" in _offered(case, agent)
    # and the customer may accept on the portal straight from here (S1.5)
    case = s.case_accept_option(case=case, actor=None, option=0)
    assert case.state == "agreed"


def test_a_refused_confirmation_changes_nothing(portal_case, agent):
    case = s.case_transition(case=portal_case, actor=agent, transition="verify")
    version = case.version
    with pytest.raises(ValidationError):
        s.case_act(case=case, actor=agent, action="confirm", data=s.ActInput(symptom="  "))
    case.refresh_from_db()
    assert (case.state, case.version, case.problem_confirmed_at) == ("verified", version, None)


def test_confirming_before_verifying_does_not_skip_verification(portal_case, agent):
    # the problem recorded at intake waits for the verification step (S1.2 before S1.3)
    case = s.case_act(case=portal_case, actor=agent, action="confirm",
                      data=s.ActInput(symptom="尺码偏小"))
    assert case.state == "intake" and case.problem_confirmed_at is not None
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem_agreed")
    assert case.state == "agreed"


def _completed(case, **facts):
    """The case as the last processing step leaves it: done, awaiting the customer's word."""
    Case.objects.filter(pk=case.pk).update(
        state="completed", state_category="resolved", resolution="repair",
        facts={**(case.facts or {}), **facts})
    return Case.objects.get(pk=case.pk)


def test_the_customer_confirms_a_completed_repair_on_the_portal(portal_case, client):


    case = _completed(portal_case)
    t = portal_token(case)
    page = client.get(reverse("portal:case", args=[case.number]), {"t": t}).content.decode()
    assert 'value="close"' in page
    r = client.post(reverse("portal:act", args=[case.number]), {"t": t, "transition": "close"})
    case.refresh_from_db()
    assert r.status_code == 302 and case.state == "closed"
    assert Message.objects.filter(case=case, topic="case_closed").exists()


def test_a_paid_refund_is_confirmed_by_its_own_button_not_a_second_close(portal_case, client):


    case = _completed(portal_case, refund_paid={"value": True, "record": "RF-1"})
    t = portal_token(case)
    page = client.get(reverse("portal:case", args=[case.number]), {"t": t}).content.decode()
    assert 'value="close"' not in page
    r = client.post(reverse("portal:act", args=[case.number]), {"t": t, "transition": "close"})
    case.refresh_from_db()
    assert case.state == "completed" and r.status_code == 422
