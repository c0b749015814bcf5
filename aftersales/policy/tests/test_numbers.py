"""The policy number form's service: the numbers are found in the newest version's own text,
written back in place (comments and anchors kept), validated by the YAML editor's check and
saved as the next version; a value out of range, a non-admin or a stale form saves nothing."""

from datetime import date

import pytest
import yaml

from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.policy import numbers
from aftersales.policy.models import Policy, PolicyVersion
from aftersales.policy.services import policy_numbers_draft, policy_numbers_save
from aftersales.policy.services.versions import policy_version_check

pytestmark = pytest.mark.django_db


def _latest(name):
    return PolicyVersion.objects.filter(policy__name=name).order_by("-number").first()


def _key(name, path):
    for n in numbers.numbers_of(_latest(name).source_text):
        if path in n.paths:
            return n
    raise AssertionError(f"{path} not found")


def test_numbers_of_online_shop_find_windows_limits_slas():
    found = numbers.numbers_of(_latest("online-shop").source_text)
    paths = {p for n in found for p in n.paths}
    assert "rules[S9.2-window].params.length" in paths
    assert "refunds.approval_limits.finance" in paths
    assert "workflow.workflows.consumer.authority.customer_service" in paths
    assert "workflow.workflows.consumer.sla_end_to_end.amount" in paths
    # the review SLA is one anchor shared by five states: one number, five places
    review = _key("online-shop", "workflow.workflows.consumer.states.intake.sla.amount")
    assert len(review.paths) == 5 and review.value == 3
    fines = {p for n in numbers.numbers_of(_latest("outsourced-manufacturer").source_text)
             for p in n.paths}
    assert "workflow.fines.report_late.per_day_late" in fines


def test_save_writes_the_numbers_in_place_as_a_new_version(admin):
    policy = Policy.objects.get(name="online-shop")
    v1 = _latest("online-shop")
    window = _key("online-shop", "rules[S9.2-window].params.length")
    limit = _key("online-shop", "refunds.approval_limits.finance")
    review = _key("online-shop", "workflow.workflows.consumer.states.intake.sla.amount")
    version = policy_numbers_save(
        actor=admin, policy=policy, based_on=v1.number, effective_from=date(2026, 12, 1),
        values={window.key: "10", limit.key: "8000", review.key: "2"})
    assert version.number == v1.number + 1 and version.author == admin
    assert version.effective_from == date(2026, 12, 1)
    doc = yaml.safe_load(version.source_text)
    assert next(r for r in doc["rules"] if r["id"] == "S9.2-window")["params"]["length"] == 10
    assert doc["refunds"]["approval_limits"]["finance"] == "8000.00"  # stays a string
    states = doc["workflow"]["workflows"]["consumer"]["states"]
    assert states["verified"]["sla"]["amount"] == 2  # the anchor changed everywhere
    # nothing else moved: the text differs in exactly those three lines, comments kept
    old_lines, new_lines = v1.source_text.splitlines(), version.source_text.splitlines()
    assert len(old_lines) == len(new_lines)
    assert sum(a != b for a, b in zip(old_lines, new_lines, strict=True)) == 3
    assert "# S1.5 (an agent's authority)" in version.source_text
    assert "7 → 10" in version.comment and "8000.00" in version.comment
    assert "+  - id: S9.2-window" not in version.diff_from_previous
    policy_version_check(name="online-shop", text=version.source_text)


@pytest.mark.parametrize("path, value, message", [
    ("rules[S9.2-window].params.length", "-3", "不能为负数"),
    ("rules[S9.2-window].params.length", "7.5", "整数"),
    ("rules[S9.2-window].params.length", "99999", "之间"),
    ("refunds.approval_limits.finance", "abc", "数字"),
    ("refunds.approval_limits.finance", "10.123", "两位小数"),
    ("workflow.workflows.consumer.authority.customer_service", "", "请填写数值"),
])
def test_a_value_out_of_range_saves_nothing(admin, path, value, message):
    from django.utils import translation

    policy = Policy.objects.get(name="online-shop")
    count = PolicyVersion.objects.count()
    number = _key("online-shop", path)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        policy_numbers_save(actor=admin, policy=policy, based_on=_latest("online-shop").number,
                            effective_from=date(2026, 12, 1), values={number.key: value})
    with translation.override("zh-hans"):
        assert message in str(err.value.fields[number.key])
    assert PolicyVersion.objects.count() == count


def test_the_yaml_check_runs_on_the_result(admin):
    # 400 days passes the form's own bounds, but the charges section allows 1 to 365: the
    # document check the YAML editor runs refuses it, and it lands on that number's field
    number = _key("online-shop", "charges.quote_valid_days")
    count = PolicyVersion.objects.count()
    with pytest.raises(ValidationError) as err:
        policy_numbers_save(actor=admin, policy=Policy.objects.get(name="online-shop"),
                            based_on=_latest("online-shop").number,
                            effective_from=date(2026, 12, 1), values={number.key: "400"})
    assert "quote_valid_days" in str(err.value.message) + str(err.value.fields)
    assert PolicyVersion.objects.count() == count


def test_only_policy_editors_may_save(agent):
    policy = Policy.objects.get(name="online-shop")
    count = PolicyVersion.objects.count()
    window = _key("online-shop", "rules[S9.2-window].params.length")
    with pytest.raises(PermissionDenied):
        policy_numbers_save(actor=agent, policy=policy, based_on=_latest("online-shop").number,
                            effective_from=date(2026, 12, 1), values={window.key: "10"})
    with pytest.raises(PermissionDenied):
        policy_numbers_draft(actor=agent, policy=policy, values={window.key: "10"})
    assert PolicyVersion.objects.count() == count


def test_a_stale_form_and_an_unchanged_form_save_nothing(admin):
    policy = Policy.objects.get(name="online-shop")
    latest = _latest("online-shop")
    window = _key("online-shop", "rules[S9.2-window].params.length")
    count = PolicyVersion.objects.count()
    with pytest.raises(Conflict):
        policy_numbers_save(actor=admin, policy=policy, based_on=latest.number - 1 or 99,
                            effective_from=date(2026, 12, 1), values={window.key: "10"})
    with pytest.raises(ValidationError):
        policy_numbers_save(actor=admin, policy=policy, based_on=latest.number,
                            effective_from=date(2026, 12, 1), values={window.key: "7"})
    assert PolicyVersion.objects.count() == count


def test_an_empty_limit_means_no_limit_and_is_written_as_null(admin):
    policy = Policy.objects.get(name="online-shop")
    limit = _key("online-shop", "refunds.approval_limits.finance")
    version = policy_numbers_save(actor=admin, policy=policy,
                                  based_on=_latest("online-shop").number,
                                  effective_from=date(2026, 12, 1), values={limit.key: ""})
    assert yaml.safe_load(version.source_text)["refunds"]["approval_limits"]["finance"] is None
    management = _key("online-shop", "refunds.approval_limits.management")
    assert management.value is None
    version = policy_numbers_save(actor=admin, policy=policy, based_on=version.number,
                                  effective_from=date(2026, 12, 1),
                                  values={management.key: "100000"})
    assert yaml.safe_load(version.source_text)["refunds"]["approval_limits"][
        "management"] == "100000.00"
