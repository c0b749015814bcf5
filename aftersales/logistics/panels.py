"""The logistics panels (aftersales.core.panels): the case page (the RMA, its parcel, receipts,
discrepancies, the 退货处理单, replacements, print buttons), the customer's portal case page
(the return address, the label, the tracking form) and the home page (the warehouse's queue,
the specialist's open discrepancies)."""

from __future__ import annotations

from aftersales.accounts.roles import Role
from aftersales.cases.selectors import case_workflow
from aftersales.core import panels
from aftersales.logistics import selectors
from aftersales.logistics.models import Destination, DiscrepancyOutcome, RmaStatus, SignatureRole
from aftersales.logistics.services.common import (
    FORM_ROLES,
    ISSUE_ROLES,
    SETTLE_ROLES,
    SHIP_ROLES,
    is_factory_user,
    may_receive,
)
from aftersales.logistics.services.rma import needs_goods_back
from aftersales.workflow.vocabulary import Requirement


def case_panel_context(*, request=None, case, user, **_kw) -> dict | None:
    data = selectors.case_logistics(case)
    factory_user = is_factory_user(user)
    if factory_user:
        data["rmas"] = [r for r in data["rmas"] if r.factory_id == user.factory_id]
    open_rma = next((r for r in data["rmas"] if r.is_open), None)
    may_issue = (user.has_role(*ISSUE_ROLES) and not factory_user and not case.is_closed
                 and open_rma is None and needs_goods_back(case))
    may_form = user.has_role(*FORM_ROLES) and not factory_user and not case.is_closed \
        and not data["forms"]
    if not (data["rmas"] or data["forms"] or data["shipments"] or may_issue or may_form):
        return None
    for form in data["forms"]:
        signed = {s.role for s in form.signatures.all()}
        form.may_sign = [
            (role, label) for role, label in SignatureRole.choices if role not in signed and (
                (role == SignatureRole.FACTORY and factory_user
                 and (form.factory_id in (None, user.factory_id)))
                or (role == SignatureRole.QUALITY_FOLLOWER
                    and user.has_role(Role.QUALITY_FOLLOWER, Role.ADMIN)))]
    return {
        "case": case, **data, "open_rma": open_rma,
        "may_issue": may_issue, "may_form": may_form,
        # the expected next step when the case's current step waits for the RMA (S5.2) or for
        # goods that no RMA has told the customer where to send yet: the page's one primary
        # button (issue 10)
        "issue_is_next": may_issue and _waits_for_rma(case),
        "may_receive": bool(open_rma and may_receive(open_rma, user)),
        "may_ship_back": bool(open_rma and open_rma.status in (RmaStatus.ISSUED,
                                                               RmaStatus.SHIPPED)
                              and user.has_role(*ISSUE_ROLES, Role.WAREHOUSE)),
        "may_settle": user.has_role(*SETTLE_ROLES) and not factory_user,
        "may_ship": user.has_role(*SHIP_ROLES) and not case.is_closed,
        "outcomes": DiscrepancyOutcome.choices, "destinations": Destination.choices,
    }


def _waits_for_rma(case) -> bool:
    workflow = case_workflow(case)
    return workflow is not None and any(
        {Requirement.RMA_ISSUED, Requirement.GOODS_RECEIVED} & set(t.requires)
        for t in workflow.transitions_from(case.state))


def portal_panel_context(*, request=None, case, token: str = "", **_kw) -> dict | None:
    rmas = list(case.rmas.prefetch_related("lines__case_line__order_line").order_by("-trip"))
    if not rmas:
        return None
    rma = rmas[0]
    return {"case": case, "rma": rma, "t": token,
            "may_ship": rma.status in (RmaStatus.ISSUED, RmaStatus.SHIPPED),
            "shipments": list(case.replacement_shipments.all())}


def home_panel_context(*, request=None, user, role=None, **_kw) -> dict | None:
    out: dict = {}
    if user.has_role(Role.WAREHOUSE, Role.QUALITY_FOLLOWER) or is_factory_user(user):
        out["queue"] = selectors.warehouse_queue(user=user)
    if user.has_role(Role.SALES_SPECIALIST, Role.SALES_ASSISTANT, Role.CUSTOMER_SERVICE,
                     Role.SALES_SUPERVISOR, Role.CS_SUPERVISOR):
        qs = selectors.discrepancies_open(user=user)
        out["discrepancies"], out["discrepancy_count"] = list(qs[:8]), qs.count()
        if not out["discrepancies"]:
            out.pop("discrepancies")
    return out or None


def register() -> None:
    panels.register("case", key="logistics", order=10, template="logistics/_case_panel.html",
                    context=case_panel_context)
    panels.register("portal_case", key="logistics", order=10,
                    template="logistics/_portal_panel.html", context=portal_panel_context)
    panels.register("home", key="logistics", order=10, template="logistics/_home_panel.html",
                    context=home_panel_context)
