"""What intake doesn't ask the database on every request (the policy listing, the documents,
departments), and that those caches follow a change at once (aftersales.core.cache)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.models import ApiToken, Department
from aftersales.cases.models import Case
from aftersales.cases.services.common import actor_roles, department_by_code
from aftersales.cases.tests import factories as f
from aftersales.core import cache
from aftersales.policy.models import PolicyVersion
from aftersales.policy.services.resolve import policy_resolve


def _tables(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries]


def test_a_warm_policy_costs_one_stamp_read_and_a_saved_version_is_seen_at_once(policies):
    name = PolicyVersion.objects.select_related("policy").first().policy.name
    policy_resolve(name=name)
    with cache.scope(), CaptureQueriesContext(connection) as warm:
        policy_resolve(name=name)
        policy_resolve(name=name)
    assert len(warm) == 1 and "core_cachestamp" in _tables(warm)[0]
    version = PolicyVersion.objects.filter(policy__name=name).first()
    version.comment = "edited"
    version.save()  # moves the stamp in this transaction
    with CaptureQueriesContext(connection) as after:
        policy_resolve(name=name)
    assert any("policy_policyversion" in sql for sql in _tables(after))


def test_departments_are_cached_and_a_saved_department_is_read_again(db):
    dept, _ = Department.objects.get_or_create(code="customer_service",
                                               defaults={"name": "客服部"})
    assert department_by_code("customer_service").pk == dept.pk
    with cache.scope(), CaptureQueriesContext(connection) as warm:
        assert department_by_code("customer_service").pk == dept.pk
    assert not any("accounts_department" in sql for sql in _tables(warm))
    dept.name = "客户服务部"
    dept.save()
    assert department_by_code("customer_service").name == "客户服务部"


def test_actor_roles_are_the_users_groups(agent, make_user):
    fresh = type(agent).objects.get(pk=agent.pk)  # no role cache yet
    assert actor_roles(fresh) == {"customer_service"} == set(agent.role_codes)


@pytest.fixture
def orders(policies, clock):
    """Two orders alike: each intake claims every unit of one."""
    return [f.order(lines=[(f.product(), 2, "300.00"), (f.product(), 1, "99.00")])
            for _i in range(2)]


def test_api_intake_with_warm_caches_takes_at_most_12_statements(client, agent, orders):
    """Auth and the actor's roles (the order scope reads them); the order in the user's scope
    with its customer and, in the same statement, the order as plain data (policy.order_data);
    the cache stamp; the unit's earlier cases (the request's history, cases.history); then in
    the write transaction the number, what other open cases claim (read once, under the
    number's lock), the case, its lines, the events, the evaluation log and the outbox row. A
    new idempotency key is not looked up (it is unique)."""
    _token, key = ApiToken.issue(user=agent, name="test")

    def intake(order, idem):
        return client.post("/api/v1/cases", json.dumps({
            "kind": "return", "order_number": order.number, "phone": order.customer.phone,
            "reason": "quality", "description": "开线", "evaluate": True,
            "lines": [{"line_no": 1, "quantity": 1}, {"line_no": 2, "quantity": 1}]}),
            content_type="application/json", HTTP_X_API_KEY=key, HTTP_IDEMPOTENCY_KEY=idem)

    assert intake(orders[0], "warm").status_code == 201  # fills the per-process caches
    with CaptureQueriesContext(connection) as ctx:
        r = intake(orders[1], "measured")
    assert r.status_code == 201, r.content
    sqls = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(
        ("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(sqls) <= 12, "\n".join(s[:140] for s in sqls)
    # what other open cases claim is read once (the history reads earlier cases, not claims)
    assert len([s for s in sqls if s.startswith('SELECT "cases_caseline"')]) == 1
    assert len([s for s in sqls if "core_cachestamp" in s]) == 1  # once per request
    assert not any("policy_policyversion" in s for s in sqls)
    assert not any('"accounts_department"' in s for s in sqls)
    case = Case.objects.get(number=r.json()["number"])
    assert case.department is not None and case.department.code == "customer_service"
    assert case.decision == r.json()["decision"]
