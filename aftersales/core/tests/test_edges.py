"""The edge of every request (core.middleware, core.api): NUL characters are refused before any
view or query, and every /api error has the one documented shape {code, message, fields}."""

import json

import pytest
from django.test import Client

from aftersales.accounts.models import ApiToken
from aftersales.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return UserFactory(roles=["customer_service"])


@pytest.fixture
def key(agent):
    return ApiToken.issue(user=agent, name="edge")[1]


@pytest.fixture
def web():
    """A client that answers a server error with its response instead of raising it."""
    return Client(raise_request_exception=False)


def _shaped(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"code", "message", "fields"} and body["message"]
    assert isinstance(body["fields"], dict)
    if code:
        assert body["code"] == code
    return body


@pytest.mark.parametrize("path", [
    "/api/v1/cases/AS%00-1",
    "/api/v1/cases?q=a%00b",
    "/api/v1/cases?kind=return&%00=1",
    "/api/v1/policy/online%00shop",
])
def test_a_nul_in_an_api_path_or_query_is_400_in_the_error_shape(web, key, path):
    body = _shaped(web.get(path, HTTP_X_API_KEY=key), 400, "nul_character")
    assert body["fields"]


def test_a_nul_in_a_json_body_is_400_naming_the_field(web, key):
    body = {"kind": "return", "order_number": "SO\x001", "lines": [{"line_no": 1,
                                                                    "serial": "a\x00"}]}
    r = web.post("/api/v1/cases", json.dumps(body), content_type="application/json",
                 HTTP_X_API_KEY=key)
    assert _shaped(r, 400, "nul_character")["fields"] == {"order_number": "含有空字符"}


def test_a_nul_in_a_header_is_refused(web, key):
    r = web.post("/api/v1/cases", "{}", content_type="application/json", HTTP_X_API_KEY=key,
                 HTTP_IDEMPOTENCY_KEY="k\x00")
    assert _shaped(r, 400, "nul_character")["fields"] == {"idempotency-key": "含有空字符"}


@pytest.mark.parametrize("path", [
    "/cases/AS%00-1/", "/cases/search/?q=a%00b", "/cases/?q=%00", "/portal/?x=%00",
])
def test_a_nul_on_a_page_shows_the_400_page(web, agent, path):
    web.force_login(agent)
    r = web.get(path)
    assert r.status_code == 400
    assert "请求无效" in r.content.decode()


def test_a_nul_in_a_posted_form_is_refused_before_any_lookup(web):
    r = web.post("/portal/", {"order_number": "SO\x001", "phone": "13800000000"})
    assert r.status_code == 400


def test_over_long_path_and_search_are_answered_not_crashed(web, agent, key):
    _shaped(web.get("/api/v1/cases/" + "A" * 10_000, HTTP_X_API_KEY=key), 404)
    assert web.get("/api/v1/cases", {"q": "x" * 10_000},
                   HTTP_X_API_KEY=key).status_code == 200
    web.force_login(agent)
    assert web.get("/cases/" + "A" * 10_000 + "/").status_code == 404
    assert web.get("/cases/search/", {"q": "x" * 10_000}).status_code == 200


def test_malformed_json_has_the_shape_on_every_route(web, key):
    for path in ("/api/v1/cases", "/api/v1/policy/evaluate"):
        r = web.post(path, "{nope", content_type="application/json", HTTP_X_API_KEY=key)
        assert _shaped(r, 400, "malformed_body")["fields"] == {
            "body": "请求正文不是有效的 JSON 或表单数据。"}


def test_unknown_route_method_and_auth_errors_have_the_shape(web, agent):
    _shaped(web.get("/api/v1/no-such-thing"), 404, "not_found")
    r = web.delete("/api/v1/cases")
    _shaped(r, 405, "method_not_allowed")
    assert "GET" in r["Allow"]
    _shaped(web.get("/api/v1/cases"), 401, "unauthorized")
    _shaped(web.get("/api/v1/policy/"), 401, "unauthorized")
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(agent)
    r = csrf.post("/api/v1/cases", "{}", content_type="application/json")
    _shaped(r, 403, "csrf_failed")


def test_schema_validation_errors_have_the_shape(web, key):
    r = web.post("/api/v1/cases", json.dumps({"kind": 5}), content_type="application/json",
                 HTTP_X_API_KEY=key)
    assert "kind" in _shaped(r, 422, "invalid")["fields"]


def test_the_error_shape_is_declared_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    schema = doc["components"]["schemas"]["ErrorOut"]
    assert {"code", "message"} <= set(schema["required"])
    assert set(schema["properties"]) >= {"code", "message", "fields"}


def test_the_benchmark_endpoint_is_not_in_the_product(web, key):
    from django.apps import apps

    doc = web.get("/api/v1/openapi.json").json()
    assert not [p for p in doc["paths"] if "bench" in p or "ping" in p]
    for path in ("/api/v1/cases/bench/ping", "/api/v1/bench/ping"):
        r = web.post(path, "{}", content_type="application/json", HTTP_X_API_KEY=key)
        assert r.status_code in (404, 405)
    assert not [m for m in apps.get_models() if "ping" in m.__name__.lower()]
