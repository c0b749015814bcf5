"""Policy documents: the six shipped YAMLs load and validate; bad documents name file + path;
merge semantics of `extends` (document.py docstring)."""

import pytest

from aftersales.policy.engine import (
    RULE_KINDS,
    PolicyDocumentError,
    compile_document,
    evaluate,
    load_document,
    load_policy_file,
    merge_documents,
    validate_document,
)

from .conftest import POLICIES
from .helpers import request

SHIPPED = ["cn-consumer-law", "online-shop", "member-store", "outsourced-manufacturer",
           "electronics-rework", "machinery-dealer"]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policy_loads_validates_and_decides(name, calendar):
    # given the policy file as shipped (merged with its parent when it extends one)
    doc = load_policy_file(POLICIES / f"{name}.yaml")
    # then it is valid as a whole and evaluates a request
    validate_document(doc, source=name, partial=False)
    assert doc["name"] == name
    decision = evaluate(request(), doc, calendar=calendar, version_label="v")
    assert decision["policy"] == {"name": name, "version": "v"}
    assert decision["reasons"], "every decision lists the rules applied"
    for r in decision["reasons"]:
        assert r["message"]["zh"] and r["message"]["en"] and r["source"]
        assert "{" not in r["message"]["en"], r  # every placeholder filled


def test_every_rule_cites_a_source_and_every_kind_is_used(policies):
    used = set()
    for doc in policies.values():
        for rule in doc["rules"]:
            assert rule.get("source"), rule["id"]
            used.add(rule["kind"])
    assert used == set(RULE_KINDS)


def test_workflow_section_is_ignored():
    doc = load_document("name: x\nrules: []\nworkflow: {states: [anything, goes]}\n",
                        source="x.yaml")
    assert doc["workflow"]["states"] == ["anything", "goes"]


GOOD_RULE = """
name: bad
rules:
  - id: A
    kind: window
    params: {from: [signed], length: 7}
  - id: B
    kind: window
    params: {from: [signed], length: 7}
  - id: C
    kind: {kind}
    params: {params}
"""


@pytest.mark.parametrize(
    ("kind", "params", "path", "problem"),
    [
        ("teleport", "{}", "rules[2].kind", "Unknown rule kind"),
        ("window", "{from: [signed]}", "rules[2].params.length", "required"),
        ("window", "{from: [signed], length: seven}", "rules[2].params.length", "integer"),
        ("window", "{from: [birthday], length: 7}", "rules[2].params.from[0]", "Input should be"),
        ("window", "{from: [signed], length: 7, windw_days: 3}", "rules[2].params.windw_days",
         "Extra inputs"),
        ("condition", "{require: {shiny: true}}", "rules[2].params.require.shiny", ""),
        ("ladder", "{anchors: [signed], steps: [], beyond: {id: X}}", "rules[2].params.steps", ""),
        ("deadlines", "{decide_by: {from: asked}}", "rules[2].params.decide_by", "exactly one"),
    ],
)
def test_bad_document_error_names_file_and_path(kind, params, path, problem):
    text = GOOD_RULE.replace("{kind}", kind).replace("{params}", params)
    with pytest.raises(PolicyDocumentError) as exc:
        load_document(text, source="policies/bad.yaml")
    err = exc.value
    assert err.source == "policies/bad.yaml"
    assert err.path.startswith(path), err.path
    assert problem in str(err.problem)
    assert str(err).startswith("policies/bad.yaml") and err.path in str(err)
    assert err.status == 422


def test_duplicate_rule_id_and_bad_applies_to_and_top_level_typo():
    dup = "name: x\nrules:\n- {id: A, kind: shipping}\n- {id: A, kind: shipping}\n"
    with pytest.raises(PolicyDocumentError, match=r"rules\[1\]\.id"):
        load_document(dup, source="x.yaml")
    bad = "name: x\nrules:\n- {id: A, kind: shipping, applies_to: {kinds: [swap]}}\n"
    with pytest.raises(PolicyDocumentError, match=r"rules\[0\]\.applies_to\.kinds\[0\]"):
        load_document(bad, source="x.yaml")
    with pytest.raises(PolicyDocumentError, match="rulez"):
        load_document("name: x\nrulez: []\n", source="x.yaml")
    with pytest.raises(PolicyDocumentError, match="line"):
        load_document("name: [x\n", source="x.yaml")


PARENT = {
    "name": "parent", "version": "1",
    "settings": {"day_count": "legal",
                 "attachments": {"max_files_per_request": 5, "max_files_per_case": 20}},
    "rules": [
        {"id": "W", "kind": "window", "params": {"from": ["signed"], "length": 7}},
        {"id": "X", "kind": "exclusion", "params": {"tags": ["custom_made"]}},
        {"id": "S", "kind": "shipping", "params": {"default": "customer"}},
    ],
}


def test_merge_overrides_disables_replaces_and_inserts():
    child = {
        "name": "child", "extends": "parent",
        "settings": {"attachments": {"max_files_per_case": 30}},
        "rules": [
            {"id": "W", "params": {"length": 10}},                    # one parameter changed
            {"id": "X", "enabled": False},                            # disabled
            {"id": "S", "replace": True, "kind": "shipping", "params": {"default": "company"}},
            {"id": "N", "kind": "exclusion", "params": {"tags": ["perishable"]}, "after": "W"},
            {"id": "Z", "kind": "exclusion", "params": {"tags": ["periodical"]}},
        ],
    }
    validate_document(child, source="child.yaml")  # structural: patches have no kind
    merged = merge_documents(PARENT, child)
    validate_document(merged, source="child.yaml")
    assert merged["name"] == "child" and merged["version"] == "1"
    assert merged["settings"] == {"day_count": "legal", "attachments": {
        "max_files_per_request": 5, "max_files_per_case": 30}}
    assert [r["id"] for r in merged["rules"]] == ["W", "N", "X", "S", "Z"]
    assert merged["rules"][0]["params"] == {"from": ["signed"], "length": 10}
    assert merged["rules"][3]["params"] == {"default": "company"}
    compiled = compile_document(merged)
    assert [r.id for r in compiled.eligibility] == ["W", "N", "Z"]  # X disabled
    assert PARENT["rules"][0]["params"]["length"] == 7  # the parent is not mutated


def test_merged_document_is_validated_after_the_merge():
    child = {"name": "child", "extends": "parent", "rules": [{"id": "W", "params": {"length": -1}}]}
    merged = merge_documents(PARENT, child)
    with pytest.raises(PolicyDocumentError, match=r"rules\[0\]\.params\.length"):
        validate_document(merged, source="child.yaml")


def test_child_with_unknown_kind_fails_before_merge():
    with pytest.raises(PolicyDocumentError, match=r"rules\[0\]\.kind"):
        validate_document({"name": "c", "extends": "p", "rules": [{"id": "Q", "kind": "nope"}]},
                          source="c.yaml")


def test_compile_is_cached_per_document_object(policies):
    doc = policies["online-shop"]
    assert compile_document(doc) is compile_document(doc)


def test_rule_kinds_publish_a_parameter_schema():
    for name, kind in RULE_KINDS.items():
        schema = kind.params.model_json_schema()
        assert schema["type"] == "object", name
        assert kind.phase in ("eligibility", "terms")
        assert kind.doc, name
