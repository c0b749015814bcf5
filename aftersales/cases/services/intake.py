"""Intake from any channel (S1.1), verification (S1.2), problem confirmation (S1.3); files are
in services/attachments.py. One transaction and one timeline event per action."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.calendars.calendar import SHANGHAI
from aftersales.cases import events
from aftersales.cases.access import new_portal_salt
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import (
    Case,
    CaseKind,
    CaseLine,
    CaseNumberSequence,
    Priority,
)
from aftersales.cases.services.agreement import (
    EVALUABLE,
    decision_event_data,
    policy_request_for,
)
from aftersales.cases.services.common import (
    actor_label,
    actor_roles,
    customer_messages,
    enter_state,
    lock_case,
    now,
    order_placed_date,
    policy_name_for,
    resolve_policy,
    save_case,
    staff,
)
from aftersales.cases.services.permissions import require_works_on
from aftersales.core import statements
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import ValidationError
from aftersales.policy import documents
from aftersales.policy.models import EvaluationChannel
from aftersales.policy.services.evaluation import evaluation_log_build
from aftersales.sales.selectors import phone_digits, phone_matches
from aftersales.workflow.definitions import workflow_for


def case_number_next(at=None) -> str:
    """The next AS-<year>-<nnnnnn>; the year's sequence row is locked until commit.

    One ``UPDATE … RETURNING`` where the database has it (PostgreSQL, SQLite ≥ 3.35): the
    row lock taken by the update keeps numbers unique under concurrent intake."""
    year = timezone.localtime(at or now(), SHANGHAI).year
    last = _sequence_bump(year)
    if last is None:
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(year=year, last=1)
            last = 1
        except IntegrityError:  # another intake created the row first
            last = _sequence_bump(year)
    return f"AS-{year}-{last:06d}"


def _sequence_bump(year: int) -> int | None:
    """Increment the year's counter; its new value, or None when the year has no row yet."""
    connection = transaction.get_connection()
    if connection.features.can_return_rows_from_update:
        table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
        rows = statements.fetchall(f'UPDATE {table} SET "last" = "last" + 1 '  # noqa: S608
                                   'WHERE "year" = %s RETURNING "last"', [year])
        return rows[0][0] if rows else None
    if not CaseNumberSequence.objects.filter(year=year).update(last=F("last") + 1):
        return None
    return CaseNumberSequence.objects.values_list("last", flat=True).get(year=year)


def _lines(order, lines: list[dict[str, Any]] | None) -> list[CaseLine]:
    """Case lines from [{"order_line"|"line_no", "quantity", ...}]; quantity ≤ bought."""
    if not lines:
        return []
    if order is None:
        raise ValidationError(_("Lines need an order."), fields={"lines": _("no order given")})
    prefetched = getattr(order, "_prefetched_objects_cache", {}).get("lines")
    order_lines = prefetched if prefetched is not None else order.lines.select_related("product")
    by_id = {ol.pk: ol for ol in order_lines}
    by_no = {ol.line_no: ol for ol in by_id.values()}
    wanted: dict[int, int] = defaultdict(int)
    out = []
    for i, raw in enumerate(lines):
        ref = raw.get("order_line")
        ol = by_id.get(getattr(ref, "pk", ref)) if ref is not None else by_no.get(
            raw.get("line_no"))
        if ol is None:
            raise ValidationError(_("Line %(n)d is not on order %(order)s.")
                                  % {"n": i + 1, "order": order.number},
                                  fields={f"lines[{i}]": _("not on this order")})
        try:
            qty = int(raw.get("quantity") or 0)
        except (TypeError, ValueError):
            qty = 0
        wanted[ol.pk] += qty
        if qty < 1 or wanted[ol.pk] > ol.quantity:
            raise ValidationError(
                _("Quantity for %(name)s must be between 1 and %(bought)d (bought).")
                % {"name": ol.name, "bought": ol.quantity},
                fields={f"lines[{i}].quantity": _("1 to %(n)d") % {"n": ol.quantity}})
        out.append(CaseLine(order_line=ol, quantity=qty, serial=str(raw.get("serial") or ""),
                            condition=raw.get("condition") or {},
                            reason=str(raw.get("reason") or "")[:200]))
    return out


