"""The quality exception report 品质异常处理报告 (S3.2-S3.4) and corrective actions (S3.6).

The report is opened with the order's shipment date, the defect, the defective quantity and the
return ratio, and its content: problem, analysis (cause), responsibility, measures (containment
and corrective). Opening it sets ``report_opened``; the sales VP — never its author — approves
it (``report_reviewed``, the case moves on) or returns it with a comment for rework. Its
deadline is the workflow's report SLA (24 hours, S3.4), shown from the case.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import Case
from aftersales.cases.services import case_note_record
from aftersales.cases.services.common import lock_case
from aftersales.cases.services.permissions import require_scope
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.documents.numbers import next_number
from aftersales.quality.errors import QualityErrorCode
from aftersales.quality.models import (
    ActionStatus,
    CorrectiveAction,
    Inspection,
    QualityReport,
    ReportStatus,
)
from aftersales.quality.services.common import (
    ACTION_ORDERERS,
    ACTION_VERIFIERS,
    REPORT_OPENERS,
    REPORT_REVIEWERS,
    now,
    require_role,
    responsibility_check,
    roles_of,
    text,
)
from aftersales.workflow.vocabulary import Requirement

CONTENT = ("problem", "analysis", "responsibility", "containment", "corrective")


def _quantity(value, name: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
        raise ValidationError(_("Enter a whole number of pieces."), fields={name: _("0 or more")})
    return value


def _content(*, problem, analysis, responsibility, containment, corrective) -> dict:
    return {"problem": text(problem, name="problem", required=True),
            "analysis": text(analysis, name="analysis"),
            "responsibility": responsibility_check(responsibility),
            "containment": text(containment, name="containment"),
            "corrective": text(corrective, name="corrective")}


def _shipped_on(case: Case) -> date | None:
    order = case.order
    if order is None:
        return None
    shipment = order.shipments.exclude(shipped_at=None).order_by("shipped_at").first()
    moment = shipment.shipped_at if shipment else order.placed_at
    return moment.date() if moment else None


@transaction.atomic
def quality_report_open(*, case: Case | int, actor, problem: str, analysis: str = "",
                        responsibility: str = "", containment: str = "", corrective: str = "",
                        shipped_on: date | None = None, shipped_quantity: int | None = None,
                        defective_quantity: int | None = None,
                        inspection: Inspection | None = None) -> QualityReport:
    """Open the numbered report on a case (S3.2); one open or reviewed report per case."""
    case = lock_case(case)
    require_scope(case, actor)
    require_role(actor, REPORT_OPENERS, _("Only sales or quality may open the report."))
    if case.is_closed:
        raise Conflict(pgettext("quality", "The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    if case.quality_reports.filter(status__in=[ReportStatus.OPEN, ReportStatus.APPROVED,
                                               ReportStatus.RETURNED]).exists():
        raise Conflict(_("This case has its quality exception report already."),
                       code=QualityErrorCode.REPORT_EXISTS)
    content = _content(problem=problem, analysis=analysis, responsibility=responsibility,
                       containment=containment, corrective=corrective)
    if inspection is not None and inspection.case_id != case.pk:
        raise ValidationError(_("That inspection is of another case."),
                              fields={"inspection": _("another case")})
    lines = list(case.lines.all())
    if shipped_quantity is None:
        shipped_quantity = sum(ln.order_line.quantity for ln in
                               case.lines.select_related("order_line"))
    if defective_quantity is None:
        defective_quantity = case.quantity_affected or sum(ln.quantity for ln in lines)
    shipped_quantity = _quantity(shipped_quantity, "shipped_quantity")
    defective_quantity = _quantity(defective_quantity, "defective_quantity")
    at = now()
    report = QualityReport.objects.create(
        number=next_number("quality_report", "QE", at=at), case=case, inspection=inspection,
        shipped_on=shipped_on or _shipped_on(case), shipped_quantity=shipped_quantity,
        defective_quantity=defective_quantity, opened_by=actor, opened_at=at, **content)
    case = case_note_record(case=case, actor=actor, fact=Requirement.REPORT_OPENED,
                            record=report.number, data={"report": report.number})
    if case.due_at:  # the report's 24-hour clock (S3.4) started by the workflow
        report.due_at = case.due_at
        report.save(update_fields=["due_at"])
    return report


@transaction.atomic
def quality_report_revise(*, report: QualityReport, actor, **content) -> QualityReport:
    """Rework a report the VP returned; it goes back to the VP."""
    report = QualityReport.objects.select_for_update().get(pk=report.pk)
    require_scope(report.case, actor)
    require_role(actor, REPORT_OPENERS, _("Only sales or quality may revise the report."))
    if report.status != ReportStatus.RETURNED:
        raise Conflict(_("Only a returned report is revised."),
                       code=QualityErrorCode.REPORT_NOT_OPEN)
    values = _content(**{k: content.get(k, getattr(report, k)) for k in CONTENT})
    for k, v in values.items():
        setattr(report, k, v)
    report.status = ReportStatus.OPEN
    report.save(update_fields=[*CONTENT, "status"])
    return report


@transaction.atomic
def quality_report_review(*, report: QualityReport, actor, approve: bool,
                          comment: str = "") -> QualityReport:
    """The sales VP's review (S3.2): approve, or return with a comment. The author never
    reviews their own report."""
    report = QualityReport.objects.select_for_update().select_related("case").get(pk=report.pk)
    require_scope(report.case, actor)
    require_role(actor, REPORT_REVIEWERS, _("Only the sales VP reviews the report."))
    if report.opened_by_id == actor.pk:
        raise PermissionDenied(_("You opened this report; another person reviews it."),
                               code=QualityErrorCode.REVIEWER_IS_AUTHOR)
    if report.status != ReportStatus.OPEN:
        raise Conflict(_("This report is not awaiting review."),
                       code=QualityErrorCode.REPORT_NOT_OPEN)
    comment = text(comment, name="comment", required=not approve)
    report.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    report.reviewed_by, report.reviewed_at, report.review_comment = actor, now(), comment
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    if approve:
        case_note_record(case=report.case, actor=actor, fact=Requirement.REPORT_REVIEWED,
                         record=report.number, data={"report": report.number,
                                                     "comment": comment})
    return report


# ------------------------------------------------------------------ corrective actions (S3.6)
@transaction.atomic
def corrective_action_create(*, actor, description: str, owner, due_on: date,
                             case: Case | None = None, report: QualityReport | None = None
                             ) -> CorrectiveAction:
    require_role(actor, ACTION_ORDERERS, _("Only quality or management orders actions."))
    if report is not None:
        case = report.case
    if case is not None:
        require_scope(case, actor)
    if owner is None or not getattr(owner, "is_active", False):
        raise ValidationError(_("Choose an active person as owner."),
                              fields={"owner": _("required")})
    if not isinstance(due_on, date):
        raise ValidationError(_("Enter the due date."), fields={"due_on": _("required")})
    at = now()
    if due_on < at.date():
        raise ValidationError(_("The due date is in the past."), fields={"due_on": _("past")})
    return CorrectiveAction.objects.create(
        case=case, report=report, description=text(description, name="description",
                                                   required=True),
        owner=owner, due_on=due_on, created_by=actor, created_at=at)


@transaction.atomic
def corrective_action_done(*, action: CorrectiveAction, actor, note: str) -> CorrectiveAction:
    """The owner (or a quality supervisor) reports the action done, for verification."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if action.owner_id != actor.pk and not roles_of(actor) & ACTION_VERIFIERS:
        raise PermissionDenied(_("Only the owner reports the action done."),
                               code=QualityErrorCode.NOT_QUALITY)
    if action.status != ActionStatus.OPEN:
        raise Conflict(_("This action is not open."), code=QualityErrorCode.ACTION_MOVE)
    action.status, action.done_at = ActionStatus.DONE, now()
    action.done_note = text(note, name="note", required=True)
    action.save(update_fields=["status", "done_at", "done_note"])
    return action


@transaction.atomic
def corrective_action_verify(*, action: CorrectiveAction, actor, verification: str,
                             effective: bool = True) -> CorrectiveAction:
    """Quality verifies the action (not its owner); not effective reopens it."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    require_role(actor, ACTION_VERIFIERS, _("Only quality verifies actions."))
    if action.owner_id == actor.pk:
        raise PermissionDenied(_("The owner doesn't verify their own action."),
                               code=QualityErrorCode.VERIFIER_IS_OWNER)
    if action.status != ActionStatus.DONE:
        raise Conflict(_("Only a done action is verified."), code=QualityErrorCode.ACTION_MOVE)
    action.verification = text(verification, name="verification", required=True)
    if effective:
        action.status, action.verified_by, action.verified_at = (
            ActionStatus.VERIFIED, actor, now())
    else:
        action.status, action.done_at = ActionStatus.OPEN, None
    action.save(update_fields=["status", "verified_by", "verified_at", "verification",
                               "done_at"])
    return action
