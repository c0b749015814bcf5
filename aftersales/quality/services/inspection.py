"""Inspection and responsibility (S2.2, S2.5, S5.5; issue 11 item 3).

``inspection_record`` writes the numbered inspection (检验) with its per-line findings, photos
and report, re-evaluates the policy decision when the inspected facts differ from what the case
was decided on, and sets the case's record facts through ``case_note_record`` — the case makes
the one step that waited for them (online shop: ``inspect``; outsourced: ``approve_return`` or
``quote_chargeable_repair``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_document
from aftersales.cases.services import case_note_record, case_reevaluate, case_transition
from aftersales.cases.services.attachments import (
    attachment_files_uncommitted_remove,
    store_attachment,
)
from aftersales.cases.services.common import case_workflow, lock_case
from aftersales.cases.services.permissions import require_scope
from aftersales.core.errors import Conflict, ValidationError
from aftersales.core.money import fmt, to_money
from aftersales.documents.numbers import next_number
from aftersales.parties.models import OutsourcedFactory, Supplier
from aftersales.policy.engine.request import CONDITION_KEYS, DAMAGE_CAUSES, EVIDENCE
from aftersales.quality.errors import QualityErrorCode
from aftersales.quality.models import (
    Inspection,
    InspectionKind,
    InspectionLine,
    InspectionResult,
)
from aftersales.quality.section import defect_code_check, defect_label, warehouse_inspects
from aftersales.quality.services.common import (
    INSPECTORS,
    RECEIPT_INSPECTORS,
    now,
    require_role,
    responsibility_check,
    roles_of,
    text,
)
from aftersales.workflow.vocabulary import OUTGOING_FAILED, Requirement


@dataclass
class LineFinding:
    """One case line as inspected: ``case_line`` is the CaseLine's id."""

    case_line: int
    quantity: int
    defective: int = 0
    defect_code: str = ""
    condition: dict[str, bool] = field(default_factory=dict)
    finding: str = ""


def inspection_record(*, case: Case | int, actor, result: str, responsibility: str = "",
                      defect_code: str = "", lines: Iterable[LineFinding] = (),
                      report: str = "", photos: Iterable = (), report_upload=None,
                      supplier: Supplier | None = None,
                      factory: OutsourcedFactory | None = None, receipt_number: str = "",
                      damage_cause: str = "", attachments: Iterable[int] = (),
                      kind: str = InspectionKind.RETURN) -> Inspection:
    """Record an inspection of the case's goods; a refused one stores nothing (files
    included). ``photos`` are uploads stored as the case's files; ``attachments`` names files
    the case holds already (e.g. uploaded through the API) as the inspection's photos.
    ``kind="outgoing"`` is the 出货检验 of reworked or replenished goods (S3.1), recorded by
    quality when the case waits for it."""
    try:
        return _inspection_record(
            case=case, actor=actor, result=result, responsibility=responsibility,
            defect_code=defect_code, lines=list(lines), report=report, photos=list(photos),
            report_upload=report_upload, supplier=supplier, factory=factory,
            receipt_number=receipt_number, damage_cause=damage_cause,
            attachments=list(attachments), kind=kind)
    finally:
        attachment_files_uncommitted_remove()


def outgoing_due(case: Case) -> bool:
    """Whether the case's current step waits for the outgoing inspection (S3.1)."""
    workflow = case_workflow(case)
    return workflow is not None and any(
        Requirement.OUTGOING_INSPECTION in t.requires
        for t in workflow.transitions_from(case.state))


def _check_outgoing(case: Case, actor, *, responsibility, damage_cause, supplier,
                    factory) -> None:
    """The outgoing inspection is quality's (S3.1), due only when the case waits for it, and
    judges the goods, not who caused the fault (that was the return's inspection)."""
    require_role(actor, INSPECTORS, _("Only quality may record the outgoing inspection."))
    if not outgoing_due(case):
        raise Conflict(_("The case is not waiting for an outgoing inspection."),
                       code=QualityErrorCode.OUTGOING_NOT_DUE)
    if responsibility or damage_cause or supplier is not None or factory is not None:
        raise ValidationError(
            _("The outgoing inspection judges the goods before they ship; responsibility was "
              "judged on the return's inspection. Leave it empty."),
            fields={"responsibility": _("not for an outgoing inspection")})


def _check_actor(case: Case, actor, document: dict, responsibility: str) -> None:
    roles = roles_of(actor)
    if roles & INSPECTORS:
        return
    if roles & RECEIPT_INSPECTORS and warehouse_inspects(document):
        if responsibility:
            raise ValidationError(_("Quality judges responsibility (S2.5); leave it empty."),
                                  fields={"responsibility": _("quality judges it")})
        return
    require_role(actor, INSPECTORS, _("Only quality may record this inspection."))


