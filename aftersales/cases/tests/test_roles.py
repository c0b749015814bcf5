"""X4: every transition of every shipped workflow is refused for a role that may not make it,
and the same setup lets a role that may make it past the role check."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent
from aftersales.cases.tests import factories as f
from aftersales.core.choices import DEFAULT_POLICY, BusinessLine
from aftersales.core.errors import ApplicationError, PermissionDenied
from aftersales.policy.services.resolve import policy_resolve
from aftersales.workflow.definitions import workflows_from_document


def _case_for(wf, kind, agent):
    if kind == "consult":
        return s.case_open(kind=kind, channel="phone", actor=agent,
                           business_line=wf.business_line)
    order = f.order(business_line=wf.business_line)
    return s.case_open(kind=kind, channel="phone", actor=agent, order=order,
                       lines=[{"line_no": 1, "quantity": 1}])


@pytest.mark.parametrize("business_line", BusinessLine.values)
def test_every_transition_is_refused_for_a_wrong_role(policies, clock, make_user,
                                                      business_line):
    _v, doc = policy_resolve(name=DEFAULT_POLICY[business_line])
    workflows = [wf for wf in workflows_from_document(doc).values()
                 if wf.business_line == business_line]
    assert workflows, f"no shipped workflow for {business_line}"
    users = {}

    def user(role):
        if role not in users:
            users[role] = make_user(role)
        return users[role]

    opener = user(Role.ADMIN)
    checked = 0
    for wf in workflows:
        case = _case_for(wf, wf.case_kinds[0], opener)
        for t in wf.transitions:
            wrong = next(r for r in Role.values if r not in t.roles and r != Role.ADMIN)
            for source in t.source[:1]:  # the role check doesn't depend on the source
                # given the case in the transition's source state
                Case.objects.filter(pk=case.pk).update(
                    state=source, state_category=wf.states[source].category)
                case.refresh_from_db()
                events = CaseEvent.objects.filter(case=case).count()
                # when a user without any of its roles tries it: refused, nothing written
                with pytest.raises(PermissionDenied):
                    s.case_transition(case=case, actor=user(wrong), transition=t.code,
                                      reason="r")
                after = Case.objects.get(pk=case.pk)
                assert (after.state, after.version) == (source, case.version), t.code
                assert CaseEvent.objects.filter(case=case).count() == events
                # and a user with its role gets past the role check (done, or a missing
                # requirement — never "your role may not")
                if t.roles:
                    try:
                        s.case_transition(case=case, actor=user(t.roles[0]), transition=t.code,
                                          reason="r")
                    except PermissionDenied as exc:  # pragma: no cover - the failure
                        pytest.fail(f"{wf.key}.{t.code} refused its own role: {exc}")
                    except ApplicationError:
                        pass
                checked += 1
    assert checked >= len(workflows)
