"""`aftersales policy …` (POLICY-API: exit 0 for any decision, exit 2 with a JSON error)."""

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aftersales.policy.management.commands.policy import Command
from aftersales.policy.models import EvaluationLog
from aftersales.policy.services import policy_evaluate

from .conftest import NO_APPAREL, draft_text


def run(*args, stdin: str | None = None, monkeypatch=None) -> tuple[str, int]:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        call_command("policy", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_evaluate_prints_the_decision_and_exits_0(db, tmp_path, sample_request):
    path = tmp_path / "req.json"
    path.write_text(json.dumps(sample_request), "utf-8")
    out, code = run("evaluate", str(path))
    assert code == 0
    decision = json.loads(out)
    assert decision["allowed"] is True and decision["policy"]["name"] == "online-shop"
    assert EvaluationLog.objects.get().channel == "cli"


def test_a_refusal_also_exits_0(db, tmp_path, sample_request, admin):
    from aftersales.policy.services import policy_version_save

    policy_version_save(policy="online-shop", actor=admin,
                        text=draft_text("online-shop", version="t", extra_rules=[NO_APPAREL]),
                        effective_from=__import__("datetime").date(2025, 1, 1))
    path = tmp_path / "req.json"
    path.write_text(json.dumps(sample_request), "utf-8")
    out, code = run("evaluate", str(path))
    assert code == 0 and json.loads(out)["allowed"] is False


def test_evaluate_reads_standard_input(db, sample_request, monkeypatch):
    out, code = run("evaluate", "-", stdin=json.dumps(sample_request), monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["policy"]["name"] == "online-shop"


@pytest.mark.parametrize("change, field", [
    ({"kind": "teleport"}, "kind"),
    ({"asked_at": "yesterday"}, "asked_at"),
    ({"items": [{"line": 7, "quantity": 1}]}, "items.0.line"),
])
def test_invalid_input_exits_2_with_a_json_error_naming_the_field(
        db, tmp_path, sample_request, change, field):
    sample_request.update(change)
    path = tmp_path / "req.json"
    path.write_text(json.dumps(sample_request), "utf-8")
    out, code = run("evaluate", str(path))
    assert code == 2
    error = json.loads(out)
    assert set(error) >= {"code", "message", "fields"} and field in error["fields"]
    assert EvaluationLog.objects.count() == 0


def test_not_json_exits_2_without_traceback(db, tmp_path, capsys):
    path = tmp_path / "req.json"
    path.write_text("{nope", "utf-8")
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["aftersales", "policy", "evaluate", str(path)])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["fields"]["body"].startswith("line 1")
    assert "Traceback" not in captured.err


def test_list_show_diff(db, admin):
    from aftersales.policy.services import policy_version_save

    policy_version_save(policy="member-store", actor=admin,
                        text=draft_text("member-store", version="edited-by-test"))
    out, _ = run("list")
    assert "member-store extends cn-consumer-law" in out and "edited-by-test" in out
    out, _ = run("show", "member-store", "--version", "2")
    assert out.startswith("# member-store v2 edited-by-test")
    out, _ = run("diff", "member-store", "1", "2")
    assert "--- member-store v1" in out and "+version: edited-by-test" in out
    out, code = run("show", "member-store", "--version", "9")
    assert code == 2 and "policy_version" in json.loads(out)["fields"]


def test_simulate_prints_changed_decisions_and_money_by_rule(db, tmp_path, sample_request):
    # given two logged requests (the same one twice counts once) and one for another order
    for _ in range(2):
        policy_evaluate(data=sample_request, actor=None, channel="api")
    other = json.loads(json.dumps(sample_request))
    other["order"]["number"] = "SO-H2B-2"
    policy_evaluate(data=other, actor=None, channel="api")
    refund = EvaluationLog.objects.first().refund_total
    draft = tmp_path / "draft.yaml"
    draft.write_text(draft_text("online-shop", extra_rules=[NO_APPAREL]), "utf-8")
    # when the draft refusing apparel is simulated
    out, code = run("simulate", "--policy", "online-shop", "--draft", str(draft))
    # then both decisions change and the refunds disappear, grouped under the new rule
    assert code == 0
    assert "2 request(s) replayed, 2 decision(s) change" in out
    assert f"Refund difference: -{refund * 2} yuan" in out
    assert "TEST-no-apparel" in out
    out, _ = run("simulate", "--policy", "online-shop", "--draft", str(draft), "--json")
    result = json.loads(out)
    assert result["changed"] == 2
    by_rule = {row["rule"]: row for row in result["by_rule"]}
    assert by_rule["TEST-no-apparel"]["changed"] == 2
    assert by_rule["TEST-no-apparel"]["refund_difference"] == f"-{refund * 2}"


def test_simulate_since_a_later_date_replays_nothing(db, tmp_path, sample_request):
    policy_evaluate(data=sample_request, actor=None, channel="api")
    draft = tmp_path / "draft.yaml"
    draft.write_text(draft_text("online-shop", extra_rules=[NO_APPAREL]), "utf-8")
    out, _ = run("simulate", "--policy", "online-shop", "--draft", str(draft), "--json",
                 "--since", "2999-01-01")
    assert json.loads(out)["replayed"] == 0


def test_simulating_a_parent_replays_its_childrens_requests(db, tmp_path, sample_request):
    policy_evaluate(data=sample_request, actor=None, channel="api")
    draft = tmp_path / "draft.yaml"
    draft.write_text(draft_text("cn-consumer-law", extra_rules=[NO_APPAREL]), "utf-8")
    out, _ = run("simulate", "--policy", "cn-consumer-law", "--draft", str(draft), "--json")
    assert json.loads(out)["changed"] == 1


def test_load_reports_nothing_new_for_the_shipped_directory(db):
    out, code = run("load")
    assert code == 0 and "0 new version(s)." in out


def test_load_of_a_bad_file_exits_2_naming_file_and_path(db, tmp_path):
    (tmp_path / "bad.yaml").write_text("name: bad\nrules:\n  - id: X\n    kind: nope\n", "utf-8")
    out, code = run("load", str(tmp_path))
    error = json.loads(out)
    assert code == 2 and "rules[0].kind" in error["fields"] and "bad.yaml" in error["message"]
