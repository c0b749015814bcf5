"""Bad workflow documents are rejected with the source, the path and the problem."""

import copy

import pytest
from django.utils import translation

from aftersales.core.errors import ValidationError
from aftersales.workflow.definitions import parse_section
from aftersales.workflow.graph import validate_section

BASE = {
    "fines": {"late": {"per_day_late": 50, "per_violation": 50, "serious_multiplier": 2,
                       "rule": "S3.4", "waiver_role": "sales_vp"}},
    "workflows": {
        "w": {
            "business_line": "outsourced",
            "case_kinds": ["return"],
            "initial": "a",
            "states": {
                "a": {"category": "open", "roles": ["sales_specialist"], "department": "sales",
                      "sla": {"amount": 24, "unit": "hours", "fine": "late", "source": "S3.4"}},
                "b": {"category": "closed", "roles": []},
            },
            "transitions": {
                "go": {"from": ["a"], "to": "b", "roles": ["sales_specialist"],
                       "requires": ["report_reviewed"]},
            },
        }
    },
}


def bad(mutate):
    doc = copy.deepcopy(BASE)
    mutate(doc["workflows"]["w"])
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        validate_section(doc, source="acme.workflow.yaml")
    err = exc.value
    assert err.extra["source"] == "acme.workflow.yaml"
    assert str(err.message).startswith("acme.workflow.yaml: " + err.extra["path"] + ": ")
    return err.extra["path"], str(err.message)


def test_base_document_is_valid():
    wf = parse_section(BASE, source="acme")["w"]
    validate_section(BASE, source="acme")
    sla = wf.states["a"].sla
    assert sla.fine.key == "late" and sla.escalate_to == "sales_supervisor"  # dept default


def test_unknown_state_in_a_transition():
    path, msg = bad(lambda w: w["transitions"]["go"].update(to="nowhere"))
    assert path == "workflow.workflows.w.transitions.go.to" and "nowhere" in msg
    path, _ = bad(lambda w: w["transitions"]["go"].update({"from": ["a", "x"]}))
    assert path == "workflow.workflows.w.transitions.go.from[1]"


def test_unknown_role():
    path, msg = bad(lambda w: w["transitions"]["go"].update(roles=["sales_specialist", "boss"]))
    assert path == "workflow.workflows.w.transitions.go.roles[1]" and "boss" in msg
    path, _ = bad(lambda w: w["states"]["a"].update(roles=["janitor"]))
    assert path == "workflow.workflows.w.states.a.roles[0]"


def test_unknown_requirement():
    path, msg = bad(lambda w: w["transitions"]["go"].update(requires=["good_vibes"]))
    assert path == "workflow.workflows.w.transitions.go.requires[0]" and "good_vibes" in msg


def test_bad_sla_unit_and_amount():
    path, msg = bad(lambda w: w["states"]["a"]["sla"].update(unit="fortnights"))
    assert path == "workflow.workflows.w.states.a.sla.unit" and "fortnights" in msg
    path, _ = bad(lambda w: w["states"]["a"]["sla"].update(amount=-1))
    assert path == "workflow.workflows.w.states.a.sla.amount"
    path, _ = bad(lambda w: w["states"]["a"]["sla"].update(unit="days", amount="1.5"))
    assert path == "workflow.workflows.w.states.a.sla.amount"
    path, _ = bad(lambda w: w["states"]["a"]["sla"].update(fine="unknown"))
    assert path == "workflow.workflows.w.states.a.sla.fine"


def test_unknown_category_business_line_case_kind_initial_department():
    assert bad(lambda w: w["states"]["a"].update(category="limbo"))[0].endswith("a.category")
    assert bad(lambda w: w.update(business_line="bakery"))[0].endswith("w.business_line")
    assert bad(lambda w: w.update(case_kinds=["gift"]))[0].endswith("case_kinds[0]")
    assert bad(lambda w: w.update(initial="z"))[0].endswith("w.initial")
    assert bad(lambda w: w["states"]["a"].update(department="x"))[0].endswith("a.department")


def test_typo_in_a_key_is_reported():
    assert bad(lambda w: w["transitions"]["go"].update(requries=["x"]))[0] == (
        "workflow.workflows.w.transitions.go.requries")


def test_unreachable_state_and_dead_end_are_rejected():
    def unreachable(w):
        w["states"]["c"] = {"category": "closed", "roles": []}
    path, msg = bad(unreachable)
    assert path == "workflow.workflows.w.states.c" and "reached" in msg

    def dead_end(w):
        w["states"]["c"] = {"category": "open", "roles": ["quality"]}
        w["transitions"]["detour"] = {"from": ["a"], "to": "c", "roles": ["quality"]}
    path, msg = bad(dead_end)
    assert path == "workflow.workflows.w.states.c" and "way out" in msg


def test_two_workflows_for_the_same_kind_are_rejected():
    doc = copy.deepcopy(BASE)
    doc["workflows"]["w2"] = copy.deepcopy(doc["workflows"]["w"])
    with pytest.raises(ValidationError) as exc:
        parse_section(doc, source="acme")
    assert exc.value.extra["path"] == "workflow.workflows.w2.case_kinds"


def test_transition_needs_a_role_and_open_state_needs_roles():
    assert bad(lambda w: w["transitions"]["go"].update(roles=[]))[0].endswith("go.roles")
    assert bad(lambda w: w["states"]["a"].update(roles=[]))[0].endswith("a.roles")


def test_policy_loader_runs_our_validator_on_every_shipped_document():
    """The workflow app registers its section validator (apps.ready); the combined documents of
    policies/ pass it, and a broken workflow section fails through the loader with its path."""
    from aftersales.policy import documents

    from .conftest import POLICIES

    assert documents.section_validators()["workflow"] is validate_section
    checked = 0
    for pf in documents.read_directory(POLICIES):
        doc = documents.parse_text(pf.text, source=pf.source)
        documents.validate_merged(doc, source=pf.source)
        checked += "workflow" in doc
    assert checked == 5
    broken = copy.deepcopy(BASE)
    broken["workflows"]["w"]["states"]["a"]["roles"] = ["nobody"]
    with pytest.raises(ValidationError) as exc:
        documents.section_validators()["workflow"](broken, source="acme.yaml")
    assert exc.value.extra["path"] == "workflow.workflows.w.states.a.roles[0]"


def test_notify_marks_customer_visible_steps_and_rejects_bad_values():
    """Issue 4 item 9: `notify: customer` marks a customer-visible step; default internal."""
    doc = copy.deepcopy(BASE)
    assert parse_section(doc, source="acme")["w"].transition("go").notify_customer is False
    doc["workflows"]["w"]["transitions"]["go"]["notify"] = "customer"
    assert parse_section(doc, source="acme")["w"].transition("go").notify_customer is True
    doc["workflows"]["w"]["transitions"]["go"]["notify"] = "none"
    assert parse_section(doc, source="acme")["w"].transition("go").notify_customer is False
    for value in ("supervisor", True, ["customer"]):
        path, msg = bad(lambda w, v=value: w["transitions"]["go"].update(notify=v))
        assert path == "workflow.workflows.w.transitions.go.notify"
        assert "customer" in msg and repr(value) in msg
