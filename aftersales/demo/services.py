"""The demo company as a service: `demo_load` (idempotent, one transaction) and `demo_logins`.

Deterministic: every draw comes from a random.Random seeded with `seed` (one stream per
business line, so changing one generator leaves the others' data as it was) and every date is
relative to the load date. Keyed on codes, usernames and order numbers: loading again changes
nothing (issue 2 item 6).
"""

import logging
import random
import time
from datetime import date, datetime
from datetime import time as dtime

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.demo import b2b, retail
from aftersales.demo.company import COMPANY_NAME, DEFAULT_SEED, DEMO_PASSWORD, TZ, Pool
from aftersales.demo.customers import load_customers
from aftersales.demo.orders import write_orders
from aftersales.demo.reference import load_reference
from aftersales.demo.users import DEMO_USERS, ROLE_NAMES, load_users
from aftersales.sales.models import Order, OrderSource

log = logging.getLogger(__name__)


def demo_exists() -> bool:
    """The demo company is there: its orders, its first user and its cases (a cheap check for
    --if-empty; a database loaded before the demo had cases gets them on the next run)."""
    from aftersales.cases.models import Case
    from aftersales.demo.cases import KEY_PREFIX

    return (Order.objects.filter(source=OrderSource.DEMO).exists()
            and User.objects.filter(username="kefu").exists()
            and Case.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists())


def demo_load(*, seed: int = DEFAULT_SEED, today: date | None = None,
              if_empty: bool = False, policies: bool = True, cases: bool = True) -> dict:
    """Load the demo company; return a summary {created_orders, seconds, policies, cases,
    skipped}.

    `policies`: also load the shipped policies (when the policy app offers a loader).
    `cases`: also play the demo after-sales cases and sweep their SLAs (issue 4; needs the
    policies, which migrate loads too).
    """
    started = time.monotonic()
    if if_empty and demo_exists():
        return {"skipped": True, "created_orders": 0, "policies": None, "cases": None,
                "seconds": round(time.monotonic() - started, 2)}
    today = today or timezone.localdate(timezone=TZ)
    created = _load(seed=seed, today=today)
    loaded = _load_policies() if policies else None
    played = _load_cases(today=today) if cases else None
    return {"skipped": False, "created_orders": created, "policies": loaded,
            "cases": played, "company": COMPANY_NAME,
            "seconds": round(time.monotonic() - started, 2)}


@transaction.atomic
def _load(*, seed: int, today: date) -> int:
    # "Now" is the start of the load day: the data depends on the date, not the time of day.
    now = datetime.combine(today, dtime(0, 0), tzinfo=TZ)
    pool = Pool(seed)
    ref = load_reference(pool)
    customers = load_customers(pool, ref["dealers"])
    load_users(dealers=ref["dealers"], factories=ref["factories"])
    products, dealers = ref["products"], ref["dealers"]
    lots = b2b.all_lots(today, random.Random(seed + 7))

    def stream(n: int) -> random.Random:
        return random.Random(seed * 100 + n)

    specs = retail.online_orders(today, now, stream(1), customers, products)
    specs += retail.member_orders(today, now, stream(2), customers, products)
    specs += retail.refund_orders(today, now, stream(6), customers, products)
    specs += retail.exchange_orders(today, now, stream(7), customers, products)
    specs += b2b.outsourced_orders(today, now, stream(3), customers, products, lots)
    specs += b2b.electronics_orders(today, now, stream(4), customers, products, lots)
    specs += b2b.machinery_orders(today, now, stream(5), customers, products, dealers, lots)
    return write_orders(specs, lots, customers, dealers, products)


def _load_policies():
    """Load the shipped policies when the policy app offers it (engineer h2b's loader)."""
    try:
        from aftersales.policy.services import policies_load_directory
    except ImportError:
        return None
    try:
        with transaction.atomic():
            return policies_load_directory()
    except Exception as exc:  # the demo stays usable without policies; say why
        log.warning("demo: loading policies failed: %s", exc)
        return f"failed: {exc}"


def _load_cases(*, today: date):
    """The demo cases (aftersales.demo.cases) when the policies are there, else a reason."""
    from aftersales.core.choices import DEFAULT_POLICY
    from aftersales.policy.models import Policy

    names = set(DEFAULT_POLICY.values())
    have = set(Policy.objects.filter(name__in=names, versions__isnull=False)
               .values_list("name", flat=True))
    if have != names:
        return f"policies missing: {', '.join(sorted(names - have))}"
    from aftersales.demo.cases import load_cases

    try:
        return load_cases(today=today)
    except Exception as exc:  # the demo stays usable without its cases; say why
        log.warning("demo: loading the cases failed", exc_info=True)
        notes = "; ".join(getattr(exc, "__notes__", []))
        return f"failed: {exc!r}" + (f" ({notes})" if notes else "")


def home_url(role: str) -> str:
    if role == Role.ADMIN:
        return "/admin/"
    try:
        return reverse("home")
    except NoReverseMatch:
        return "/"


def demo_logins() -> list[dict]:
    """One row per demo user: role (Chinese name), username, password, home URL."""
    rows = []
    for role, users in DEMO_USERS.items():
        for username, display, _extra in users:
            rows.append({"role": role, "role_name": ROLE_NAMES[role], "username": username,
                         "display_name": display, "password": DEMO_PASSWORD,
                         "home": home_url(role)})
    return rows
