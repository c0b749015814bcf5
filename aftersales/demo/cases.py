"""Demo after-sales cases (issue 4): ~55 cases over the five business lines, every case kind,
in varied states of their workflows, made THROUGH THE CASE SERVICES so that timelines, due
times, decisions, assignments and events are the real ones.

Time: the case services take the time from ``timezone.now()`` (their only clock; the sweep
alone takes ``now_``). The stories happen in the days before the load, so each service call
runs on a demo clock — ``timezone.now`` set to the story's moment for the call, exactly like
the case tests' ``clock`` fixture — and nothing is shifted afterwards. Cases whose due time has
passed are then swept (``sla_sweep(now_=anchor)``): breaches, escalations to the supervisors'
home pages and the S3.4 fines in the ledger are the sweep's own.

Idempotent: each story is keyed by the intake idempotency key ``demo-<n>``; a story already
there is skipped as a whole, and the sweep at the same moment books nothing twice.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.db import transaction
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases import services as s
from aftersales.cases.models import Case, StateCategory
from aftersales.cases.services.common import case_workflow
from aftersales.core import cache
from aftersales.core.choices import MONEY_METHODS
from aftersales.core.errors import ApplicationError
from aftersales.demo.case_stories import STORIES, Story
from aftersales.demo.company import TZ
from aftersales.demo.records import RECORD_STEPS, play_record
from aftersales.demo.retail import MONEY_STORY_PREFIXES
from aftersales.demo.users import DEMO_USERS
from aftersales.policy.engine.evaluate import DECISION_FACTS
from aftersales.sales.models import Order, OrderSource

log = logging.getLogger(__name__)
KEY_PREFIX = "demo-"
GAP = timedelta(minutes=25)  # between two steps of a story unless it waits longer


def story_key(n: int) -> str:
    return f"{KEY_PREFIX}{n}"


def anchor_for(today: date) -> datetime:
    """The moment the stories lead up to: now when loading for today, else 18:00 that day."""
    real = timezone.now()
    if timezone.localtime(real, TZ).date() == today:
        return real.replace(microsecond=0)
    return datetime.combine(today, dtime(18, 0), tzinfo=TZ)


@contextmanager
def demo_clock(start: datetime):
    """``timezone.now()`` returns ``box[0]`` inside the block (the services' clock)."""
    box = [start]
    real = timezone.now
    timezone.now = lambda: box[0]
    try:
        yield box
    finally:
        timezone.now = real


def load_cases(*, today: date) -> dict:
    """Create the demo cases not there yet, then sweep; returns {created, sweep}."""
    anchor = anchor_for(today)
    existing = set(Case.objects.filter(idempotency_key__startswith=KEY_PREFIX)
                   .values_list("idempotency_key", flat=True))
    todo = [(n, st) for n, st in enumerate(STORIES, start=1) if story_key(n) not in existing]
    created = 0
    with transaction.atomic():
        if todo:
            cast = _Cast()
            used = set(Case.objects.filter(idempotency_key__startswith=KEY_PREFIX,
                                           order__isnull=False)
                       .values_list("order_id", flat=True))
            picker = _OrderPicker(used, dealers=set(cast.dealers))
            for n, story in todo:
                opened = _opened_at(story, anchor, n)
                order, line = picker.pick(story, opened)
                if story.kind != "consult" and order is None:
                    log.warning("demo case %s: no order fits; skipped", n)
                    continue
                try:
                    # One cache scope per story, like a request: the stamp is read once
                    # (and again after a write that moves it).
                    with cache.scope():
                        _play(n, story, opened, anchor, order, line, cast, picker)
                except Exception as exc:
                    exc.add_note(f"demo case story {n} ({story.line} {story.kind}, "
                                 f"order {getattr(order, 'number', None)})")
                    raise
                created += 1
        sweep = s.sla_sweep(now_=anchor)
    return {"created": created, "sweep": sweep}


def _opened_at(story: Story, anchor: datetime, n: int) -> datetime:
    days, hhmm = story.opened
    hour, minute = (int(x) for x in hhmm.split(":"))
    day = timezone.localtime(anchor, TZ).date() - timedelta(days=days)
    at = datetime.combine(day, dtime(hour, minute), tzinfo=TZ)
    if at > anchor - timedelta(minutes=10):
        at -= timedelta(days=1)  # "today" at a time still to come: the day before
    # (still after the load moment only when loading just after midnight: a little before it)
    return min(at, anchor - timedelta(minutes=10 + n))


class _Cast:
    """The demo user who plays each role (dealer and factory users by their company)."""

    def __init__(self) -> None:
        names = {role: rows[0][0] for role, rows in DEMO_USERS.items()}
        by_name = {u.username: u for u in User.objects.filter(
            username__in=[n for rows in DEMO_USERS.values() for n, _d, _x in rows])}
        self.by_role = {role: by_name.get(name) for role, name in names.items()}
        self.dealers = {u.dealer_id: u for u in by_name.values() if u.dealer_id}
        self.factories = {u.factory_id: u for u in by_name.values() if u.factory_id}

    def for_role(self, role: str, case: Case | None = None):
        if role == Role.DEALER:
            return self.dealers.get(getattr(case, "dealer_id", None))
        if role == Role.FACTORY:
            return self.factories.get(getattr(case, "factory_id", None))
        return self.by_role.get(role)

    def first(self, roles, case: Case | None = None):
        for role in roles:
            user = self.for_role(role, case)
            if user is not None:
                return user
        return None


class _OrderPicker:
    """The demo order a story is about: the newest order of the business line placed before
    the case (within the story's window) with a line of the story's categories, not used by
    another demo case, matching the story's key-account and warranty-card wishes."""

    def __init__(self, used: set[int], *, dealers: set[int]) -> None:
        self.used = set(used)
        self.dealers = dealers  # dealers with a demo user (the dealer's steps need one)
        self._orders: dict[str, list[Order]] = {}

    def _line_orders(self, business_line: str) -> list[Order]:
        if business_line not in self._orders:
            qs = (Order.objects.filter(business_line=business_line, source=OrderSource.DEMO)
                  .select_related("customer", "dealer")
                  .prefetch_related("lines__product__category", "lines__serials",
                                    "warranty_cards", "shipments", "invoices", "payments")
                  .order_by("-placed_at", "number"))
            self._orders[business_line] = list(qs)
        return self._orders[business_line]

    def customer(self, business_line: str):
        orders = self._line_orders(business_line)
        return orders[len(orders) // 3].customer if orders else None

    def pick(self, story: Story, opened: datetime):
        if story.kind == "consult":
            return None, None
        low, high = story.window
        for strict in (True, False):
            for order in self._line_orders(story.line):
                age = opened - order.placed_at
                if order.pk in self.used or age < timedelta(days=low):
                    continue
                if strict and age > timedelta(days=high):
                    continue
                if not self._delivered_before(order, opened):
                    continue
                line = self._fits(order, story, self.dealers)
                if line is not None:
                    self.used.add(order.pk)
                    return order, line
        return None, None

    @staticmethod
    def _delivered_before(order: Order, opened: datetime) -> bool:
        """Signed for (and installed) before the customer came back: a case about goods."""
        shipments = list(order.shipments.all())
        if not shipments or any(sh.signed_at is None for sh in shipments):
            return False
        last = max([sh.signed_at for sh in shipments]
                   + [sh.installed_at for sh in shipments if sh.installed_at])
        invoiced = [datetime.combine(inv.issued_on, dtime(23, 59), tzinfo=TZ)
                    for inv in order.invoices.all()]
        return max([last, order.paid_at or last] + invoiced) < opened - timedelta(hours=12)

    @staticmethod
    def _fits(order: Order, story: Story, dealers: set[int]):
        if story.key is not None and order.customer.key_account != story.key:
            return None
        # Refunds and differences paid in the demo: money the manual gateway pays back, plus
        # coupon and points (the orders WS-1009nn, HY-2009nn); other stories leave them alone.
        if order.number.startswith(MONEY_STORY_PREFIXES) != bool(story.pays):
            return None
        if story.pays:
            methods = {p.method for p in order.payments.all()}
            if not methods & MONEY_METHODS <= set(story.pays):
                return None
        if story.line == "machinery":
            if not order.customer.code.startswith("NJ-F") or order.dealer_id not in dealers:
                return None  # 三包 service is for the farmers' machines, not dealer stock
            if story.card is not None:
                on_time = any(c.returned_on and c.returned_on <= c.sold_on + timedelta(days=20)
                              for c in order.warranty_cards.all())
                if on_time != (story.card == "on_time"):
                    return None
        for line in sorted(order.lines.all(), key=lambda ln: ln.line_no):
            if story.cats and line.product.category.code not in story.cats:
                continue
            if story.skus and line.sku not in story.skus:
                continue
            if line.quantity < story.min_qty:
                continue
            return line
        return None


def _play(n: int, story: Story, opened: datetime, anchor: datetime, order, line,
          cast: _Cast, picker: _OrderPicker) -> Case:
    """Open the case and walk the story's steps, each on the demo clock."""
    limit = anchor - timedelta(minutes=1)
    with demo_clock(opened) as clock:
        opener = cast.for_role(story.by) if story.by else None
        if story.by == Role.DEALER and order is not None:
            opener = cast.dealers.get(order.dealer_id)
        lines, qty = None, None
        if line is not None:
            qty = min(story.qty, line.quantity)
            serial = next((sn.serial for sn in line.serials.all()), "")
            lines = [{"order_line": line.pk, "quantity": qty, "serial": serial,
                      "reason": story.symptom, "condition": dict(story.condition)}]
        case = s.case_open(
            kind=story.kind, channel=story.channel, actor=opener, order=order,
            customer=None if order is not None else picker.customer(story.line),
            business_line=story.line, lines=lines,
            verify_phone=(order.customer.phone if story.verify and order is not None
                          else None),
            reason=story.reason if order is not None else "", symptom=story.symptom,
            description=story.text, quantity_affected=qty, priority=story.priority,
            evidence=list(story.evidence), exchange_for=[dict(x) for x in story.exchange_for],
            idempotency_key=story_key(n))
        for step in story.steps:
            clock[0] = min(clock[0] + (timedelta(hours=step[1]) if step[0] == "wait" else GAP),
                           limit)
            if step[0] != "wait":
                case = _step(case, step, story, cast, n)
        if story.assign:
            clock[0] = min(clock[0] + timedelta(minutes=5), limit)
            _assign(case, cast)
    return case


def _step(case: Case, step: tuple, story: Story, cast: _Cast, n: int) -> Case:
    what, *args = step
    if what in RECORD_STEPS:  # a numbered record of logistics, quality, finance or charges
        return play_record(case, what, args, story, cast, n)
    if what in ("fact", "cfact") and len(args) > 1:  # numbered forms: QE-2026-0<n>
        args[1] = {k: v.replace("{n}", f"{n:02d}") if isinstance(v, str) else v
                   for k, v in args[1].items()}
    wf = case_workflow(case)
    state_user = cast.first(wf.state(case.state).roles, case)
    if what == "verify":
        return s.case_verify(case=case, actor=state_user, order=case.order,
                             phone=case.order.customer.phone)
    if what == "confirm":
        return s.case_confirm_problem(case=case, actor=state_user,
                                      symptom=story.symptom or story.text[:40],
                                      description=story.text,
                                      defect_category=story.defect)
    if what == "evaluate":
        return s.case_evaluate(case=case, actor=state_user)
    if what == "accept":  # the customer chooses on the portal (S1.5), by resolution
        options = (case.decision or {}).get("options") or []
        if not options:  # the story no longer fits the policy: say which rule refused
            raise ValueError("no options: " + "; ".join(
                f"{r['rule']}: {r['message'].get('zh')}"
                for r in (case.decision or {}).get("reasons", []) if not r.get("passed")))
        index = next((i for i, o in enumerate(options)
                      if args and o.get("resolution") == args[0]), None)
        if index is None and args:  # say what was offered instead
            raise ValueError(f"no {args[0]} option: offered "
                             + ", ".join(str(o.get("resolution")) for o in options) + "; "
                             + "; ".join(f"{r['rule']}: {r['message'].get('zh')}"
                                         for r in (case.decision or {}).get("reasons", [])
                                         if not r.get("passed")))
        index = index or 0
        return s.case_accept_option(case=case, actor=None, option=index)
    if what == "fact":  # recorded by the role at work
        if args[0] in DECISION_FACTS:  # S8.2, S10.4: the policy decision states these
            if ((case.facts or {}).get(args[0]) or {}).get("value"):
                return case
            return s.case_record_fact(case=case, actor=state_user, fact=args[0],
                                      data=args[1] if len(args) > 1 else None,
                                      note="核对销售记录和三包凭证后人工确认")
        return s.case_record_fact(case=case, actor=state_user, fact=args[0],
                                  data=args[1] if len(args) > 1 else None)
    if what == "cfact":  # recorded by the customer (S5.4 tracking number)
        return s.case_record_fact(case=case, actor=None, fact=args[0],
                                  data=args[1] if len(args) > 1 else None)
    if what in ("go", "cgo"):
        actor = None
        if what == "go":
            t = next(t for t in wf.transitions_from(case.state) if t.code == args[0])
            actor = cast.first(t.roles, case)
        return s.case_transition(case=case, actor=actor, transition=args[0],
                                 reason=args[1] if len(args) > 1 else None)
    if what == "adjust":
        return s.case_adjust(case=case, actor=state_user, amount=args[0], note=args[1])
    if what == "reject":
        return s.case_reject(case=case, actor=state_user, reason=args[0])
    if what == "appeal":  # the customer, with new evidence (S9.3)
        return s.case_appeal(case=case, actor=None, statement=args[0])
    if what == "close":
        return s.case_close(case=case, actor=state_user, note=args[0] if args else "")
    if what == "rate":  # the customer (S1.7)
        return s.case_rate(case=case, actor=None, score=args[0], comment=args[1])
    raise ValueError(f"unknown demo step {what!r}")


def _assign(case: Case, cast: _Cast) -> None:
    """Give an open, unassigned case to a person whose role works on its state: the dealer's
    or factory's user where the state is theirs, else round-robin in the case's department."""
    case.refresh_from_db()
    if case.assignee_id or case.state_category in (StateCategory.CLOSED,
                                                   StateCategory.RESOLVED):
        return
    state = case_workflow(case).state(case.state)
    if not state.roles:
        return
    # The 三包 office dispatches to the dealer (S10.2); the specialist to the factory (S2.6).
    for role, dispatcher in ((Role.DEALER, Role.SALES_BRANCH),
                             (Role.FACTORY, Role.SALES_SPECIALIST)):
        if role in state.roles and state.department is None:
            user = cast.for_role(role, case)
            if user is not None:
                s.case_assign(case=case, actor=cast.by_role.get(dispatcher), assignee=user)
            return
    if case.department_id is None:
        return
    try:
        s.case_assign_round_robin(case=case, actor=None)
    except ApplicationError as exc:  # nobody of the state's roles in that department
        log.info("demo case %s left in the queue: %s", case.number, exc)
