"""Staff pages on a phone (issue 10 item 8): a dealer or field engineer at 390×844 opens the
case list and a case page; the page never gets wider than the screen (tables scroll in their
own box), the menu folds behind its button, and select-all ticks every row. Screenshots go to
/tmp/aftersales-e2e."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.accounts.tests.factories import UserFactory

SHOTS = "/tmp/aftersales-e2e"  # made by conftest.reference (test artifacts)

PHONE = {"width": 390, "height": 844}


def _cases(agent, n: int):
    from aftersales.cases import services as s
    from aftersales.cases.tests import factories as f

    now = timezone.now()
    out = []
    for _i in range(n):
        order = f.order(lines=[(f.product(name="加厚纯棉长袖衬衫（藏青色，XL）"), 2, "300.00")],
                        placed_at=now - timedelta(days=3), signed_at=now - timedelta(days=2))
        case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                           verify_phone=order.customer.phone, reason="quality",
                           description="袖口开线", lines=[{"line_no": 1, "quantity": 1}])
        case = s.case_transition(case=case, actor=agent, transition="verify")
        case = s.case_confirm_problem(case=case, actor=agent, symptom="袖口开线")
        out.append(s.case_evaluate(case=case, actor=agent))
    return out


def _page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.e2e
def test_case_list_and_case_page_fit_a_phone(reference, live_server, browser,
                                             browser_context_args, staff_login):
    # given an agent with three cases, on a phone
    agent = UserFactory(roles=["customer_service"])
    cases = _cases(agent, 3)
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE,
                                     "is_mobile": True, "has_touch": True})
    page = context.new_page()
    try:
        staff_login(page, live_server, agent)

        # when the agent opens the case list
        page.goto(f"{live_server.url}/cases/")
        # then the page is no wider than the screen, the menu is folded behind its button
        expect(page.locator("table.cases")).to_be_visible()
        assert _page_width(page) <= PHONE["width"]
        expect(page.locator("#sidenav")).to_be_hidden()
        page.locator(".nav-toggle-button").click()
        expect(page.locator("#sidenav")).to_be_visible()
        assert _page_width(page) <= PHONE["width"]
        page.locator(".nav-toggle-button").click()
        expect(page.locator("#sidenav")).to_be_hidden()
        page.screenshot(path=f"{SHOTS}/phone-case-list.png", full_page=True)

        # and select-all ticks every row of the page, and one row unticked leaves it "some"
        page.locator('input[data-select-all="cases"]').check()
        expect(page.locator('input[name="cases"]:checked')).to_have_count(3)
        page.locator('input[name="cases"]').first.uncheck()
        assert page.locator('input[data-select-all="cases"]').evaluate("e => e.indeterminate")

        # when the agent opens a case page
        page.goto(f"{live_server.url}/cases/{cases[0].number}/")
        expect(page.locator("#case-title")).to_have_text(cases[0].number)
        page.locator("#decision summary").click()  # the reasons: the widest table
        # then it fits the screen too; wide tables scroll inside their own box
        assert _page_width(page) <= PHONE["width"]
        page.screenshot(path=f"{SHOTS}/phone-case-page.png", full_page=True)
    finally:
        context.close()
