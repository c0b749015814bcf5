"""The quality panels on the case page (slot ``case``) and on the staff home (slot ``home``)."""

from __future__ import annotations

from aftersales.cases.selectors import case_document
from aftersales.quality.models import ActionStatus, ReportStatus
from aftersales.quality.section import defect_label, warehouse_inspects
from aftersales.quality.selectors import (
    actions_overdue,
    actions_visible_to,
    cases_awaiting_inspection,
    claims_visible_to,
    may_read_claims,
    may_read_quality,
    reports_awaiting_review,
)
from aftersales.quality.services import outgoing_due
from aftersales.quality.services.common import (
    CLAIM_ISSUERS,
    INSPECTORS,
    RECEIPT_INSPECTORS,
    REPORT_OPENERS,
    REPORT_REVIEWERS,
    roles_of,
)

HOME_LIMIT = 8


def case_panel_context(*, request=None, case, user, **_kw) -> dict | None:
    roles = roles_of(user)
    if not (may_read_quality(user) or roles & RECEIPT_INSPECTORS):
        return None
    document = case_document(case)
    inspections = list(case.inspections.select_related("inspected_by", "supplier", "factory")
                       .prefetch_related("photos", "lines__case_line__order_line"))
    for i in inspections:
        i.defect_label = defect_label(document, i.defect_code)
    reports = list(case.quality_reports.select_related("opened_by", "reviewed_by"))
    claims = list(case.supplier_claims.select_related("supplier")) if may_read_claims(
        user) else []
    actions = list(actions_visible_to(user).filter(case=case))
    may_inspect = bool(roles & INSPECTORS or (roles & RECEIPT_INSPECTORS
                                              and warehouse_inspects(document)))
    open_report = next((r for r in reports if r.status != ReportStatus.APPROVED), None)
    if not (inspections or reports or claims or actions or may_inspect
            or roles & REPORT_OPENERS):
        return None
    return {
        "case": case, "inspections": inspections, "reports": reports, "claims": claims,
        "actions": actions,
        "may_inspect": may_inspect and not case.is_closed,
        # the 出货检验 (S3.1) when the case waits for it: quality's record, the page's one
        # primary action (the step it makes has no button of its own)
        "outgoing_is_next": bool(roles & INSPECTORS) and not case.is_closed
        and outgoing_due(case),
        "may_open_report": bool(roles & REPORT_OPENERS) and not case.is_closed
        and open_report is None and not any(r.status == ReportStatus.APPROVED
                                            for r in reports),
        "may_review": bool(roles & REPORT_REVIEWERS),
        "may_claim": bool(roles & CLAIM_ISSUERS) and not case.is_closed,
        "user": user,
    }


def home_panel_context(*, request=None, user, role=None, **_kw) -> dict | None:
    roles = roles_of(user)
    to_inspect = cases_awaiting_inspection(user) if roles & INSPECTORS else None
    to_review = reports_awaiting_review(user) if roles & REPORT_REVIEWERS else None
    overdue = actions_overdue(user) if may_read_quality(user) else None
    mine = (actions_visible_to(user).filter(owner=user).exclude(status=ActionStatus.VERIFIED)
            if getattr(user, "pk", None) else None)
    claims = (claims_visible_to(user).filter(status="to_finance")
              if may_read_claims(user) and "finance" in roles else None)
    if to_inspect is None and to_review is None and not (mine and mine.exists()) \
            and claims is None:
        return None
    return {
        "to_inspect": list(to_inspect[:HOME_LIMIT]) if to_inspect is not None else None,
        "to_inspect_count": to_inspect.count() if to_inspect is not None else 0,
        "to_review": list(to_review[:HOME_LIMIT]) if to_review is not None else None,
        "to_review_count": to_review.count() if to_review is not None else 0,
        "overdue": list(overdue[:HOME_LIMIT]) if overdue is not None else None,
        "overdue_count": overdue.count() if overdue is not None else 0,
        "mine": list(mine[:HOME_LIMIT]) if mine is not None else [],
        "claims": list(claims[:HOME_LIMIT]) if claims is not None else None,
        "claims_count": claims.count() if claims is not None else 0,
    }
