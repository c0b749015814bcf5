"""REST /api/v1/policy (POLICY-API.md): 200 decision, 422 naming the field, identical to the CLI."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aftersales.policy.models import EvaluationLog

URL = "/api/v1/policy/evaluate"


def cli(tmp_path, data) -> dict:
    path = tmp_path / "req.json"
    path.write_text(json.dumps(data), "utf-8")
    out = io.StringIO()
    try:
        call_command("policy", "evaluate", str(path), stdout=out)
    except CommandError:
        pass
    return json.loads(out.getvalue())


def test_evaluate_returns_the_decision_and_logs_the_actor(client, agent, sample_request):
    client.force_login(agent)
    response = client.post(URL, sample_request, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["allowed"] is True
    log = EvaluationLog.objects.get()
    assert (log.actor, log.channel, log.decision) == (agent, "api", response.json())


def test_invalid_request_is_422_naming_the_field(client, agent, sample_request):
    client.force_login(agent)
    sample_request["order"]["payments"][0]["amount"] = "-5.00"
    response = client.post(URL, sample_request, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert "order.payments.0.amount" in body["fields"]


def test_not_json_is_400_like_every_route(client, agent):
    client.force_login(agent)
    response = client.post(URL, "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body" and "body" in response.json()["fields"]


def test_anonymous_is_401(db, client, sample_request):
    response = client.post(URL, sample_request, content_type="application/json")
    assert response.status_code == 401
    assert EvaluationLog.objects.count() == 0


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_cli_and_rest_give_identical_json(client, agent, sample_request, tmp_path, language):
    client.force_login(agent)
    from django.utils import translation

    with translation.override(language):
        expected_ok = cli(tmp_path, sample_request)
        bad = dict(sample_request, kind="teleport")
        expected_bad = cli(tmp_path, bad)
    assert client.post(URL, sample_request, content_type="application/json",
                       headers={"accept-language": language}).json() == expected_ok
    assert client.post(URL, bad, content_type="application/json",
                       headers={"accept-language": language}).json() == expected_bad


def test_error_messages_follow_accept_language(client, agent, sample_request):
    client.force_login(agent)
    bad = dict(sample_request, kind="teleport")
    en = client.post(URL, bad, content_type="application/json",
                     headers={"accept-language": "en"}).json()
    zh = client.post(URL, bad, content_type="application/json",
                     headers={"accept-language": "zh-hans"}).json()
    assert "kind" in en["fields"] and "kind" in zh["fields"]
    assert en["message"] != zh["message"]


def test_list_versions_and_one_version(client, agent):
    client.force_login(agent)
    policies = client.get("/api/v1/policy/").json()
    assert {p["name"] for p in policies} >= {"online-shop", "machinery-dealer"}
    shop = client.get("/api/v1/policy/online-shop").json()
    assert shop["parent"] == "cn-consumer-law" and shop["versions"][0]["number"] == 1
    v1 = client.get("/api/v1/policy/online-shop/versions/1").json()
    assert v1["document"]["name"] == "online-shop" and "rules" in v1["source_text"]
    assert client.get("/api/v1/policy/online-shop/versions/9").status_code == 404
    assert client.get("/api/v1/policy/nope").status_code == 404


def test_openapi_declares_401_and_422_for_evaluate(client):
    spec = client.get("/api/v1/openapi.json").json()
    responses = spec["paths"]["/api/v1/policy/evaluate"]["post"]["responses"]
    assert {"200", "401", "422"} <= set(responses)


def test_a_dealer_may_evaluate_but_not_read_policies(db, client, sample_request):
    from aftersales.accounts.tests.factories import UserFactory

    dealer = UserFactory(username="h2b-dealer", roles=["dealer"])
    client.force_login(dealer)
    assert client.get("/api/v1/policy/").status_code == 403
    assert client.get("/api/v1/policy/online-shop/versions/1").status_code == 403
    assert client.post(URL, sample_request, content_type="application/json").status_code == 200
