"""Policy corrections (issue 10 item 11) through the database, the CLI and /api/v1/policy/evaluate:
S9.2 beyond B7-10, a repair still in progress, and versions stored with retired settings."""

import copy

import pytest
import yaml

from aftersales.core.errors import ValidationError
from aftersales.policy.models import PolicyVersion
from aftersales.policy.services import policy_evaluate, policy_version_save

from .conftest import draft_text
from .test_api import URL, cli


def _rules(decision):
    return {r["rule"]: r["passed"] for r in decision["reasons"]}


@pytest.fixture
def late_return(sample_request):
    # placed Fri 2025-09-26, signed Sat 09-27: B7-10 ended Thu 10-09 (the holiday rolled it);
    # S9.2's 7 working days end Mon 10-13
    data = copy.deepcopy(sample_request)
    data["order"].update(placed_at="2025-09-26T10:00:00+08:00",
                         paid_at="2025-09-26T10:01:00+08:00",
                         signed_at="2025-09-27T14:00:00+08:00")
    data["order"]["payments"][0]["paid_at"] = "2025-09-26T10:01:00+08:00"
    data["asked_at"] = "2025-10-13T20:00:00+08:00"
    return data


def test_api_and_cli_allow_a_return_within_s9_2_after_b7_10_ended(client, agent, late_return,
                                                                  tmp_path):
    # given a no-reason return asked on the last day of S9.2, after the law's 7 days
    client.force_login(agent)
    response = client.post(URL, late_return, content_type="application/json")
    # then the shop's rule allows it, and both rules are named with their outcome
    assert response.status_code == 200
    body = response.json()
    assert body["allowed"] is True and body["options"][0]["resolution"] == "return"
    assert _rules(body)["B7-10"] is False and _rules(body)["S9.2-window"] is True
    # and the CLI answers the same
    assert cli(tmp_path, late_return) == body
    # the next day neither runs
    late_return["asked_at"] = "2025-10-14T09:00:00+08:00"
    refused = client.post(URL, late_return, content_type="application/json").json()
    assert refused["allowed"] is False and refused["options"] == []
    assert _rules(refused)["S9.2-window"] is False


@pytest.mark.parametrize(("asked_at", "over"), [("2025-05-20T18:00:00+08:00", False),
                                                ("2025-05-21T09:00:00+08:00", True)])
def test_api_counts_a_repair_in_progress_to_the_request(client, agent, asked_at, over):
    # given a tractor in repair since Thu 2025-04-03, not back yet (30th working day: 05-20)
    data = {
        "policy": "machinery-dealer", "asked_at": asked_at, "kind": "exchange",
        "reason": "quality",
        "order": {"number": "NJ-1", "placed_at": "2025-03-01T10:00:00+08:00",
                  "invoice_date": "2025-03-01", "channel": "dealer",
                  "payments": [{"method": "bank_transfer", "amount": "80000.00"}],
                  "lines": [{"sku": "T-1", "name": "拖拉机", "category": "tractor",
                             "unit_price": "80000.00", "quantity": 1}]},
        "items": [{"line": 0, "quantity": 1}],
        "history": {"warranty_card_returned_at": "2025-03-15",
                    "repairs": [{"fault": "engine", "sent_at": "2025-04-03",
                                 "returned_at": None}]},
    }
    client.force_login(agent)
    body = client.post(URL, data, content_type="application/json").json()
    assert _rules(body)["NJ10-30wd"] is over
    assert ("exchange" in [o["resolution"] for o in body["options"]]) is over


def test_a_version_stored_with_retired_settings_still_decides_and_takes_a_new_parent(
        db, admin, sample_request):
    parent_text = draft_text("cn-consumer-law", version="2025-06-01")  # as shipped now
    # given online-shop v1 and its parent as stored before the settings were pruned
    for name, extra in (("online-shop", {"agent_max_goodwill": "50.00",
                                         "review_working_days": 3}),
                        ("cn-consumer-law", {"agent_max_goodwill": "0.00"})):
        version = PolicyVersion.objects.get(policy__name=name, number=1)
        version.document = dict(version.document, settings={
            **(version.document.get("settings") or {}), **extra})
        version.save(update_fields=["document"])
    # then a decision still comes from it
    assert policy_evaluate(data=sample_request, channel="api")["allowed"] is True
    # and a new parent version is accepted though the stored child names retired settings
    created = policy_version_save(policy="cn-consumer-law", actor=admin, text=parent_text)
    assert created.number == 2


def test_saving_a_retired_or_unknown_setting_is_refused_naming_it(db, admin):
    doc = yaml.safe_load(draft_text("online-shop", version="t"))
    for key in ("agent_max_goodwill", "review_working_dayz"):
        doc["settings"] = {"day_count": "legal", key: 3}
        with pytest.raises(ValidationError) as exc:
            policy_version_save(policy="online-shop", actor=admin,
                                text=yaml.safe_dump(doc, allow_unicode=True))
        assert f"settings.{key}" in exc.value.fields, exc.value.fields
    assert PolicyVersion.objects.filter(policy__name="online-shop").count() == 1
