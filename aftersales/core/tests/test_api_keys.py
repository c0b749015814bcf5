"""API keys (X-API-Key) work on every /api/v1 route, record their last use at most once a
minute, and are created only where the key is shown once (the admin, `aftersales apikey`)."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.models import ApiToken
from aftersales.accounts.tests.factories import UserFactory
from aftersales.policy.tests.samples import SAMPLE_REQUEST

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return UserFactory(roles=["customer_service"])


def test_a_key_works_on_the_policy_routes_too(client, agent):
    _token, key = ApiToken.issue(user=agent, name="erp")
    r = client.post("/api/v1/policy/evaluate", json.dumps(SAMPLE_REQUEST),
                    content_type="application/json", HTTP_X_API_KEY=key)
    assert r.status_code == 200 and r.json()["allowed"] is True
    assert client.get("/api/v1/policy/", HTTP_X_API_KEY=key).status_code == 200
    assert client.get("/api/v1/policy/online-shop", HTTP_X_API_KEY=key).status_code == 200
    assert client.get("/api/v1/cases", HTTP_X_API_KEY=key).status_code == 200
    # and without it (or with a wrong one) those routes are 401
    assert client.get("/api/v1/policy/", HTTP_X_API_KEY="nope").status_code == 401


def test_every_protected_route_declares_the_key_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            if path.startswith(("/api/v1/health", "/api/v1/calendar")):
                assert not op.get("security"), (path, method)
            else:
                assert {"ApiKey": []} in op["security"], (path, method)


def test_last_use_is_recorded_at_most_once_a_minute(client, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token, key = ApiToken.issue(user=agent, name="erp")
    assert token.last_used_at is None
    client.get("/api/v1/cases", HTTP_X_API_KEY=key)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)
    # a second request within the minute writes nothing
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/cases", HTTP_X_API_KEY=key)
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]
    token.refresh_from_db()
    assert token.last_used_at == first
    # a minute later it is written again
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/cases", HTTP_X_API_KEY=key)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)


def test_the_admin_creates_a_working_key_and_shows_it_once(client, agent):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    add = reverse("admin:accounts_apitoken_add")
    keys = []
    for name in ("erp", "wms"):  # a second key is not a unique-hash clash
        page = client.post(add, {"user": agent.pk, "name": name})
        assert page.status_code == 200
        html = page.content.decode()
        start = html.index('id="api-key"')
        keys.append(html[html.index(">", start) + 1:html.index("</code>", start)])
    assert len(set(keys)) == 2 and all(len(k) >= 40 for k in keys)
    assert ApiToken.objects.filter(user=agent).count() == 2
    client.logout()
    for key in keys:
        assert client.get("/api/v1/cases", HTTP_X_API_KEY=key).status_code == 200
    # the change page shows the prefix, never the key
    token = ApiToken.objects.get(name="erp")
    client.force_login(admin)
    change = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert token.prefix in change.content.decode() and keys[0] not in change.content.decode()
