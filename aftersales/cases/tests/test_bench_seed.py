"""`aftersales bench seed`: the benchmark's cases are ordinary cases — every column as the ORM
would write it, their seeded times kept, numbers and ids continuing afterwards."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from aftersales.cases.models import Case, CaseLine, CaseNumberSequence


@pytest.fixture
def seeded(policies):
    out = io.StringIO()
    call_command("bench", "seed", "--cases", "300", "--orders", "40", "--due-share", "0.1",
                 stdout=out)
    return json.loads(out.getvalue())


def test_seeded_cases_are_open_and_closed_with_their_own_times(seeded):
    assert seeded["cases"] == Case.objects.count() == CaseLine.objects.count() == 300
    assert seeded["open"] + seeded["closed"] == 300
    assert Case.objects.filter(state="closed").count() == seeded["closed"]
    now = timezone.now()
    overdue = Case.objects.filter(due_at__lt=now, state_category="open").count()
    assert overdue == seeded["due"] > 0
    # the seeded creation times (up to 20 days back), not the moment of the insert
    created = set(Case.objects.values_list("created_at", flat=True))
    assert len(created) > 250
    assert all(c == s for c, s in Case.objects.values_list("created_at", "state_entered_at"))
    # every other column has its field's default, as the ORM writes it
    case = Case.objects.exclude(state="closed").first()
    assert case.facts == {} and case.evidence == [] and case.version == 1
    assert case.lines.get().condition == {}


def test_cases_opened_after_the_seed_continue_its_numbers_and_ids(seeded, policies):
    last = Case.objects.order_by("-pk").first()
    year = timezone.localtime().year
    assert CaseNumberSequence.objects.get(year=year).last == int(last.number.rsplit("-", 1)[1])
    later = Case.objects.create(
        number=f"AS-{year}-LATER", kind="return", channel="web_portal",
        business_line="online_shop", workflow_key="consumer", state="intake",
        state_entered_at=timezone.now(), portal_salt="0" * 32)
    assert later.pk > last.pk


def test_a_bench_session_signs_the_agent_in_and_plans_name_each_pages_sort_steps(
        seeded, client):
    out = io.StringIO()
    call_command("bench", "session", "--role", "customer_service", stdout=out)
    login = json.loads(out.getvalue())
    client.cookies[login["cookie"]] = login["value"]
    page = client.get("/cases/queue/")
    assert page.status_code == 200 and b"AS-" in page.content
    out = io.StringIO()
    call_command("bench", "plans", stdout=out)
    plans = json.loads(out.getvalue())
    assert set(plans) == {"queue", "list", "overdue"}
    assert all(plans[p]["count"] and plans[p]["page"] for p in ("queue", "list"))
    # the queue's page merges its parts' first rows: its one sort is that merge
    assert plans["queue"]["sorts"]
