"""Shared pytest setup: browser tests with Playwright on Debian's Chromium (ARCHITECTURE.md).

Browser tests: mark them ``@pytest.mark.e2e``, use pytest-django's ``live_server`` and
pytest-playwright's ``page`` (1366×768, zh-CN) or ``portal_page`` (390×844, touch).
``staff_login(page, live_server, user)`` signs a user in through the login form.
``playwright install`` can't download browsers here, so the browser is /usr/bin/chromium
(override with AFTERSALES_CHROMIUM); without it e2e tests skip.
"""

import os
import shutil

import pytest

# Playwright's sync API drives the browser from the test thread while Django's live server
# runs in another: Django must allow ORM calls from that context (ARCHITECTURE.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("AFTERSALES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
STAFF_VIEWPORT = {"width": 1366, "height": 768}
PORTAL_VIEWPORT = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": STAFF_VIEWPORT, "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def portal_page(browser, browser_context_args):
    """A phone-sized page (390×844, touch) for customer-portal tests."""
    context = browser.new_context(**{**browser_context_args, "viewport": PORTAL_VIEWPORT,
                                     "is_mobile": True, "has_touch": True})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def staff_login():
    """Sign ``user`` in through the login form; the password is the factories' PASSWORD."""

    def login(page, live_server, user, password=None):
        from aftersales.accounts.tests.factories import PASSWORD

        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(password or PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()

    return login


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Every test hashes passwords with MD5: PBKDF2 takes a third of a second per user, and a
    test that builds a team of eight would spend three seconds hashing. The production hasher
    is tested where it matters (accounts/tests/test_login_throttle.py sets its own)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _setup_rows_after_flush(request):
    """Transactional tests start from a flushed database; give them what migrate leaves behind.

    A flush normally re-sends post_migrate (roles, calendar, shipped policies), but a flush that
    follows a ``serialized_rollback`` test inhibits it, so the next transactional test would find
    no role groups. Re-send it when the rows are missing.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if not (transactional or {"transactional_db", "live_server"} & set(request.fixturenames)):
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group
    from django.core.cache import cache

    cache.clear()  # the cache is a database table (abuse limits) that a flush leaves alone

    if not Group.objects.exists():
        from django.core.management.sql import emit_post_migrate_signal

        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
