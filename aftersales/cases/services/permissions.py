"""Who may do what on a case, checked inside the services: the page, the API, the portal and
the command line reach every action through a service, so each rule lives once.

- Scope: dealer and factory staff act only on their company's cases (selectors.case_in_scope,
  the rule of cases_visible_to); a case out of scope is answered like a missing one.
- Transitions: the workflow's roles for the transition from the current state
  (workflow.engine.transition_check, called by apply_transition).
- The other actions (verify, confirm the problem, evaluate, adjust, record facts): a role that
  works on the case's current state (selectors.may_work). Files: also a supervisor.
- Assignment: selectors.may_assign. Rating by staff: only as the customer's rating given by
  phone (selectors.may_record_rating). Full contact details: selectors.may_see_contact.
- The customer (actor None, reached on the portal through the case's secret link) and the
  system (worker, demo) are not staff: the services that serve them say so themselves.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import Case
from aftersales.cases.selectors import (
    case_in_scope,
    is_staff_user,
    may_assign,
    may_attach,
    may_record_rating,
    may_see_contact,
    may_work,
)
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.workflow.errors import WorkflowErrorCode


def _not_yours() -> PermissionDenied:
    return PermissionDenied(_("Your role does not act on this case now."),
                            code=WorkflowErrorCode.ROLE_NOT_ALLOWED)


def require_scope(case: Case, actor) -> None:
    """A staff actor reaches only the cases in their scope; others are answered "missing"."""
    if is_staff_user(actor) and not case_in_scope(case, actor):
        raise NotFound(_("No such case."), code=CaseErrorCode.CASE_NOT_FOUND)


def require_works_on(case: Case, actor, *, customer: bool = False) -> None:
    """Staff whose role works on the case's current state; the customer only where the
    action is theirs too (``customer=True``)."""
    require_scope(case, actor)
    if not is_staff_user(actor):
        if customer:
            return
        raise _not_yours()
    if not may_work(case, actor):
        raise _not_yours()


def require_may_attach(case: Case, actor, *, by_customer: bool) -> None:
    require_scope(case, actor)
    if not is_staff_user(actor):
        if by_customer:
            return
        raise PermissionDenied(_("Sign in to add files."))
    if not may_attach(case, actor):
        raise _not_yours()


def require_may_assign(case: Case, actor, *, system: bool = False) -> None:
    """Staff per selectors.may_assign; without a user only the system (round robin by the
    worker or the demo), never the customer."""
    if not is_staff_user(actor):
        if system:
            return
        raise PermissionDenied(_("Sign in to assign cases."))
    require_scope(case, actor)
    if not may_assign(case, actor):
        raise PermissionDenied(_("Your role may not assign this case."),
                               code=CaseErrorCode.ASSIGN_NOT_ALLOWED)


def require_may_rate(case: Case, actor, *, channel: str | None) -> str:
    """The channel the rating is recorded under: the customer rates on the portal; staff only
    record what the customer said by phone, and must say so (``channel="phone"``)."""
    if not is_staff_user(actor):
        return "portal"
    require_scope(case, actor)
    if channel != "phone":
        raise PermissionDenied(
            _("The rating is the customer's: they give it on the portal. Record a rating the "
              "customer gave by phone as such."), code=CaseErrorCode.RATING_BY_CUSTOMER)
    if not may_record_rating(case, actor):
        raise _not_yours()
    return "phone"


def require_may_see_contact(case: Case, actor) -> None:
    require_scope(case, actor)
    if not may_see_contact(case, actor):
        raise PermissionDenied(_("Your role does not see customers' contact details."),
                               code=CaseErrorCode.CONTACT_NOT_ALLOWED)
