"""Assignment to a person: manual, bulk and round-robin within a department (issue 4 item 5)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from aftersales.cases import events
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import Case, StateCategory
from aftersales.cases.services.common import case_workflow, lock_case, now, save_case, staff
from aftersales.cases.services.permissions import require_may_assign
from aftersales.core.errors import ValidationError

OPEN_CATEGORIES = [StateCategory.OPEN, StateCategory.WAITING_CUSTOMER, StateCategory.PAUSED]


def _check_assignable(case: Case, assignee) -> None:
    if case.is_closed:
        raise ValidationError(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    if assignee is None:
        return
    if not assignee.is_active:
        raise ValidationError(_("%(user)s is not an active user.") % {"user": assignee},
                              fields={"assignee": _("inactive")})
    roles = set(case_workflow(case).state(case.state).roles)
    if roles and not (assignee.role_codes & roles):
        raise ValidationError(
            _("%(user)s has no role that works on this case now (%(roles)s).")
            % {"user": assignee, "roles": ", ".join(sorted(roles))},
            code=CaseErrorCode.ASSIGNEE_ROLE, fields={"assignee": _("no matching role")})


def _assign(case: Case, *, actor, assignee, how: str) -> Case:
    _check_assignable(case, assignee)
    before = case.assignee_id
    case.assignee, case.assigned_at = assignee, now() if assignee else None
    save_case(case, ["assignee", "assigned_at"], actor)
    events.event_assigned(case=case, actor=staff(actor), data={
        "from": before, "to": assignee.pk if assignee else None,
        "to_label": str(assignee) if assignee else "", "how": how})
    return case


@transaction.atomic
def case_assign(*, case: Case, actor, assignee, expected_version: int | None = None) -> Case:
    """Give the case to a person (None: back to the queue) whose role works on its state."""
    case = lock_case(case, expected_version=expected_version)
    require_may_assign(case, actor)
    return _assign(case, actor=actor, assignee=assignee, how="manual")


@transaction.atomic
def cases_assign_bulk(*, case_ids: list[int], actor, assignee) -> list[Case]:
    """Assign many cases at once; all or nothing (one refused case refuses the batch)."""
    cases = [lock_case(pk) for pk in sorted(set(case_ids))]
    for case in cases:
        require_may_assign(case, actor)
    return [_assign(case, actor=actor, assignee=assignee, how="bulk") for case in cases]


def round_robin_pick(*, department, roles: set[str]):
    """The fairest member: fewest open cases, then least recently assigned, then id."""
    User = get_user_model()
    candidates = (User.objects.filter(is_active=True, department=department,
                                      groups__name__in=roles).distinct()
                  .annotate(open_cases=Count("assigned_cases", filter=Q(
                      assigned_cases__state_category__in=OPEN_CATEGORIES), distinct=True),
                            last_assigned=Max("assigned_cases__assigned_at")))
    ranked = sorted(candidates, key=lambda u: (u.open_cases,
                                               u.last_assigned.timestamp() if u.last_assigned
                                               else 0, u.pk))
    return ranked[0] if ranked else None


@transaction.atomic
def case_assign_round_robin(*, case: Case, actor=None, department=None,
                            expected_version: int | None = None) -> Case:
    """Assign within the case's (or the given) department to the member with a role for the
    state who has the fewest open cases, then the one assigned least recently."""
    case = lock_case(case, expected_version=expected_version)
    require_may_assign(case, actor, system=True)
    department = department or case.department
    if department is None:
        raise ValidationError(_("The case has no department."),
                              fields={"department": _("required")})
    roles = set(case_workflow(case).state(case.state).roles)
    assignee = round_robin_pick(department=department, roles=roles)
    if assignee is None:
        raise ValidationError(_("Nobody in %(dept)s works on this state.") % {"dept": department},
                              code=CaseErrorCode.NO_CANDIDATE,
                              fields={"department": _("nobody available")})
    return _assign(case, actor=actor, assignee=assignee, how="round_robin")