def case_open(*, kind: str, channel: str, actor=None, order=None, customer=None,
              business_line: str | None = None, lines: list[dict] | None = None,
              verify_phone: str | None = None, contact_name: str = "", contact_phone: str = "",
              contact_email: str = "", reason: str = "", symptom: str = "",
              defect_category: str = "", description: str = "",
              quantity_affected: int | None = None, priority: str = Priority.NORMAL,
              key_account: bool | None = None, evidence: list[str] | None = None,
              exchange_for: list[dict] | None = None, idempotency_key: str | None = None,
              evaluate: bool = False) -> Case:
    """Open a case (S1.1) from any channel. Only an enquiry may come without an order (S1.2).

    With verify_phone the order is verified in the same step (the portal; an agent who has the
    caller's phone). The same idempotency_key returns the case it created the first time
    (``case.created`` tells which).

    With evaluate=True a verified return, exchange, repair or refund is evaluated by the policy
    engine in the same transaction (S1.4, as case_evaluate does: the decision on the case, one
    evaluation log row, an "evaluated" event); pass an order from
    policy.selectors.order_request_data_get so nothing is read twice (issue 4 item 11a).
    """
    # A retry is rare: ask only for existence first, in a fixed statement (no ORM compile)
    # that also reads the actor's roles, which opening checks (issue 4 item 11a).
    if idempotency_key and _key_taken(idempotency_key, actor=actor):
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            existing.created = False
            return existing
    try:
        case = _open(kind=kind, channel=channel, actor=actor, order=order, customer=customer,
                     business_line=business_line, lines=lines, verify_phone=verify_phone,
                     contact_name=contact_name, contact_phone=contact_phone,
                     contact_email=contact_email, reason=reason, symptom=symptom,
                     defect_category=defect_category, description=description,
                     quantity_affected=quantity_affected, priority=priority,
                     key_account=key_account, evidence=evidence, exchange_for=exchange_for,
                     idempotency_key=idempotency_key, evaluate=evaluate)
    except IntegrityError:
        if idempotency_key and not transaction.get_connection().in_atomic_block:
            existing = Case.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:  # a concurrent retry won the race
                existing.created = False
                return existing
        raise
    case.created = True
    return case


