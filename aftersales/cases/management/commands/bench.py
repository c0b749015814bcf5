"""`aftersales bench …`: data for the case benchmarks (issue 4 item 11).

    aftersales bench seed --cases 1000000 [--open-share 0.95] [--due-share 0.01]
        Bulk-generate cases on the online-shop workflow: open cases in the agent's, the
        warehouse's and finance's states with due times over the next days (a share already
        overdue and not yet swept), the rest closed; one case line each. Prints a JSON summary.
    aftersales bench intake-fixture --orders 200
        A customer-service user with an API key and orders of two lines each, for the HTTP
        intake benchmark. Prints JSON {"key", "orders": [{"number", "phone"}]}.
    aftersales bench session --role customer_service
        A signed-in session of the user bench-<role> (made on first use, in the role's
        department), for an HTTP client. Prints JSON {"cookie", "value", "user"}.
    aftersales bench plans --role customer_service
        The query plans of the list pages (count and page query) for that user, and the sort
        step of each if there is one. Prints JSON {page: {"count": [...], "page": [...],
        "sorts": [...]}}.
"""

from __future__ import annotations

import json
import random
import secrets
import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

BATCH = 10_000
OPEN_STATES = ["intake", "verified", "problem_confirmed", "negotiation", "inspected",
               "received", "refund_approval", "options_offered", "returning"]


class Command(BaseCommand):
    help = "Generate data for the case benchmarks (seed, intake-fixture)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="bulk-generate cases")
        seed.add_argument("--cases", type=int, required=True)
        seed.add_argument("--open-share", type=float, default=0.95)
        seed.add_argument("--due-share", type=float, default=0.01,
                          help="share of the open cases already past their due time")
        seed.add_argument("--orders", type=int, default=2000, help="orders the cases refer to")
        seed.add_argument("--seed", type=int, default=42)
        fixture = sub.add_parser("intake-fixture", help="user, API key and orders for intake")
        fixture.add_argument("--orders", type=int, default=200)
        for name, text in (("session", "a signed-in session of bench-<role>"),
                           ("plans", "query plans of the list pages")):
            sub.add_parser(name, help=text).add_argument("--role", default="customer_service")

    def handle(self, *args, action, **opts):
        if action == "seed":
            result = seed_cases(cases=opts["cases"], open_share=opts["open_share"],
                                due_share=opts["due_share"], orders=opts["orders"],
                                rng=random.Random(opts["seed"]))
        elif action == "intake-fixture":
            result = intake_fixture(orders=opts["orders"])
        elif action == "session":
            result = session(role=opts["role"])
        else:
            result = plans(role=opts["role"])
        self.stdout.write(json.dumps(result, ensure_ascii=False))


def _orders(n: int, *, lines_per_order: int, prefix: str):
    """n orders of the online shop (signed yesterday), bulk-inserted; returns them."""
    from aftersales.catalog.models import Category, Product
    from aftersales.parties.models import Customer
    from aftersales.sales.models import Order, OrderLine, Payment, Shipment

    now = timezone.now()
    tag = secrets.token_hex(3)
    cat, _ = Category.objects.get_or_create(code="apparel", defaults={"name": "服装"})
    products = Product.objects.bulk_create([
        Product(sku=f"{prefix}-{tag}-{i}", name=f"衬衫{i}", category=cat,
                list_price=Decimal("300.00")) for i in range(lines_per_order)])
    customers = Customer.objects.bulk_create([
        Customer(code=f"{prefix}-{tag}-{i}", name=f"顾客{i}", phone=f"139{i:08d}",
                 email=f"b{i}@example.com") for i in range(n)], batch_size=BATCH)
    orders = Order.objects.bulk_create([
        Order(number=f"{prefix}-{tag}-{i:07d}", business_line="online_shop", channel="online",
              customer=c, placed_at=now - timedelta(days=2), paid_at=now - timedelta(days=2),
              receiver_phone=c.phone, total=Decimal("300.00") * lines_per_order)
        for i, c in enumerate(customers)], batch_size=BATCH)
    OrderLine.objects.bulk_create([
        OrderLine(order=o, line_no=j + 1, product=p, sku=p.sku, name=p.name, quantity=2,
                  unit_price=Decimal("150.00")) for o in orders for j, p in enumerate(products)],
        batch_size=BATCH)
    Payment.objects.bulk_create([
        Payment(order=o, method="wechat_pay", amount=o.total, paid_at=o.placed_at)
        for o in orders], batch_size=BATCH)
    Shipment.objects.bulk_create([
        Shipment(order=o, carrier="SF", tracking_no=f"SF{o.number}", shipped_at=o.placed_at,
                 signed_at=now - timedelta(days=1)) for o in orders], batch_size=BATCH)
    return orders


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert named rows ({field attname: value}; every other column gets its field's default).

    PostgreSQL: COPY through psycopg's copy API, each value prepared by its own field (a
    million cases with their lines in about 1.5 minutes on a 2-core machine). Elsewhere: the
    ORM's bulk_create (about 8 minutes for a million). bulk_create sets auto_now /
    auto_now_add fields to the current time; seed_cases puts the seeded times back with one
    UPDATE."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        return
    given = rows[0].keys()
    fields = [f for f in model._meta.concrete_fields
              if f.attname in given or not f.primary_key]
    defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields
                if f.attname not in given}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([f.get_db_prep_save(row[f.attname], connection)
                            if f.attname in row else defaults[f.attname] for f in fields])


