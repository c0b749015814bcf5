"""Issue 4 item 11a: what intake no longer asks the database on every request (the policy
listing's stamp, departments, the actor's roles) and that the caches follow changes."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.models import Department
from aftersales.cases.models import Case
from aftersales.cases.services.common import actor_roles, department_by_code
from aftersales.cases.tests import factories as f
from aftersales.policy.models import PolicyVersion
from aftersales.policy.services.resolve import policy_resolve
from aftersales.portal.models import ApiToken


def test_policy_listing_is_trusted_briefly_and_a_saved_version_is_seen_at_once(policies):
    name = PolicyVersion.objects.select_related("policy").first().policy.name
    policy_resolve(name=name)
    with CaptureQueriesContext(connection) as warm:
        policy_resolve(name=name)
    assert len(warm) == 0  # within the TTL: no stamp query
    version = PolicyVersion.objects.filter(policy__name=name).first()
    version.save()  # a version saved in this process
    with CaptureQueriesContext(connection) as after:
        policy_resolve(name=name)
    assert len(after) >= 1  # the stamp is read again


def test_departments_are_cached_and_a_saved_department_is_read_again(db):
    dept, _ = Department.objects.get_or_create(code="customer_service",
                                               defaults={"name": "客服部"})
    assert department_by_code("customer_service").pk == dept.pk
    with CaptureQueriesContext(connection) as warm:
        assert department_by_code("customer_service").pk == dept.pk
    assert len(warm) == 0
    dept.name = "客户服务部"
    dept.save()
    assert department_by_code("customer_service").name == "客户服务部"


def test_actor_roles_are_the_users_groups(agent, make_user):
    fresh = type(agent).objects.get(pk=agent.pk)  # no role cache yet
    assert actor_roles(fresh) == {"customer_service"} == set(agent.role_codes)


@pytest.fixture
def order(policies, clock):
    return f.order(lines=[(f.product(), 2, "300.00"), (f.product(), 1, "99.00")])


def test_api_intake_with_warm_caches_takes_at_most_13_statements(client, agent, order):
    """Issue 4 item 11a: auth, the order and what the policy request reads (order, which
    child tables have rows, lines, payments), the idempotency check with the actor's roles, then
    the number, the case, its lines, the evaluation log, the events and the outbox row."""
    _token, key = ApiToken.issue(user=agent, name="test")

    def intake(idem):
        return client.post("/api/v1/cases", json.dumps({
            "kind": "return", "order_number": order.number, "phone": order.customer.phone,
            "reason": "quality", "description": "开线", "evaluate": True,
            "lines": [{"line_no": 1, "quantity": 1}, {"line_no": 2, "quantity": 1}]}),
            content_type="application/json", HTTP_X_API_KEY=key, HTTP_IDEMPOTENCY_KEY=idem)

    assert intake("warm").status_code == 201  # fills the per-process caches
    with CaptureQueriesContext(connection) as ctx:
        r = intake("measured")
    assert r.status_code == 201, r.content
    sqls = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(
        ("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(sqls) <= 13, "\n".join(s[:140] for s in sqls)
    assert not any("policy_policyversion" in s for s in sqls)
    assert not any('"accounts_department"' in s for s in sqls)
    case = Case.objects.get(number=r.json()["number"])
    assert case.department is not None and case.department.code == "customer_service"
    assert case.decision == r.json()["decision"]