def _line_findings(case: Case, document: dict, lines: list[LineFinding]
                   ) -> list[tuple[object, LineFinding]]:
    by_pk = {ln.pk: ln for ln in case.lines.all()}
    seen: set[int] = set()
    out = []
    for i, f in enumerate(lines):
        path = f"lines[{i}]"
        line = by_pk.get(f.case_line)
        if line is None or f.case_line in seen:
            raise ValidationError(pgettext("quality", "That line is not on the case."),
                                  fields={f"{path}.case_line": _("unknown")})
        seen.add(f.case_line)
        if not isinstance(f.quantity, int) or not 1 <= f.quantity <= line.quantity:
            raise ValidationError(
                _("Inspect from 1 to %(n)d pieces of this line.") % {"n": line.quantity},
                fields={f"{path}.quantity": _("1 to %(n)d") % {"n": line.quantity}})
        if not isinstance(f.defective, int) or not 0 <= f.defective <= f.quantity:
            raise ValidationError(_("Defective pieces can't exceed the pieces inspected."),
                                  fields={f"{path}.defective": _("0 to %(n)d")
                                          % {"n": f.quantity}})
        defect_code_check(document, f.defect_code, field_name=f"{path}.defect_code")
        bad = [k for k, v in (f.condition or {}).items()
               if k not in CONDITION_KEYS or not isinstance(v, bool)]
        if bad:
            raise ValidationError(_("Unknown condition."),
                                  fields={f"{path}.condition": _("unknown: %(k)s")
                                          % {"k": bad[0]}})
        f.finding = text(f.finding, name=f"{path}.finding", max_length=500)
        out.append((line, f))
    return out


def _summary(decision: dict | None) -> dict:
    from aftersales.policy.services.evaluation import refund_total

    decision = decision or {}
    return {"allowed": bool(decision.get("allowed")),
            "options": [str(o.get("resolution") or "") for o in decision.get("options") or []],
            "refund_total": fmt(refund_total(decision)) if decision else "0.00"}


def _found(case: Case, document: dict, header_code: str, findings, damage_cause: str
           ) -> tuple[dict[int, dict], str]:
    """What the inspection found that the policy decision depends on: per line the condition
    keys that differ from the stated ones, and a damage cause that differs."""
    header = defect_code_check(document, header_code)
    cause = damage_cause or (header.damage_cause if header else "")
    conditions: dict[int, dict] = {}
    for line, f in findings:
        code = defect_code_check(document, f.defect_code) or header
        if code and not cause:
            cause = code.damage_cause
        found = {**(code.condition if code else {}), **(f.condition or {})}
        stated = line.condition or {}
        changed = {k: v for k, v in found.items() if stated.get(k) is not v}
        if changed:
            conditions[line.pk] = changed
    if header and header.condition and not findings:
        for line in case.lines.all():
            changed = {k: v for k, v in header.condition.items()
                       if (line.condition or {}).get(k) is not v}
            if changed:
                conditions[line.pk] = changed
    if cause == (case.damage_cause or ""):
        cause = ""
    return conditions, cause


