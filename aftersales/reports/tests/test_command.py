"""`aftersales reports rebuild|refresh`: the summaries brought up to date by hand, a rebuild
recomputing them from the cases (after a restore or a bulk update outside the services)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from aftersales.cases.models import Case
from aftersales.reports.models import CaseDaySummary
from aftersales.reports.tests.conftest import at, make_case

pytestmark = pytest.mark.django_db


def _run(action: str) -> dict:
    out = StringIO()
    call_command("reports", action, stdout=out)
    return json.loads(out.getvalue())


def _opened(kind: str) -> int:
    return sum(CaseDaySummary.objects.filter(kind=kind).values_list("opened", flat=True))


def test_a_rebuild_recomputes_the_summaries_from_the_cases():
    # given two cases, summarised
    case = make_case(opened=at(2026, 11, 20, 9))
    make_case(opened=at(2026, 11, 21, 9))
    _run("refresh")
    assert _opened("return") == 2
    # when a case's kind is changed outside the services (no timeline event)
    Case.objects.filter(pk=case.pk).update(kind="exchange")
    # then a rebuild reads every case and the summaries follow the cases
    assert _run("rebuild") == {"cases_read": 2}
    assert (_opened("return"), _opened("exchange")) == (1, 1)
