"""Every demo role's home, and a dealer working a case on a phone (issue 10 item 12), in
Debian's Chromium on the demo company (``aftersales demo load``, as of 2026-06-15; the logins are
``aftersales demo logins``). Each role is signed in once; its home is shot at 1366×768 and at
390×844 (kept in /tmp/aftersales-e2e as ``home-<role>-<width>.png``), and on the phone it is
no wider than the screen and shows no raw code (``customer_service``) nor an ISO timestamp."""

import os
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from aftersales.cases.selectors import cases_visible_to
from aftersales.demo.services import demo_logins
from aftersales.demo.users import DEMO_USERS

SHOTS = "/tmp/aftersales-e2e"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# A code as the program spells it (role, state, kind: ``customer_service``, ``refund_payment``)
# and an ISO timestamp (``2026-06-15T10:00``): neither is for people to read.
RAW_CODE = re.compile(r"(?<![\w./:@-])[a-z]+(?:_[a-z]+)+(?![\w./@-])")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture
def demo(demo_committed):
    os.makedirs(SHOTS, exist_ok=True)


def _login(page, base: str, username: str) -> None:
    """Sign in as ``username`` by handing the browser a session cookie (the login form has its
    own browser test, test_login.py; here it would cost a form and a home page per role)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": base,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def _width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def _visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


def _one_per_role(logins: list[dict]) -> list[dict]:
    seen, out = set(), []
    for row in logins:
        if row["role"] not in seen:
            seen.add(row["role"])
            out.append(row)
    return out


@pytest.mark.e2e
def test_every_role_home_at_both_sizes_and_a_dealer_case_on_a_phone(
        demo, live_server, browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP})
    page = context.new_page()
    problems = []
    try:
        for row in _one_per_role(demo_logins()):
            role, username = row["role"], row["username"]
            _login(page, live_server.url, username)
            page.set_viewport_size(DESKTOP)
            page.goto(f"{live_server.url}{row['home']}")
            assert "/accounts/login" not in page.url, username
            page.screenshot(path=f"{SHOTS}/home-{role}-1366.png")
            page.set_viewport_size(PHONE)
            page.reload()
            page.screenshot(path=f"{SHOTS}/home-{role}-390.png", full_page=True)
            if _width(page) > PHONE["width"]:
                problems.append(f"{username}: {_width(page)} px wide at 390")
            text = _visible_text(page).replace(username, "")
            problems += [f"{username}: raw code {c!r}" for c in RAW_CODE.findall(text)]
            problems += [f"{username}: ISO time {t!r}" for t in ISO_TIME.findall(text)]
        assert not problems, "\n".join(problems)

        # a dealer on a phone opens the case waiting for their repair (S10.1) from the list
        dealers = get_user_model().objects.filter(
            username__in=[u for u, _n, _x in DEMO_USERS["dealer"]])
        found = [(d, c) for d in dealers
                 for c in cases_visible_to(d).filter(state="dealer_repair")[:1]]
        assert found, "the demo has no case waiting for a demo dealer's repair"
        dealer, case = found[0]
        dealer_name = dealer.username
        _login(page, live_server.url, dealer_name)
        page.goto(f"{live_server.url}/cases/")
        expect(page.locator("table.cases")).to_be_visible()
        assert _width(page) <= PHONE["width"]
        page.goto(f"{live_server.url}/cases/{case.number}/")
        expect(page.locator("#case-title")).to_have_text(case.number)
        assert _width(page) <= PHONE["width"]
        # the menu folds behind its button and opens without widening the page
        expect(page.locator("#sidenav")).to_be_hidden()
        page.locator(".nav-toggle-button").click()
        expect(page.locator("#sidenav")).to_be_visible()
        assert _width(page) <= PHONE["width"]
        page.locator("#sidenav a[href]").first.click()
        page.wait_for_load_state()
        assert _width(page) <= PHONE["width"]
        page.goto(f"{live_server.url}/cases/{case.number}/")
        page.screenshot(path=f"{SHOTS}/dealer-case-390.png", full_page=True)
        # and works it: reports the repair done with one action that fits the screen
        step = page.locator('#actions details.action[data-action="dealer_repaired"]')
        expect(step.locator("summary[data-primary]")).to_be_visible()
        step.locator("summary").click()
        step.locator("input[name=note]").fill("更换液压泵密封圈，试机正常")
        assert _width(page) <= PHONE["width"]
        step.locator("button[type=submit]").click()
        expect(page.locator("#case-state")).to_have_text("待清回三包旧件")
        expect(page.locator("#action-error")).to_have_count(0)
        page.screenshot(path=f"{SHOTS}/dealer-repaired-390.png", full_page=True)
        case.refresh_from_db()
        assert case.state == "parts_recovery"
    finally:
        context.close()