@transaction.atomic
def _inspection_record(*, case, actor, result, responsibility, defect_code, lines, report,
                       photos, report_upload, supplier, factory, receipt_number,
                       damage_cause, attachments, kind) -> Inspection:
    case = lock_case(case)
    require_scope(case, actor)
    if case.is_closed:
        raise Conflict(pgettext("quality", "The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    document = case_document(case)
    if kind not in InspectionKind.values:
        raise ValidationError(_("Unknown inspection kind."), fields={"kind": _("unknown")})
    outgoing = kind == InspectionKind.OUTGOING
    responsibility = responsibility_check(responsibility)
    if outgoing:
        _check_outgoing(case, actor, responsibility=responsibility, damage_cause=damage_cause,
                        supplier=supplier, factory=factory)
    else:
        _check_actor(case, actor, document, responsibility)
    if result not in InspectionResult.values:
        raise ValidationError(_("Choose pass or fail."), fields={"result": _("pass or fail")})
    if damage_cause and damage_cause not in DAMAGE_CAUSES:
        raise ValidationError(_("Unknown damage cause."), fields={"damage_cause": _("unknown")})
    defect_code_check(document, defect_code)
    findings = _line_findings(case, document, lines)
    if result == InspectionResult.FAIL and not (defect_code or any(
            f.defect_code for _line, f in findings)):
        raise ValidationError(_("A failed inspection names its defect code."),
                              fields={"defect_code": _("required when failed")})
    report = text(report, name="report", max_length=20000)
    held = list(case.attachments.filter(pk__in=set(attachments))) if attachments else []
    if len(held) != len(set(attachments)):
        raise ValidationError(_("That file is not on the case."),
                              fields={"attachments": _("unknown")})
    receipt_number = text(receipt_number, name="receipt_number", max_length=30)
    if responsibility == "factory" and factory is None:
        factory = case.factory or _product_party(case, "factory")
    if responsibility == "supplier" and supplier is None:
        supplier = _product_party(case, "supplier")

    at = now()
    number = next_number("inspection", "QI", at=at)
    inspection = Inspection.objects.create(
        number=number, case=case, kind=kind, receipt_number=receipt_number, result=result,
        defect_code=defect_code, responsibility=responsibility, supplier=supplier,
        factory=factory, damage_cause=damage_cause, report=report, inspected_by=actor,
        inspected_at=at)
    InspectionLine.objects.bulk_create([
        InspectionLine(inspection=inspection, case_line=line, quantity=f.quantity,
                       defective=f.defective, defect_code=f.defect_code,
                       condition=dict(f.condition or {}), finding=f.finding)
        for line, f in findings])
    stored = [*held, *(store_attachment(case=case, actor=actor, upload=u) for u in photos)]
    if stored:
        inspection.photos.add(*stored)
    if report_upload is not None:
        inspection.report_file = store_attachment(case=case, actor=actor, upload=report_upload)
        inspection.save(update_fields=["report_file"])

    if outgoing:
        _outgoing_facts(case, actor, inspection)
        return inspection
    # Re-evaluation (issue 11 item 3): the inspected condition or damage cause differs.
    conditions, cause = _found(case, document, defect_code, findings, damage_cause)
    if (conditions or cause) and case.decision and case.order_id:
        before = _summary(case.decision)
        case, _old = case_reevaluate(
            case=case, actor=actor, conditions=conditions, damage_cause=cause or None,
            evidence=["inspection_report"] if "inspection_report" in EVIDENCE else [],
            record=number)
        inspection.reevaluation = {
            "before": before, "after": _summary(case.decision),
            "conditions": {str(k): v for k, v in conditions.items()}, "damage_cause": cause,
            "difference": fmt(to_money(_summary(case.decision)["refund_total"])
                              - to_money(before["refund_total"]))}
        inspection.save(update_fields=["reevaluation"])

    _note_facts(case, actor, inspection)
    return inspection


def _product_party(case: Case, attr: str):
    for line in case.lines.select_related(f"order_line__product__{attr}"):
        product = getattr(line.order_line, "product", None)
        party = getattr(product, attr, None) if product is not None else None
        if party is not None:
            return party
    return None


def _outgoing_facts(case: Case, actor, inspection: Inspection) -> None:
    """Passed: ``outgoing_inspection`` with the record's number, and the step that waited for
    it. Failed: the goods go back to rework in the same action — the workflow's step marked
    ``follows: outgoing_inspection_failed``, its reason the record (S3.1)."""
    data = {"inspection": inspection.number, "result": inspection.result}
    if inspection.result == InspectionResult.PASS:
        case_note_record(case=case, actor=actor, fact=Requirement.OUTGOING_INSPECTION,
                         record=inspection.number, data=data)
        return
    step = next((t for t in case_workflow(case).transitions_from(case.state)
                 if t.follows == OUTGOING_FAILED), None)
    if step is not None:
        defect = defect_label(case_document(case), inspection.defect_code)
        reason = _("Outgoing inspection %(number)s failed: %(defect)s") % {
            "number": inspection.number, "defect": defect or "—"}
        if inspection.report:
            reason = f"{reason}。{inspection.report}"
        case_transition(case=case, actor=actor, transition=step.code, reason=reason[:1000])


def _note_facts(case: Case, actor, inspection: Inspection) -> None:
    """The record facts, in the order that lets the waiting step move exactly once."""
    data = {"inspection": inspection.number, "result": inspection.result,
            "responsibility": inspection.responsibility}
    facts = case.facts or {}

    def had(fact: str) -> bool:
        v = facts.get(fact)
        return bool(v) and (not isinstance(v, dict) or v.get("value", True))

    resp = inspection.responsibility
    if resp:
        if resp == "factory":
            case = case_note_record(case=case, actor=actor, fact=Requirement.FACTORY_RESPONSIBLE,
                                    record=inspection.number, data=data)
        elif had(Requirement.FACTORY_RESPONSIBLE):  # a re-inspection found otherwise
            case = case_note_record(case=case, actor=actor, fact=Requirement.FACTORY_RESPONSIBLE,
                                    record=inspection.number, value=False, data=data,
                                    advance=False)
        # Who pays follows (S2.2): factory → the factory takes the return; customer → a
        # chargeable repair. Other causes (company, supplier, carrier) wait for a person.
        case = case_note_record(case=case, actor=actor, fact=Requirement.QUALITY_JUDGMENT,
                                record=inspection.number, data=data,
                                advance=resp in ("factory", "customer"))
    if inspection.result == InspectionResult.PASS:
        case_note_record(case=case, actor=actor, fact=Requirement.INSPECTION_PASSED,
                         record=inspection.number, data=data)
    elif had(Requirement.INSPECTION_PASSED):
        case_note_record(case=case, actor=actor, fact=Requirement.INSPECTION_PASSED,
                         record=inspection.number, value=False, data=data, advance=False)


def refund_difference(inspection: Inspection) -> Decimal | None:
    """After − before of the largest refund offered, when the inspection re-evaluated."""
    if not inspection.reevaluation:
        return None
    return to_money(inspection.reevaluation.get("difference") or "0")