def intake_fixture(*, orders: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import ApiToken, Department

    with transaction.atomic():
        user = get_user_model().objects.create(
            username=f"bench-{secrets.token_hex(3)}",
            department=Department.objects.filter(code="customer_service").first())
        user.groups.add(Group.objects.get(name="customer_service"))
        _token, key = ApiToken.issue(user=user, name="bench")
        made = _orders(orders, lines_per_order=2, prefix="BI")
    return {"key": key, "user": user.username,
            "orders": [{"number": o.number, "phone": o.receiver_phone} for o in made]}


def bench_user(role: str):
    """The user bench-<role>, with the role and the role's department (made on first use)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import Department

    user, made = get_user_model().objects.get_or_create(
        username=f"bench-{role}",
        defaults={"department": Department.objects.filter(code=role).first()
                  or Department.objects.filter(code="customer_service").first()})
    if made:
        user.groups.add(Group.objects.get(name=role))
    return get_user_model().objects.get(pk=user.pk)


def session(*, role: str) -> dict:
    """A session signed in as bench-<role>, stored as django.contrib.auth.login stores one
    (without a login request, which the sign-in audit would record)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    user = bench_user(role)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {"cookie": settings.SESSION_COOKIE_NAME, "value": store.session_key,
            "user": user.username}


# The pages the case benchmark reads: (name, path, queue of the user?, preset filters)
PAGES = [("queue", "/cases/queue/", True, {}), ("list", "/cases/", False, {}),
         ("overdue", "/cases/overdue/", False, {"overdue": "1"}), ("home", "/", True, {})]


def _sort_steps(plan: str) -> list[str]:
    """The plan's sort steps: SQLite's "USE TEMP B-TREE", PostgreSQL's Sort nodes."""
    return [line.strip() for line in plan.splitlines()
            if "TEMP B-TREE" in line or line.strip().startswith(("Sort ", "->  Sort "))
            or "Sort  (" in line]


def plans(*, role: str) -> dict:
    """EXPLAIN (ANALYZE on PostgreSQL: how many rows each sort took) of each page's count and
    of its second page's rows, as the pages build them."""
    from aftersales.cases.views.lists import list_paginator

    user = bench_user(role)
    analyze = {"analyze": True} if connection.vendor == "postgresql" else {}
    out = {}
    for name, _path, mine, preset in PAGES:
        if name == "home":
            continue  # the home page's queue is the queue page's first page
        paginator = list_paginator(user, filters=preset, mine=mine, sort="due")
        count = paginator.count_query().explain(**analyze)
        page = paginator.page_rows(min(2, paginator.num_pages)).explain(**analyze)
        out[name] = {"count": count.splitlines(), "page": page.splitlines(),
                     "sorts": _sort_steps(count) + _sort_steps(page)}
    return out


def seed_cases(*, cases: int, open_share: float, due_share: float, orders: int,
               rng: random.Random) -> dict:
    """Bulk cases on the online-shop consumer workflow, in batches of BATCH rows."""
    from aftersales.accounts.models import Department
    from aftersales.cases.models import Case, CaseLine, CaseNumberSequence
    from aftersales.cases.services.common import resolve_policy
    from aftersales.sales.models import OrderLine
    from aftersales.workflow.definitions import workflow_for

    if cases < 1:
        raise CommandError("--cases must be at least 1")
    started = time.perf_counter()
    version, doc = resolve_policy(business_line="online_shop")
    wf = workflow_for(doc, business_line="online_shop", case_kind="return")
    made = _orders(min(orders, cases), lines_per_order=1, prefix="BS")
    line_of = dict(OrderLine.objects.filter(order__in=made).values_list("order_id", "pk"))
    depts = {d.code: d.pk for d in Department.objects.all()}
    now = timezone.now()
    year = timezone.localtime(now).year
    seq, _ = CaseNumberSequence.objects.get_or_create(year=year)
    first = seq.last + 1
    counts = {"open": 0, "due": 0, "end_to_end_due": 0, "closed": 0}
    case_id = first_id = (Case.objects.order_by("-pk").values_list("pk", flat=True).first()
                          or 0) + 1
    for start in range(0, cases, BATCH):
        rows, lines = [], []
        for i in range(start, min(start + BATCH, cases)):
            order = made[i % len(made)]
            is_open = rng.random() < open_share
            state = rng.choice(OPEN_STATES) if is_open else "closed"
            st = wf.states[state]
            dept = st.department or "customer_service"
            created = now - timedelta(minutes=rng.randint(60, 60 * 24 * 20))
            due = next_check = closed_at = e2e_due = None
            if is_open and st.category == "open":
                if rng.random() < due_share:
                    due = now - timedelta(minutes=rng.randint(1, 60 * 24 * 3))
                    counts["due"] += 1
                else:
                    due = now + timedelta(minutes=rng.randint(60, 60 * 24 * 10))
                next_check = due
            elif not is_open:
                closed_at = created + timedelta(days=3)
            if is_open and st.category == "open":  # S9.2 end-to-end clock, same share past due
                if rng.random() < due_share:
                    e2e_due = now - timedelta(minutes=rng.randint(1, 60 * 24 * 3))
                    counts["end_to_end_due"] += 1
                else:
                    e2e_due = now + timedelta(minutes=rng.randint(60, 60 * 24 * 20))
            counts["open" if is_open else "closed"] += 1
            rows.append({
                "id": case_id, "number": f"AS-{year}-{first + i:07d}", "kind": "return",
                "channel": "web_portal", "business_line": "online_shop",
                "customer_id": order.customer_id, "order_id": order.pk,
                "contact_name": f"顾客{i % len(made)}", "contact_phone": order.receiver_phone,
                "verified_at": created, "reason": "quality", "symptom": "开线",
                "workflow_key": wf.key, "state": state, "state_category": st.category,
                "state_entered_at": created, "policy_version_id": version.pk,
                "department_id": depts.get(dept), "due_at": due,
                "sla_next_check_at": next_check, "end_to_end_due_at": e2e_due,
                "sla_clock": (st.sla.clock or "") if st.sla else "", "closed_at": closed_at,
                "portal_salt": f"{rng.getrandbits(128):032x}", "created_at": created,
                "updated_at": created})
            lines.append({"case_id": case_id, "order_line_id": line_of[order.pk],
                          "quantity": 1})
            case_id += 1
        with transaction.atomic():
            bulk_insert(Case, rows)
            bulk_insert(CaseLine, lines)
    seeded = Case.objects.filter(pk__gte=first_id)
    if connection.vendor != "postgresql":  # bulk_create stamped the time of the insert
        seeded.update(created_at=F("state_entered_at"), updated_at=F("state_entered_at"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for table in (Case._meta.db_table, CaseLine._meta.db_table):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT MAX(id) FROM {table}))")
                # What autovacuum would do after a bulk load: statistics for the planner and
                # the visibility map that lets an index answer a count alone (VACUUM only
                # outside a transaction).
                vacuum = "VACUUM " if transaction.get_autocommit() else ""
                cur.execute(f"{vacuum}ANALYZE {table}")
    CaseNumberSequence.objects.filter(year=year).update(last=first + cases - 1)
    return {"cases": cases, **counts, "orders": len(made),
            "seconds": round(time.perf_counter() - started, 1)}
