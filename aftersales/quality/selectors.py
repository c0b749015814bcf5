"""Reads of the quality app. What the apps above read (charges, finance, reports):

- ``inspection_for_case(case)`` — the case's latest inspection, or None;
- ``responsibility_of(case)`` — who is responsible by that inspection: "company", "customer",
  "supplier", "factory", "carrier", or "" when not judged (S2.2: customer on an outsourced
  product → chargeable repair; S2.3 local repair → charged to the factory; supplier → claim).
"""

from __future__ import annotations

from django.db.models import Case as Choose
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.cases.models import Case
from aftersales.cases.selectors import cases_visible_to, resolve_policy
from aftersales.core.choices import DEFAULT_POLICY
from aftersales.core.errors import NotFound
from aftersales.quality.errors import QualityErrorCode
from aftersales.quality.models import (
    ActionStatus,
    CorrectiveAction,
    Inspection,
    QualityReport,
    ReportStatus,
    SupplierClaim,
)
from aftersales.quality.services.common import (
    CLAIM_FINANCE,
    CLAIM_ISSUERS,
    INSPECTORS,
    QUALITY_READERS,
    REPORT_REVIEWERS,
    roles_of,
)
from aftersales.workflow.definitions import workflows_from_document
from aftersales.workflow.vocabulary import Requirement

INSPECTION_FACTS = (Requirement.INSPECTION_PASSED, Requirement.QUALITY_JUDGMENT)
CLAIM_READERS = frozenset(CLAIM_ISSUERS | CLAIM_FINANCE | {"management", "cashier", "admin",
                                                           "sales_vp", "quality_supervisor"})


def inspection_for_case(case: Case) -> Inspection | None:
    return (Inspection.objects.filter(case=case).select_related("supplier", "factory")
            .order_by("-inspected_at", "-id").first())


def responsibility_of(case: Case) -> str:
    inspection = (Inspection.objects.filter(case=case).exclude(responsibility="")
                  .order_by("-inspected_at", "-id").first())
    return inspection.responsibility if inspection else ""


def may_read_quality(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or roles_of(user) & QUALITY_READERS)


def may_read_claims(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or roles_of(user) & CLAIM_READERS)


def inspections_visible_to(user) -> QuerySet[Inspection]:
    if not may_read_quality(user):
        return Inspection.objects.none()
    return (Inspection.objects.filter(case__in=cases_visible_to(user))
            .select_related("case", "inspected_by"))


def inspection_search(user, *, q: str = "", result: str = "") -> QuerySet[Inspection]:
    qs = inspections_visible_to(user)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(case__number__icontains=q)
                       | Q(defect_code__icontains=q) | Q(receipt_number__icontains=q))
    if result:
        qs = qs.filter(result=result)
    return qs.order_by("-inspected_at", "-id")


def inspection_get(user, number: str) -> Inspection:
    found = inspections_visible_to(user).filter(number=number).first()
    if found is None:
        raise NotFound(_("No such inspection."),
                       code=QualityErrorCode.INSPECTION_NOT_FOUND)
    return found


def _states_awaiting_inspection() -> list[tuple[str, list[str]]]:
    """(workflow key, states) whose next step needs an inspection record, from the policies
    in force."""
    out = []
    for business_line in DEFAULT_POLICY:
        try:
            _version, doc = resolve_policy(business_line=business_line)
        except Exception:  # noqa: BLE001 - a policy not loaded yet has no such states
            continue
        for key, wf in workflows_from_document(doc).items():
            states = sorted({s for t in wf.transitions if set(t.requires)
                             & set(INSPECTION_FACTS) for s in t.source})
            if states:
                out.append((key, states))
    return out


def cases_awaiting_inspection(user) -> QuerySet[Case]:
    """Open cases whose next step waits for an inspection (the inspector's to-do)."""
    if not roles_of(user) & INSPECTORS and not getattr(user, "is_superuser", False):
        return Case.objects.none()
    cond = Q(pk__in=[])
    for key, states in _states_awaiting_inspection():
        cond |= Q(workflow_key=key, state__in=states)
    return cases_visible_to(user).filter(cond).order_by("due_at", "created_at")


def reports_visible_to(user) -> QuerySet[QualityReport]:
    if not may_read_quality(user):
        return QualityReport.objects.none()
    return (QualityReport.objects.filter(case__in=cases_visible_to(user))
            .select_related("case", "opened_by", "reviewed_by"))


def reports_awaiting_review(user) -> QuerySet[QualityReport]:
    if not roles_of(user) & REPORT_REVIEWERS and not getattr(user, "is_superuser", False):
        return QualityReport.objects.none()
    return reports_visible_to(user).filter(status=ReportStatus.OPEN).order_by("opened_at")


def report_get(user, number: str) -> QualityReport:
    found = reports_visible_to(user).filter(number=number).first()
    if found is None:
        raise NotFound(_("No such quality report."),
                       code=QualityErrorCode.REPORT_NOT_FOUND)
    return found


def claims_visible_to(user) -> QuerySet[SupplierClaim]:
    if not may_read_claims(user):
        return SupplierClaim.objects.none()
    return (SupplierClaim.objects.filter(Q(case__isnull=True)
                                         | Q(case__in=cases_visible_to(user)))
            .select_related("supplier", "case", "created_by"))


def claim_get(user, number: str) -> SupplierClaim:
    found = claims_visible_to(user).filter(number=number).first()
    if found is None:
        raise NotFound(_("No such supplier claim."),
                       code=QualityErrorCode.CLAIM_NOT_FOUND)
    return found


def actions_visible_to(user) -> QuerySet[CorrectiveAction]:
    if not may_read_quality(user):
        return CorrectiveAction.objects.filter(owner_id=getattr(user, "pk", None))
    return CorrectiveAction.objects.filter(
        Q(case__isnull=True) | Q(case__in=cases_visible_to(user))
    ).select_related("owner", "case", "report")


def actions_open_overdue_first(user) -> list[CorrectiveAction]:
    """Open and done-unverified actions, overdue ones first (S3.6), then by due date."""
    today = timezone.localdate()
    items = list(actions_visible_to(user).exclude(status=ActionStatus.VERIFIED)
                 .order_by("due_on", "id"))
    return sorted(items, key=lambda a: (not (a.status == ActionStatus.OPEN
                                             and a.due_on < today), a.due_on, a.pk))


def actions_to_follow(user) -> QuerySet[CorrectiveAction]:
    """The corrective action list's rows: open and done-unverified actions, each with
    ``overdue_rank`` 0 when open past its due date and 1 otherwise, so that the list can put
    the overdue ones first (S3.6) in the database, a page at a time."""
    return (actions_visible_to(user).exclude(status=ActionStatus.VERIFIED)
            .annotate(overdue_rank=Choose(
                When(status=ActionStatus.OPEN, due_on__lt=timezone.localdate(),
                     then=Value(0)), default=Value(1), output_field=IntegerField())))


def actions_overdue(user) -> QuerySet[CorrectiveAction]:
    return actions_visible_to(user).filter(status=ActionStatus.OPEN,
                                           due_on__lt=timezone.localdate())
