"""The customer portal (issue 4 item 6, "Bad input"): find the order, three steps, options,
tracking by secret link, appeal, rating; unknown and someone else's order answered alike;
attachments refused by content with nothing stored."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.cases import services as s
from aftersales.cases.access import portal_token
from aftersales.cases.models import Attachment, Case
from aftersales.cases.tests import factories as f
from aftersales.logistics.services import rma_issue

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def order(policies, clock):
    return f.order()


def _find(client, order, phone=None):
    return client.post(reverse("portal:index"), {"order_number": order.number,
                                                 "phone": phone or order.customer.phone})


def test_unknown_order_and_someone_elses_order_get_the_same_answer(client, order):
    # given a real order and a stranger's phone
    stranger = client.post(reverse("portal:index"), {"order_number": order.number,
                                                     "phone": "13912345678"})
    unknown = client.post(reverse("portal:index"), {"order_number": "SO-NOPE",
                                                    "phone": "13912345678"})
    # then both pages are the same apart from the echoed order number
    assert stranger.status_code == unknown.status_code == 200
    a = stranger.content.decode().replace(order.number, "X")
    b = unknown.content.decode().replace("SO-NOPE", "X")
    import re

    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')
    assert strip.sub("", a) == strip.sub("", b)
    assert 'id="find-error"' in a


def _three_steps(client, order, *, files=None):
    assert _find(client, order).status_code == 302
    r = client.post(reverse("portal:items"), {"qty_1": "1", "kind": "return"})
    assert r.status_code == 302
    return client.post(reverse("portal:problem"), {"reason": "no_reason",
                                                   "description": "尺码不合适",
                                                   "photos": files or []})


def test_three_steps_open_one_verified_case_with_options_and_the_customer_accepts(client,
                                                                                  order):
    # when the customer goes through the three steps with a photo
    r = _three_steps(client, order, files=[SimpleUploadedFile("a.jpg", PNG)])
    # then one verified case exists with the photo and the policy's options
    case = Case.objects.get()
    assert r.status_code == 302 and "/options/" in r["Location"]
    assert case.channel == "web_portal" and case.verified_at is not None
    assert case.attachments.count() == 1 and case.decision["allowed"] is True
    page = client.get(r["Location"]).content.decode()
    assert "¥" in page  # amounts are shown
    # when they accept the first option
    r = client.post(r["Location"].split("?")[0], {"option": "0", "t": portal_token(case)})
    # then it is recorded and the tracking page says what happens next with the due date
    case.refresh_from_db()
    assert case.agreed_option["index"] == 0 and case.agreed_by_customer
    page = client.get(r["Location"]).content.decode()
    assert case.number in page and 'id="next-title"' in page


def test_submitting_step_two_twice_opens_one_case(client, order):
    _three_steps(client, order)
    client.post(reverse("portal:problem"), {"reason": "no_reason", "description": "尺码不合适"})
    assert Case.objects.count() == 1


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(client, order):
    r = _three_steps(client, order, files=[SimpleUploadedFile("photo.jpg", b"MZ\x90\0exe")])
    assert r.status_code == 200 and 'id="problem-error"' in r.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_wrong_link_is_answered_like_a_missing_case(client, order):
    _three_steps(client, order)
    case = Case.objects.get()
    assert client.get(reverse("portal:case", args=[case.number]), {"t": "x" * 32}
                      ).status_code == 404
    assert client.get(reverse("portal:case", args=["AS-2026-999999"]), {"t": "x" * 32}
                      ).status_code == 404


def test_customer_appeals_a_rejection_and_rates_the_closed_case(client, order, agent):
    _three_steps(client, order)
    case = Case.objects.get()
    t = portal_token(case)
    s.case_reject(case=case, actor=agent, reason="已超七天")
    page = client.get(reverse("portal:case", args=[case.number]), {"t": t}).content.decode()
    assert "已超七天" in page and 'name="statement"' in page
    # an appeal without anything new is refused with a message
    r = client.post(reverse("portal:appeal", args=[case.number]), {"t": t, "statement": ""})
    assert r.status_code == 422
    r = client.post(reverse("portal:appeal", args=[case.number]),
                    {"t": t, "statement": "签收日期有误", "files": [SimpleUploadedFile(
                        "proof.png", PNG)]})
    case.refresh_from_db()
    assert case.state == "appeal_review" and case.attachments.count() == 1
    # when the case is closed, one tap on a star rates it
    from aftersales.accounts.tests.factories import UserFactory

    sup = UserFactory(roles=["cs_supervisor"])
    s.case_transition(case=case, actor=sup, transition="uphold_rejection", reason="证据不足")
    r = client.post(reverse("portal:rate", args=[case.number]), {"t": t, "score": "4"})
    case.refresh_from_db()
    assert r.status_code == 302 and case.csat_score == 4 and case.state == "rated"
    page = client.get(r["Location"]).content.decode()
    assert "★★★★☆" in page


def test_customer_withdraws_with_a_reason_and_nothing_else_is_offered_by_post(client, order):
    _three_steps(client, order)
    case = Case.objects.get()
    t = portal_token(case)
    page = client.get(reverse("portal:case", args=[case.number]), {"t": t}).content.decode()
    assert 'value="withdraw"' in page
    # a step the customer may not take is refused
    r = client.post(reverse("portal:act", args=[case.number]), {"t": t, "transition": "verify"})
    assert r.status_code == 422
    # withdrawing needs a reason
    r = client.post(reverse("portal:act", args=[case.number]),
                    {"t": t, "transition": "withdraw", "reason": " "})
    assert r.status_code == 422
    r = client.post(reverse("portal:act", args=[case.number]),
                    {"t": t, "transition": "withdraw", "reason": "不想退了"})
    case.refresh_from_db()
    assert r.status_code == 302 and case.state == "closed" and case.resolution == "withdrawn"


def test_customer_ships_the_return_back_with_the_tracking_number(client, order, agent):
    # given a return the customer accepted and the agent sent the instructions for
    r = _three_steps(client, order)
    case = Case.objects.get()
    t = portal_token(case)
    client.post(r["Location"].split("?")[0], {"option": "0", "t": t})
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="尺码偏小")
    # the customer chose on the portal: confirming the problem agrees the case, no re-offer
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem_agreed")
    assert case.state == "agreed"
    rma_issue(case=case, actor=agent)  # the RMA sends the instructions (logistics)
    case.refresh_from_db()
    assert case.state == "awaiting_return"
    page = client.get(reverse("portal:case", args=[case.number]), {"t": t}).content.decode()
    assert 'name="tracking_no"' in page
    # a missing tracking number is refused, nothing moves
    r = client.post(reverse("portal:act", args=[case.number]),
                    {"t": t, "transition": "ship_back", "tracking_no": ""})
    assert r.status_code == 422
    # when the customer enters it, the return is in transit with the number recorded
    client.post(reverse("portal:act", args=[case.number]),
                {"t": t, "transition": "ship_back", "courier": "顺丰",
                 "tracking_no": "SF998877"})
    case.refresh_from_db()
    assert case.state == "returning" and case.facts["tracking_number"]["tracking_no"] == "SF998877"


def test_a_returning_customer_finds_their_request_and_can_ask_only_for_the_rest(client,
                                                                                policies,
                                                                                clock):
    # given an order of two shirts and a portal request already open for one of them
    order = f.order(lines=[(f.product(), 2, "300.00")])
    _three_steps(client, order)
    case = Case.objects.get()
    # when the customer comes back with order number + phone
    client.cookies.clear()
    assert _find(client, order).status_code == 302
    page = client.get(reverse("portal:items"))
    html = page.content.decode()
    # then their request is listed with its secret link, and one shirt is left to request
    assert case.number in html and f"t={portal_token(case)}" in html
    assert 'max="1"' in html
    # and asking for both again is refused, with nothing opened
    r = client.post(reverse("portal:items"), {"qty_1": "2", "kind": "return"})
    assert r.status_code == 200 and Case.objects.count() == 1
    assert "0" in r.content.decode() and 'role="alert"' in r.content.decode()