def _key_taken(key: str, *, actor=None) -> bool:
    """Whether a case has this idempotency key; in the same statement, a staff actor's role
    codes (User.role_codes' cache) when not read yet."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    connection = transaction.get_connection()
    roles_for = (actor.pk if staff(actor) is not None and not hasattr(actor, "_role_codes")
                 else None)
    sql = _KEY_SQL.get((connection.vendor, roles_for is not None))
    if sql is None:
        q = connection.ops.quote_name
        sql = (f"SELECT 'k', NULL FROM {q(Case._meta.db_table)} "  # noqa: S608
               f"WHERE {q('idempotency_key')} = %s")
        if roles_for is not None:
            through = get_user_model().groups.through._meta.db_table
            sql += (f" UNION ALL SELECT 'r', g.{q('name')} FROM {q(Group._meta.db_table)} g "
                    f"INNER JOIN {q(through)} ug ON ug.{q('group_id')} = g.{q('id')} "
                    f"WHERE ug.{q('user_id')} = %s")
        _KEY_SQL[(connection.vendor, roles_for is not None)] = sql
    rows = statements.fetchall(sql, [key] if roles_for is None else [key, roles_for])
    if roles_for is not None:
        actor._role_codes = {name for tag, name in rows if tag == "r"}
    return any(tag == "k" for tag, _name in rows)


_KEY_SQL: dict[tuple[str, bool], str] = {}


def _open(*, kind, channel, actor, order, customer, business_line, lines, verify_phone,
          contact_name, contact_phone, contact_email, reason, symptom, defect_category,
          description, quantity_affected, priority, key_account, evidence, exchange_for,
          idempotency_key, evaluate=False) -> Case:
    """Checks, reads and the policy evaluation first; then one transaction writes everything,
    so the write lock (SQLite) and the number row lock (PostgreSQL) are held only for the
    writes, not for the reads and the engine (issue 4 item 11a)."""
    if kind not in CaseKind.values:
        raise ValidationError(_("Unknown case kind."), fields={"kind": _("unknown")})
    if priority not in Priority.values:
        raise ValidationError(_("Unknown priority."), fields={"priority": _("unknown")})
    if order is None and kind != CaseKind.CONSULT:
        raise ValidationError(
            _("Only an enquiry can be opened without an order; give the order number (S1.2)."),
            code=CaseErrorCode.ORDER_REQUIRED,
            fields={"order": _("required for this kind of case")})
    if order is not None:
        business_line = order.business_line
        customer = customer or order.customer
        if customer.pk != order.customer_id:
            raise ValidationError(_("The order belongs to another customer."),
                                  fields={"order": _("not this customer's order")})
    if business_line not in BusinessLine.values:
        raise ValidationError(_("Which business line?"),
                              fields={"business_line": _("required")})
    at = now()
    version, doc = resolve_policy(business_line=business_line, at_date=order_placed_date(order))
    workflow = workflow_for(doc, business_line=business_line, case_kind=kind)
    case_lines = _lines(order, lines)
    if verify_phone is not None and order is not None and not phone_matches(order, verify_phone):
        raise ValidationError(_("The phone number does not match the order."),
                              code=CaseErrorCode.VERIFICATION_FAILED,
                              fields={"phone": _("does not match")})
    case = Case(
        number="", kind=kind, channel=channel, business_line=business_line,
        customer=customer, order=order,
        contact_name=contact_name or (customer.name if customer else ""),
        contact_phone=contact_phone or (verify_phone or "") or (customer.phone if customer
                                                               else ""),
        contact_email=contact_email or (customer.email if customer else ""),
        dealer_id=order.dealer_id if order is not None else None,  # ids: nothing more to read
        # S2.6: the outsourced factory that made the goods answers for them (and sees the case).
        factory_id=next((cl.order_line.product.factory_id for cl in case_lines
                         if cl.order_line.product.factory_id), None),
        reason=reason, symptom=symptom[:200], defect_category=defect_category[:60],
        description=description, quantity_affected=quantity_affected, priority=priority,
        key_account=customer.key_account if key_account is None and customer else
        bool(key_account),
        evidence=list(evidence or []), exchange_for=list(exchange_for or []),
        workflow_key=workflow.key, policy_version=version, state="", state_entered_at=at,
        portal_salt=new_portal_salt(), idempotency_key=idempotency_key or None,
        created_by=staff(actor), updated_by=staff(actor),
        updated_by_label="" if staff(actor) else actor_label(actor),
    )
    if verify_phone is not None and order is not None:
        case.verified_at, case.verified_by = at, staff(actor)
    enter_state(case, workflow, workflow.initial, at=at, previous=None)
    initial = workflow.state(workflow.initial)
    if staff(actor) is not None and actor_roles(actor) & set(initial.roles):
        case.assignee, case.assigned_at = actor, at
    evaluated = None
    if evaluate and case.verified_at is not None and kind in EVALUABLE:
        evaluated = _evaluate_new(case, order=order, case_lines=case_lines, version=version,
                                  doc=doc, at=at)
    # The number is reserved on its own (a short write), every row is built and its values
    # prepared, and only then does the write transaction start: the case and every row it
    # brings, one statement on PostgreSQL (statements.insert_family), so the write lock
    # (SQLite) is held for the inserts alone. A write that fails after the reservation leaves
    # a gap in the numbers, never a duplicate.
    case.number = case_number_next(at)
    timeline = [events.event_opened(
        case=case, actor=staff(actor), actor_label=actor_label(actor), save=False, data={
            "kind": kind, "channel": channel, "order": order.number if order else None,
            "lines": [{"order_line": cl.order_line_id, "quantity": cl.quantity}
                      for cl in case_lines],
            "verified": case.verified_at is not None, "due_at": _iso(case.due_at),
            "policy_version": version.pk,
        })]
    log = []
    if evaluated is not None:
        log_version, request = evaluated
        log.append(evaluation_log_build(
            data=request, decision=case.decision, version=log_version, actor=staff(actor),
            channel=EvaluationChannel.CASE))
        timeline.append(events.event_evaluated(
            case=case, actor=staff(actor), data=decision_event_data(case.decision),
            save=False))
    messages = customer_messages(
        case, topic="case_opened", subject=_("We have received your request"),
        body=_("Your after-sales case %(number)s is open. We will reply by %(due)s.")
        % {"number": case.number, "due": _local(case.due_at)})
    for line in case_lines:
        line.case = case
    statements.insert_family(case, (case_lines, "case"), (timeline, "case"), (log, None),
                             (messages, "case"))
    return case


def _evaluate_new(case: Case, *, order, case_lines: list[CaseLine], version, doc, at):
    """The policy decision for a case being opened (S1.4), from what intake holds in hand:
    the version the case is opened under and its merged document (no second resolve), the
    prefetched order, the unsaved lines. Sets case.decision; returns (version, request) for
    the evaluation log."""
    from aftersales.policy.services.evaluation import decide

    case.created_at = at  # asked_at; the insert stamps its own creation time
    request = policy_request_for(case, order=order, case_lines=case_lines,
                                 policy=policy_name_for(case.business_line),
                                 policy_version=version.number)
    applied, decision = decide(request, version_override=(version, doc))
    case.decision, case.decided_at = documents.jsonable(decision), at
    return applied, request


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _local(value) -> str:
    return timezone.localtime(value, SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else "-"


@transaction.atomic
def case_verify(*, case: Case, actor, order, phone: str,
                expected_version: int | None = None) -> Case:
    """Verify the order and the caller (S1.2): the order's buyer/receiver phone must match."""
    case = lock_case(case, expected_version=expected_version)
    if case.is_closed:
        raise ValidationError(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    require_works_on(case, actor)
    if order is None or not phone_matches(order, phone):
        # An unknown order and someone else's order get the same answer.
        raise ValidationError(_("No order with this number matches this phone number."),
                              code=CaseErrorCode.VERIFICATION_FAILED,
                              fields={"order": _("not found for this phone")})
    if case.order_id and case.order_id != order.pk:
        raise ValidationError(_("This case is about another order."),
                              fields={"order": _("another order")})
    at = now()
    case.order, case.customer = order, order.customer
    case.dealer = case.dealer or order.dealer
    case.verified_at, case.verified_by = at, staff(actor)
    save_case(case, ["order", "customer", "dealer", "verified_at", "verified_by"], actor)
    events.event_verified(case=case, actor=staff(actor),
                          data={"order": order.number, "phone_last4": phone_digits(phone)[-4:]})
    return case


@transaction.atomic
def case_confirm_problem(*, case: Case, actor, symptom: str, description: str = "",
                         defect_category: str = "", quantity_affected: int | None = None,
                         lines: list[dict] | None = None,
                         expected_version: int | None = None) -> Case:
    """Record the structured problem (S1.3); replaces the case lines when lines are given."""
    case = lock_case(case, expected_version=expected_version)
    if case.is_closed:
        raise ValidationError(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    require_works_on(case, actor)
    if not (symptom or "").strip():
        raise ValidationError(_("Describe the symptom."), fields={"symptom": _("required")})
    if lines is not None:
        new_lines = _lines(case.order, lines)
        case.lines.all().delete()
        for line in new_lines:
            line.case = case
        CaseLine.objects.bulk_create(new_lines)
    case.symptom = symptom[:200]
    case.description = description or case.description
    case.defect_category = defect_category[:60] or case.defect_category
    if quantity_affected is not None:
        if quantity_affected < 1:
            raise ValidationError(_("Quantity affected must be at least 1."),
                                  fields={"quantity_affected": _("at least 1")})
        case.quantity_affected = quantity_affected
    case.problem_confirmed_at = now()
    save_case(case, ["symptom", "description", "defect_category", "quantity_affected",
                     "problem_confirmed_at"], actor)
    events.event_problem_confirmed(case=case, actor=staff(actor), data={
        "symptom": case.symptom, "defect_category": case.defect_category,
        "quantity_affected": case.quantity_affected})
    return case


__all__ = ["case_open", "case_verify", "case_confirm_problem", "case_number_next",
           "phone_matches"]
