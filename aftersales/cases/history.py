"""The unit's history from the system's own records (a selector): the repairs and exchanges of
the same unit before this case, as the policy request's ``history`` (POLICY-API; read by the
repair_count, repair_duration and ladder rules: S4.6, S6.1, SB-11/12, NJ10, restart after an
exchange SB-14).

The same unit is the same serial number; a case line without a serial means the same order
line. Every earlier case of that unit counts by what it agreed and what its records say:

- a repair: the case agreed on ``repair`` or ``paid_repair``. Sent: when the goods were
  received (the receipt's ``goods_received`` fact), else when the repair was agreed. Back: when
  the case was resolved or closed; none while it is still open (a repair in progress). The
  fault is the case's defect category, else its symptom.
- an exchange: the case agreed on ``exchange`` and its replacement shipped (the shipment's
  ``replacement_shipped`` fact, dated by it), or the case was closed after agreeing on it.

Whether an earlier repair held (``fixed``) is not recorded anywhere, so it is left out (not
known). The warranty card's return date comes with the order (policy.order_data).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from aftersales.cases.models import Case, CaseLine, StateCategory
from aftersales.policy.engine.request import EVIDENCE

REPAIRS = frozenset({"repair", "paid_repair"})
DONE = frozenset({StateCategory.RESOLVED, StateCategory.CLOSED})


def _day(value: datetime | str | None) -> date | None:
    if not value:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _fact(case: Case, name: str) -> dict | None:
    fact = (case.facts or {}).get(name)
    if isinstance(fact, dict) and fact.get("value", True):
        return fact
    return None


def earlier_cases(*, case: Case, case_lines: list[CaseLine]) -> list[Case]:
    """The other cases about the same units as these lines, opened before this one (oldest
    first). One query."""
    where = Q()
    for line in case_lines:
        if line.serial:
            where |= Q(serial=line.serial)
        elif line.order_line_id:
            where |= Q(order_line_id=line.order_line_id)
    if not where:
        return []
    ids = CaseLine.objects.filter(where).values("case_id")
    cases = Case.objects.filter(pk__in=ids).only(
        "pk", "number", "kind", "resolution", "agreed_at", "facts", "state_category",
        "state_entered_at", "closed_at", "created_at", "defect_category", "symptom",
        "rejection_reason")
    if case.pk is not None:
        cases = cases.exclude(pk=case.pk)
    if case.created_at is not None:
        cases = cases.filter(created_at__lt=case.created_at)
    return list(cases.order_by("created_at", "pk"))


def _repair(earlier: Case) -> dict[str, Any] | None:
    if earlier.resolution not in REPAIRS:
        return None
    received = _fact(earlier, "goods_received")
    sent = (_day(received.get("at")) if received else None) or _day(earlier.agreed_at) \
        or _day(earlier.created_at)
    if sent is None:
        return None
    back = None
    if earlier.state_category in DONE:
        back = _day(earlier.closed_at or earlier.state_entered_at)
    if back is not None and back < sent:  # resolved the day the goods came: same day
        back = sent
    fault = (earlier.defect_category or earlier.symptom or "").strip() or None
    entry: dict[str, Any] = {"case": earlier.number, "fault": fault,
                             "sent_at": sent.isoformat(),
                             "returned_at": back.isoformat() if back else None,
                             "in_progress": back is None}
    quote = _fact(earlier, "quote_confirmed")
    if quote and quote.get("record"):
        entry["record"] = quote["record"]
    return entry


def _exchange(earlier: Case) -> dict[str, Any] | None:
    if earlier.resolution != "exchange":
        return None
    shipped = _fact(earlier, "replacement_shipped")
    if shipped:
        at = _day(shipped.get("at"))
        if at:
            return {"case": earlier.number, "at": at.isoformat(),
                    "record": shipped.get("record") or ""}
    if earlier.state_category == StateCategory.CLOSED and not earlier.rejection_reason:
        at = _day(earlier.closed_at)
        if at:
            return {"case": earlier.number, "at": at.isoformat(), "record": ""}
    return None


def unit_history(*, case: Case, case_lines: list[CaseLine]) -> dict[str, list[dict]]:
    """{"repairs": [...], "exchanges": [...]} of the units on these case lines before this
    case, in the request's shape (extra keys — the case number, the record — are ignored by
    the engine and shown on the case page)."""
    repairs, exchanges = [], []
    for earlier in earlier_cases(case=case, case_lines=case_lines):
        repair = _repair(earlier)
        if repair is not None:
            repairs.append(repair)
        exchange = _exchange(earlier)
        if exchange is not None:
            exchanges.append(exchange)
    return {"repairs": repairs, "exchanges": exchanges}


def decided_facts(case: Case) -> dict[str, dict[str, Any]]:
    """The facts the policy decision states (S8.2 ``in_warranty``, S10.4 ``warranty_card``) as
    they stand: from the decision, or a person's override with who, when and why."""
    out = {}
    for name in ("in_warranty", "warranty_card"):
        fact = (case.facts or {}).get(name)
        if not isinstance(fact, dict):
            continue
        override = bool(fact.get("override"))
        out[name] = {"value": bool(fact.get("value")),
                     "source": "override" if override else fact.get("source") or "person",
                     "decided": fact.get("decided") if override else fact.get("value"),
                     "by": "" if not override else str(fact.get("by_label") or ""),
                     "at": str(fact.get("at") or ""),
                     "reason": str(fact.get("note") or "") if override else ""}
    return out


def evidence_asked(*, document: dict, kind: str, categories=None) -> list[str]:
    """The evidence kinds the policy's rules for this kind of case read (evidence rules'
    ``require``, grant rules' ``when_evidence_any``: S4.5, S4.6, S7.3), in the vocabulary's
    order: what intake and the case page ask for. With ``categories`` (the items'), a rule
    for other categories only is left out."""
    used: set[str] = set()
    for rule in document.get("rules") or []:
        applies = rule.get("applies_to") or {}
        kinds = applies.get("kinds") or None
        if kinds is not None and kind not in kinds:
            continue
        if categories is not None and applies.get("categories") \
                and not set(applies["categories"]) & set(categories):
            continue
        params = rule.get("params") or {}
        if rule.get("kind") == "evidence":
            used.update(params.get("require") or ())
        elif rule.get("kind") == "grant":
            used.update(params.get("when_evidence_any") or ())
    return [e for e in EVIDENCE if e in used]
