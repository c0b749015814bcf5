"""Receipt (收货; S2.6, S2.7, S3.3, S5.5) and discrepancies settled with the customer."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.cases.models import Case
from aftersales.cases.services import case_note_record, case_transition
from aftersales.cases.services.attachments import (
    attachment_files_uncommitted_remove,
    store_attachment,
)
from aftersales.cases.services.common import (
    actor_label,
    lock_case,
    notify_customer,
    save_case,
    staff,
)
from aftersales.cases.services.transition import case_available_transitions
from aftersales.core.errors import Conflict, NotFound, ValidationError
from aftersales.documents.numbers import next_number
from aftersales.logistics.errors import LogisticsErrorCode
from aftersales.logistics.models import (
    Condition,
    Discrepancy,
    DiscrepancyKind,
    DiscrepancyOutcome,
    MovementKind,
    Receipt,
    ReceiptLine,
    ReturnAuthorization,
    RmaStatus,
    StockMovement,
)
from aftersales.logistics.services.common import (
    SETTLE_ROLES,
    require_may_receive,
    require_staff_role,
)

NOTE_MAX = 200
# Steps of a workflow that a discrepancy opens and its settlement closes (S2.7).
MISMATCH_STEP = "report_mismatch"
SETTLE_STEP = "settle_mismatch"


def received_so_far(rma: ReturnAuthorization) -> dict[int, int]:
    """RMA line id → quantity received on earlier receipts."""
    return dict(ReceiptLine.objects.filter(receipt__rma=rma).values("rma_line")
                .annotate(q=Sum("quantity")).values_list("rma_line", "q"))


def _try_step(case: Case, actor, code: str, reason: str) -> Case:
    """Make workflow step ``code`` if the actor may make it now; otherwise leave the case."""
    for t, ok, _why in case_available_transitions(case=case, actor=actor):
        if t.code == code and ok:
            return case_transition(case=case, actor=actor, transition=code,
                                   reason=reason[:1000])
    return case


def receipt_record(*, rma: ReturnAuthorization | int, actor, lines: list[dict],
                   note: str = "") -> Receipt:
    """Record what arrived for an RMA, per line: quantity and condition, photos. See
    ``_receipt_record``; files of a refused receipt are removed."""
    try:
        return _receipt_record(rma=rma, actor=actor, lines=lines, note=note)
    finally:
        attachment_files_uncommitted_remove()


@transaction.atomic
def _receipt_record(*, rma, actor, lines: list[dict], note: str) -> Receipt:
    """``lines``: [{"rma_line": id, "quantity": n, "condition": intact|damaged|missing_parts|
    wrong_item, "note": "", "photos": [uploads]}].

    More than authorized (counting earlier receipts), or anything once everything is in, is
    refused. A short quantity or a condition other than intact opens a discrepancy for the
    sales specialist (S2.7, S3.3). Sets ``goods_received`` (the warehouse's step follows),
    ``defective_returned`` for an advance replacement, and ``receipt_matches`` when everything
    is in and nothing is open."""
    pk = rma.pk if isinstance(rma, ReturnAuthorization) else rma
    try:
        case_id = ReturnAuthorization.objects.values_list("case_id", flat=True).get(pk=pk)
    except ReturnAuthorization.DoesNotExist:
        raise NotFound(_("No such return authorization."),
                       code=LogisticsErrorCode.RMA_NOT_FOUND) from None
    case = lock_case(case_id)
    rma = ReturnAuthorization.objects.select_for_update().select_related("case").get(pk=pk)
    rma.case = case
    require_may_receive(rma, actor)
    if rma.status == RmaStatus.RECEIVED:
        raise Conflict(_("Everything authorized on %(rma)s has been received already (receipt "
                         "%(receipt)s).") % {"rma": rma.number, "receipt": ", ".join(
                             rma.receipts.values_list("number", flat=True))},
                       code=LogisticsErrorCode.ALREADY_RECEIVED)
    if rma.status == RmaStatus.CLOSED:
        raise Conflict(_("Return %(rma)s is closed.") % {"rma": rma.number},
                       code=LogisticsErrorCode.RMA_NOT_OPEN)
    rma_lines = {ln.pk: ln for ln in rma.lines.select_related("case_line__order_line__product")}
    before = received_so_far(rma)
    if not lines:
        raise ValidationError(_("Record at least one line."),
                              code=LogisticsErrorCode.NOTHING_RECEIVED,
                              fields={"lines": _("required")})
    seen, parsed = set(), []
    for i, line in enumerate(lines):
        rl = rma_lines.get(_int(line.get("rma_line")))
        if rl is None or rl.pk in seen:
            raise ValidationError(_("Line %(n)d is not a line of %(rma)s.")
                                  % {"n": i + 1, "rma": rma.number},
                                  fields={f"lines[{i}].rma_line": _("unknown")})
        seen.add(rl.pk)
        qty = _int(line.get("quantity"))
        left = rl.quantity - (before.get(rl.pk) or 0)
        name = rl.case_line.order_line.name
        if qty is None or qty < 0:
            raise ValidationError(_("%(name)s: enter the quantity received.") % {"name": name},
                                  fields={f"lines[{i}].quantity": _("0 or more")})
        if qty > left:
            raise ValidationError(
                _("%(name)s: %(qty)d received but only %(left)d of %(auth)d authorized are "
                  "still to come. Receive at most %(left)d; tell the sales specialist about the "
                  "rest.") % {"name": name, "qty": qty, "left": left, "auth": rl.quantity},
                code=LogisticsErrorCode.OVER_AUTHORIZED,
                fields={f"lines[{i}].quantity": _("at most %(n)d") % {"n": left}})
        condition = line.get("condition") or Condition.INTACT
        if condition not in Condition.values:
            raise ValidationError(_("Unknown condition."),
                                  fields={f"lines[{i}].condition": _("unknown")})
        line_note = str(line.get("note") or "").strip()
        if len(line_note) > NOTE_MAX:
            raise ValidationError(_("A note has at most %(n)d characters.") % {"n": NOTE_MAX},
                                  fields={f"lines[{i}].note": _("too long")})
        parsed.append((rl, qty, condition, line_note, list(line.get("photos") or [])))
    if not any(qty for _rl, qty, *_r in parsed):
        raise ValidationError(_("Nothing received: enter the quantity that arrived."),
                              code=LogisticsErrorCode.NOTHING_RECEIVED,
                              fields={"lines": _("all zero")})
    at = timezone.now()
    receipt = Receipt.objects.create(
        number=next_number("receipt", "RCV", at=at), rma=rma, case=case,
        location=rma.destination, received_at=at, received_by=staff(actor),
        received_by_label=actor_label(actor)[:80], note=(note or "").strip()[:2000])
    problems: list[tuple[str, str]] = []
    after = dict(before)
    for rl, qty, condition, line_note, photos in parsed:
        rline = ReceiptLine.objects.create(receipt=receipt, rma_line=rl, quantity=qty,
                                           condition=condition, note=line_note)
        for upload in photos:
            rline.photos.add(store_attachment(case=case, actor=actor, upload=upload))
        if qty:
            StockMovement.objects.create(
                at=at, kind=MovementKind.RECEIPT, case=case, rma=rma, receipt_line=rline,
                product=rl.case_line.order_line.product, quantity=qty,
                from_location="customer", to_location=rma.destination,
                actor=staff(actor), actor_label=actor_label(actor)[:80])
        after[rl.pk] = (after.get(rl.pk) or 0) + qty
        name = rl.case_line.order_line.name
        if condition == Condition.WRONG_ITEM:
            problems.append((DiscrepancyKind.GOODS, _("%(name)s: wrong item") % {"name": name}))
        elif condition != Condition.INTACT:
            problems.append((DiscrepancyKind.CONDITION, _("%(name)s: %(cond)s%(note)s") % {
                "name": name, "cond": Condition(condition).label,
                "note": f" ({line_note})" if line_note else ""}))
    for rl in rma_lines.values():
        got = after.get(rl.pk) or 0
        if got < rl.quantity:
            problems.append((DiscrepancyKind.QUANTITY,
                             _("%(name)s: %(got)d of %(auth)d received") % {
                                 "name": rl.case_line.order_line.name, "got": got,
                                 "auth": rl.quantity}))
    complete = all((after.get(rl.pk) or 0) >= rl.quantity for rl in rma_lines.values())
    receipt.complete = complete
    receipt.save(update_fields=["complete"])
    rma.status = RmaStatus.RECEIVED if complete else RmaStatus.PARTLY_RECEIVED
    rma.received_at = at if complete else rma.received_at
    rma.save(update_fields=["status", "received_at"])
    if any(p[2] for p in parsed):
        save_case(case, ["evidence"], actor)  # the photos' evidence
    quantity = sum(qty for _rl, qty, *_r in parsed)
    discrepancy = None
    if problems:
        kinds = [k for k, _t in problems]
        kind = next(k for k in (DiscrepancyKind.GOODS, DiscrepancyKind.QUANTITY,
                                DiscrepancyKind.CONDITION) if k in kinds)
        discrepancy = Discrepancy.objects.create(
            case=case, rma=rma, receipt=receipt, kind=kind, opened_at=at,
            description="\n".join(str(t) for _k, t in problems))
    case = case_note_record(case=case, actor=actor, fact="goods_received", record=receipt.number,
                            data={"quantity": quantity, "complete": complete,
                                  "rma": rma.number}, allow_closed=True)
    if complete and rma.advance_replacement and not case.is_closed:
        case = case_note_record(case=case, actor=actor, fact="defective_returned",
                                record=receipt.number, advance=False)
    if discrepancy is not None:
        if not case.is_closed:
            case = _try_step(case, actor, MISMATCH_STEP, discrepancy.description)
    elif complete and not rma.discrepancies.filter(settled_at__isnull=True).exists() \
            and not case.is_closed:
        case = case_note_record(case=case, actor=actor, fact="receipt_matches",
                                record=receipt.number)
    notify_customer(case, topic="goods_received",
                    subject=_("We received your return %(rma)s") % {"rma": rma.number},
                    body=_("We received %(n)d item(s) of return %(rma)s on %(at)s.")
                    % {"n": quantity, "rma": rma.number,
                       "at": timezone.localtime(at).strftime("%Y-%m-%d")}
                    + ("\n" + _("Some items do not match what was agreed; our specialist will "
                                "contact you.") if discrepancy is not None else ""),
                    dedupe_key=f"goods_received:{receipt.number}", params={"rma": rma.number})
    return receipt


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def discrepancy_settle(*, discrepancy: Discrepancy | int, actor, outcome: str,
                       note: str) -> Discrepancy:
    """The specialist's written settlement with the customer (S2.7): accept the goods as
    received, the customer sends the rest, or reject the return. When nothing is open any more
    and the goods are accepted, ``receipt_matches`` is set and the case's settle step made."""
    pk = discrepancy.pk if isinstance(discrepancy, Discrepancy) else discrepancy
    try:
        case_id = Discrepancy.objects.values_list("case_id", flat=True).get(pk=pk)
    except Discrepancy.DoesNotExist:
        raise NotFound(_("No such discrepancy.")) from None
    case = lock_case(case_id)
    d = Discrepancy.objects.select_for_update().select_related("rma", "receipt").get(pk=pk)
    require_staff_role(case, actor, SETTLE_ROLES)
    if d.settled_at is not None:
        raise Conflict(_("This discrepancy was settled already."),
                       code=LogisticsErrorCode.DISCREPANCY_SETTLED)
    if outcome not in DiscrepancyOutcome.values:
        raise ValidationError(_("Choose how it was settled."), fields={"outcome": _("required")})
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write down what was agreed with the customer."),
                              fields={"note": _("required")})
    if len(note) > 2000:
        raise ValidationError(_("At most 2000 characters."), fields={"note": _("too long")})
    at = timezone.now()
    d.outcome, d.outcome_note, d.settled_at, d.settled_by = outcome, note, at, staff(actor)
    d.save(update_fields=["outcome", "outcome_note", "settled_at", "settled_by"])
    rma = d.rma
    if outcome == DiscrepancyOutcome.ACCEPT and rma.status == RmaStatus.PARTLY_RECEIVED:
        rma.status, rma.received_at = RmaStatus.RECEIVED, rma.received_at or at
        rma.save(update_fields=["status", "received_at"])
    elif outcome == DiscrepancyOutcome.REJECT and rma.is_open:
        rma.status, rma.closed_at = RmaStatus.CLOSED, at  # nothing more is expected
        rma.save(update_fields=["status", "closed_at"])
    still_open = Discrepancy.objects.filter(case=case, settled_at__isnull=True).exists()
    if outcome == DiscrepancyOutcome.ACCEPT and not still_open and not case.is_closed:
        case = case_note_record(case=case, actor=actor, fact="receipt_matches",
                                record=d.receipt.number, data={"settled": note[:200]})
    if outcome in (DiscrepancyOutcome.ACCEPT, DiscrepancyOutcome.REJECT) and not still_open \
            and not case.is_closed:
        case = _try_step(case, actor, SETTLE_STEP, note)
    notify_customer(case, topic="discrepancy_settled",
                    subject=_("Your return %(rma)s") % {"rma": rma.number},
                    body=_("What we agreed about the goods received: %(outcome)s. %(note)s")
                    % {"outcome": DiscrepancyOutcome(outcome).label, "note": note},
                    dedupe_key=f"discrepancy_settled:{d.pk}", params={"rma": rma.number})
    return d

