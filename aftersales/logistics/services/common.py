"""What the logistics services share: who may do what (X4), the returns section of the case's
policy, labels of places."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_in_scope, is_staff_user
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.logistics.errors import LogisticsErrorCode
from aftersales.logistics.models import Destination, ReturnAuthorization
from aftersales.logistics.returns_policy import returns_settings  # noqa: F401

# Who issues the RMA and settles discrepancies with the customer (S1.6, S2.5, S2.7, S8.3).
ISSUE_ROLES = (Role.CUSTOMER_SERVICE, Role.CS_SUPERVISOR, Role.SALES_SPECIALIST,
               Role.SALES_ASSISTANT, Role.SALES_SUPERVISOR, Role.ADMIN)
SETTLE_ROLES = ISSUE_ROLES
# Who receives goods (S3.3 warehouse, S2.6 quality follower at the plant, the factory's users).
RECEIVE_ROLES = (Role.WAREHOUSE, Role.QUALITY_FOLLOWER, Role.ADMIN)
# Who fills in the 退货处理单 (S2.4 the specialist; quality approves it).
FORM_ROLES = (Role.SALES_SPECIALIST, Role.SALES_ASSISTANT, Role.SALES_SUPERVISOR,
              Role.CUSTOMER_SERVICE, Role.QUALITY, Role.QUALITY_FOLLOWER, Role.ADMIN)
# Who decides where a received unit goes (issue 11 item 4).
DISPOSE_ROLES = (Role.WAREHOUSE, Role.QUALITY, Role.QUALITY_FOLLOWER, Role.PRODUCTION,
                 Role.ADMIN)
SHIP_ROLES = (Role.WAREHOUSE, Role.ADMIN)
# Who enters the customer's courier and tracking number for them (S5.4).
SHIP_BACK_ROLES = ISSUE_ROLES + (Role.WAREHOUSE,)

PLACE_LABELS = {
    "customer": _("Customer"),
    Destination.FACTORY: _("Outsourced factory"),
    Destination.PLANT: _("Own plant"),
    Destination.RETURNS_WAREHOUSE: _("Returns warehouse"),
    "stock": _("Finished-goods stock"),
    "rework": _("Rework"),
    "scrap": _("Scrap"),
    "supplier": _("Supplier"),
}


def place_label(code: str) -> str:
    label = PLACE_LABELS.get(code)
    return str(label) if label else code


def not_yours() -> PermissionDenied:
    return PermissionDenied(_("Your role may not do this."))


def require_staff_role(case: Case, actor, roles) -> None:
    """A signed-in user with one of ``roles`` who may see the case; a case out of their scope
    is answered like a missing one."""
    if not is_staff_user(actor):
        raise PermissionDenied(_("Sign in to do this."))
    if not case_in_scope(case, actor):
        raise NotFound(_("No such case."))
    if not actor.has_role(*roles):
        raise not_yours()


def is_factory_user(actor) -> bool:
    return is_staff_user(actor) and bool(getattr(actor, "factory_id", None)) \
        and actor.has_role(Role.FACTORY)


def may_receive(rma: ReturnAuthorization, actor) -> bool:
    """The warehouse and the quality follower receive what comes to the company; an outsourced
    factory's user only RMAs addressed to their factory (S2.6)."""
    if not is_staff_user(actor):
        return False
    if is_factory_user(actor):
        return rma.destination == Destination.FACTORY and rma.factory_id == actor.factory_id
    if getattr(actor, "factory_id", None) or getattr(actor, "dealer_id", None):
        return False
    return actor.has_role(*RECEIVE_ROLES) and case_in_scope(rma.case, actor)


def require_may_receive(rma: ReturnAuthorization, actor) -> None:
    if not is_staff_user(actor):
        raise PermissionDenied(_("Sign in to do this."))
    if is_factory_user(actor) and not may_receive(rma, actor):
        raise PermissionDenied(_("This return is not addressed to your factory."),
                               code=LogisticsErrorCode.NOT_YOUR_FACTORY)
    if not may_receive(rma, actor):
        raise not_yours()


def rma_not_found() -> NotFound:
    return NotFound(_("No such return authorization."), code=LogisticsErrorCode.RMA_NOT_FOUND)
