"""Shared pytest setup: browser tests with Playwright on Debian's Chromium (ARCHITECTURE.md).

Browser tests: mark them ``@pytest.mark.e2e``, use pytest-django's ``live_server`` and
pytest-playwright's ``page`` (1366×768, zh-CN) or ``portal_page`` (390×844, touch).
``staff_login(page, live_server, user)`` signs a user in through the login form.
``playwright install`` can't download browsers here, so the browser is /usr/bin/chromium
(override with AFTERSALES_CHROMIUM); without it e2e tests skip.
"""

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from bench import LOOP_REFERENCE_S, loop_seconds

# Playwright's sync API drives the browser from the test thread while Django's live server
# runs in another: Django must allow ORM calls from that context (ARCHITECTURE.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The demo company's fixtures (demo_image, demo_company, demo_committed), for any test.
pytest_plugins = ["aftersales.demo.tests.fixtures"]

CHROMIUM = os.environ.get("AFTERSALES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
STAFF_VIEWPORT = {"width": 1366, "height": 768}
PORTAL_VIEWPORT = {"width": 390, "height": 844}


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)
    _refuse_duplicate_ids(items)
    order = _schedule(items)  # the groups before pytest-xdist reads them
    yield
    items.sort(key=order)  # the order after pytest-django's (transactional tests last)


# ---------------------------------------------------------------- parallel runs (pytest-xdist)
# `make test` runs `--dist loadgroup --no-loadscope-reorder`: each test file is one group, so
# its module-wide setup is built once, on one worker; the files that use the demo company share
# one group, so the demo is built once per run. Groups are handed out longest first (the
# seconds each took in the last run on this checkout, var/test-durations.json; a guess for new
# ones), so that no worker is left running a long browser test while the other waits.
DURATIONS = Path(__file__).resolve().parent / "var" / "test-durations.json"
DEMO_FIXTURES = {"demo_company", "demo_image", "demo_committed"}
DEMO_BUILD_SECONDS = 8.0  # the group's first test builds the demo company


def _refuse_duplicate_ids(items) -> None:
    """Two tests with one id would be run as one by a parallel run (it sends ids to workers);
    pytest 9.2 did that to every schemathesis operation but the first."""
    seen: set[str] = set()
    twice = {item.nodeid for item in items if item.nodeid in seen or seen.add(item.nodeid)}
    if twice:
        raise pytest.UsageError(f"tests collected twice under one id: {sorted(twice)[:5]}")


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _path(item) -> str:
    return _file(item.nodeid)


def _group(item) -> str:
    return "demo" if DEMO_FIXTURES & set(getattr(item, "fixturenames", ())) else _path(item)


def _guess(item) -> float:
    """Seconds a test may take when no earlier run measured its file (a fresh clone, CI):
    its ``duration`` mark, else a guess by kind."""
    if marker := item.get_closest_marker("duration"):
        return float(marker.args[0])
    if "e2e" in item.keywords:
        return 8.0
    marker = item.get_closest_marker("django_db")
    return 1.0 if marker and marker.kwargs.get("transaction") else 0.1


def _schedule(items) -> Callable[[pytest.Item], float]:
    """Put each test in its group; answer the sort key that hands out the longest first."""
    try:
        measured = json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        measured = {}
    # by id(): an item hashes as its id, which pytest-xdist changes (it appends the group)
    groups = {id(item): _group(item) for item in items}
    cost: dict[str, float] = {}
    for item in items:
        group = groups[id(item)]
        item.add_marker(pytest.mark.xdist_group(group))
        cost[group] = cost.get(group, 0.0) + (0.0 if _path(item) in measured else _guess(item))
    for group, path in {(groups[id(i)], _path(i)) for i in items if _path(i) in measured}:
        cost[group] += measured[path]
    if "demo" in cost and not measured:
        cost["demo"] += DEMO_BUILD_SECONDS
    return lambda item: -cost[groups[id(item)]]  # a stable sort: a file keeps its own order


_seconds: dict[str, float] = {}
_started: list[float] = []


def pytest_sessionstart(session):
    _started.append(time.monotonic())


@pytest.hookimpl(trylast=True)  # after the ten slowest tests
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The run's time next to the machine's speed (the bench's calibration loop, bench/README):
    these machines differ up to threefold, so a suite time means little without it."""
    if hasattr(config, "workerinput") or not _started or not _seconds:
        return
    wall = time.monotonic() - _started[0]
    factor = loop_seconds(runs=1) / LOOP_REFERENCE_S
    terminalreporter.write_line(
        f"{wall:.0f} s on a machine of factor {factor:.2f} (the bench's calibration loop, "
        f"{LOOP_REFERENCE_S} s = 1.0): {wall / factor:.0f} s normalized")


def pytest_runtest_logreport(report):
    if isinstance(report, pytest.SubtestReport):  # its time is in its test's own report
        return
    path = _file(report.nodeid)
    _seconds[path] = _seconds.get(path, 0.0) + report.duration


def pytest_sessionfinish(session, exitstatus):
    """Keep each file's seconds for the next run's order (the controller, or a one-process run)."""
    if hasattr(session.config, "workerinput") or not _seconds or exitstatus not in (0, 1):
        return
    try:
        known = json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        known = {}
    known.update({path: round(seconds, 2) for path, seconds in _seconds.items()})
    root = Path(__file__).resolve().parent
    known = {path: seconds for path, seconds in known.items() if (root / path).exists()}
    DURATIONS.parent.mkdir(exist_ok=True)
    tmp = DURATIONS.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(known, indent=0, sort_keys=True))
    tmp.replace(DURATIONS)


# ------------------------------------------------------ the embedded test database, kept
# Migrating a new SQLite test database takes each worker about eight seconds (Django renders
# every migration's model state). On the embedded default the test database is a file kept in
# var/test-db/ between runs (pytest-django's --reuse-db), named after a digest of every
# installed app's migration files: a changed or new migration makes a new database, and the old
# ones are deleted. A kept database is flushed when the run starts, so a run that was stopped
# half-way leaves nothing behind for the next. `--create-db` builds it afresh; a test database
# named in AFTERSALES_TEST_SQLITE is left as it is. PostgreSQL always gets a new one.
TEST_DB_DIR = Path(__file__).resolve().parent / "var" / "test-db"


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pytest_configure(config):
    db = settings.DATABASES["default"]
    if (db["ENGINE"] != "django.db.backends.sqlite3" or db.get("TEST", {}).get("NAME")
            or config.getoption("create_db", False)):
        return
    digest = _migrations_digest()
    TEST_DB_DIR.mkdir(parents=True, exist_ok=True)
    if not hasattr(config, "workerinput"):  # the controller clears out older databases
        for old in TEST_DB_DIR.glob("*.sqlite3*"):
            if not old.name.startswith(digest):
                old.unlink(missing_ok=True)
    db.setdefault("TEST", {})["NAME"] = str(TEST_DB_DIR / f"{digest}.sqlite3")
    config.option.reuse_db = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, pytestconfig):
    """pytest-django's test databases, flushed first when kept from an earlier run."""
    if pytestconfig.getoption("reuse_db", False):
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()


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
