"""Loading the shipped policies (issue 3 item 1; ARCHITECTURE "Rules as data")."""

import pytest

from aftersales.core.errors import ValidationError
from aftersales.policy import documents
from aftersales.policy.models import Policy, PolicyVersion, VersionOrigin
from aftersales.policy.services import policies_load_directory, policy_version_save

from .conftest import NO_APPAREL, SHIPPED, draft_text


def test_migrate_loads_the_six_shipped_policies_once(db):
    # given a migrated database (post_migrate loaded policies/)
    # then each shipped policy has exactly version 1, loaded from file, parents linked
    assert sorted(Policy.objects.values_list("name", flat=True)) == sorted(SHIPPED)
    for name in SHIPPED:
        versions = PolicyVersion.objects.filter(policy__name=name)
        assert [v.number for v in versions] == [1], name
        assert versions[0].origin == VersionOrigin.FILE
        assert versions[0].content_hash == documents.content_hash(versions[0].source_text)
    assert Policy.objects.get(name="online-shop").parent.name == "cn-consumer-law"


def test_reloading_unchanged_files_creates_no_version(db):
    before = PolicyVersion.objects.count()
    assert policies_load_directory() == []
    assert PolicyVersion.objects.count() == before


def test_a_changed_file_creates_version_2_with_a_readable_diff(db, policies_copy):
    # given a copy of policies/ where one file gained a line
    path = policies_copy / "member-store.yaml"
    path.write_text(path.read_text("utf-8") + "# S9.7 changed by the test\n", "utf-8")
    # when it is loaded
    created = policies_load_directory(path=policies_copy)
    # then only that policy has a new version, whose diff shows the line
    assert [(v.policy.name, v.number) for v in created] == [("member-store", 2)]
    assert "+# S9.7 changed by the test" in created[0].diff_from_previous
    assert "member-store v1" in created[0].diff_from_previous
    # and loading again changes nothing
    assert policies_load_directory(path=policies_copy) == []


def test_workflow_file_becomes_the_workflow_section_of_one_version(db, settings):
    shop = PolicyVersion.objects.get(policy__name="online-shop", number=1)
    if not (settings.PROJECT_DIR / "policies" / "online-shop.workflow.yaml").exists():
        pytest.skip("no workflow file shipped")
    assert "workflow" in shop.document
    assert "# ---- online-shop.workflow.yaml" in shop.source_text


def test_an_unchanged_file_does_not_overwrite_an_edit_made_on_the_page(db, admin):
    text = draft_text("online-shop", version="edited")
    policy_version_save(policy="online-shop", text=text, actor=admin, comment="edit")
    assert policies_load_directory() == []
    newest = PolicyVersion.objects.filter(policy__name="online-shop").order_by("-number")[0]
    assert (newest.number, newest.label, newest.author) == (2, "edited", admin)


def test_invalid_yaml_is_rejected_naming_file_and_line(db, admin):
    with pytest.raises(ValidationError) as exc:
        policy_version_save(policy="online-shop", actor=admin,
                            text="name: online-shop\nrules: [\n  - id: x\n")
    assert "online-shop" in str(exc.value.message)
    assert "line" in str(exc.value.message)
    assert PolicyVersion.objects.filter(policy__name="online-shop").count() == 1


def test_unknown_rule_kind_is_rejected_with_its_path(db, admin):
    text = draft_text("online-shop", extra_rules=[{"id": "TEST-x", "kind": "teleport"}])
    with pytest.raises(ValidationError) as exc:
        policy_version_save(policy="online-shop", text=text, actor=admin)
    message = str(exc.value.message)
    assert "online-shop" in message and "teleport" in message
    assert any(path.endswith(".kind") for path in exc.value.fields), exc.value.fields
    assert PolicyVersion.objects.filter(policy__name="online-shop").count() == 1


def test_a_parent_change_that_breaks_a_child_is_rejected(db, admin):
    # the child online-shop patches rules of cn-consumer-law; a parent with a bad rule in the
    # merged result would be caught on the child too - here: a rule with bad params
    bad = {"id": "TEST-window", "kind": "window", "params": {"from": ["signed"], "length": -1}}
    with pytest.raises(ValidationError) as exc:
        policy_version_save(policy="cn-consumer-law", actor=admin,
                            text=draft_text("cn-consumer-law", extra_rules=[bad]))
    assert "length" in str(exc.value.message)


def test_section_validators_of_other_apps_are_called(db, admin, monkeypatch):
    calls = []

    def check(section, *, source):
        calls.append(section)
        if section.get("broken"):
            raise ValidationError(f"{source}: workflow.broken: no", fields={"workflow": "no"})

    monkeypatch.setitem(documents._SECTION_VALIDATORS, "x_test", check)
    import yaml

    doc = yaml.safe_load(draft_text("member-store"))
    doc["x_test"] = {"broken": True}
    with pytest.raises(ValidationError):
        policy_version_save(policy="member-store", actor=admin, text=yaml.safe_dump(doc))
    assert calls == [{"broken": True}]


def test_edit_keeps_new_version_numbers_increasing_and_labels_distinct(db, admin):
    text = draft_text("online-shop", extra_rules=[NO_APPAREL])
    v2 = policy_version_save(policy="online-shop", text=text, actor=admin)
    v3 = policy_version_save(policy="online-shop", text=text + "# again\n", actor=admin)
    assert (v2.number, v3.number) == (2, 3)
    assert len({v2.label, v3.label, PolicyVersion.objects.get(
        policy__name="online-shop", number=1).label}) == 3


def test_a_document_naming_another_policy_is_rejected(db, admin):
    text = draft_text("member-store").replace("name: member-store", "name: online-shop", 1)
    with pytest.raises(ValidationError) as exc:
        policy_version_save(policy="member-store", text=text, actor=admin)
    assert "name" in exc.value.fields


def test_a_document_extending_an_unknown_parent_is_rejected(db, admin):
    text = draft_text("member-store").replace("extends: cn-consumer-law", "extends: nope", 1)
    with pytest.raises(ValidationError) as exc:
        policy_version_save(policy="member-store", text=text, actor=admin)
    assert "extends" in exc.value.fields


def test_policy_list_takes_a_fixed_number_of_queries(db, django_assert_num_queries):
    from aftersales.policy.selectors import policy_list

    with django_assert_num_queries(2):
        rows = [(p.parent, list(p.versions.all())) for p in policy_list()]
    assert len(rows) == 6
