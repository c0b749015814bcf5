"""Engine tests run without a database: the calendar is built from chinesecalendar."""

from datetime import date, timedelta
from pathlib import Path

import pytest

POLICIES = Path(__file__).resolve().parents[4] / "policies"


def build_calendar(years=range(2024, 2027)):
    import chinese_calendar

    from aftersales.calendars.calendar import WorkCalendar, _Year

    data = {}
    for year in years:
        first = date(year, 1, 1)
        n = (date(year + 1, 1, 1) - first).days
        data[year] = _Year(year, bytearray(
            1 if chinese_calendar.is_workday(first + timedelta(days=i)) else 0 for i in range(n)))
    return WorkCalendar("CN", data)


@pytest.fixture(scope="session")
def calendar():
    return build_calendar()


@pytest.fixture(scope="session")
def policies():
    from aftersales.policy.engine import load_policy_file

    return {p.name[: -len(".yaml")]: load_policy_file(p)
            for p in sorted(POLICIES.glob("*.yaml")) if not p.name.endswith(".workflow.yaml")}


@pytest.fixture(autouse=True)
def _english():
    """Assertions on error texts read the English msgids."""
    from django.utils import translation

    with translation.override("en"):
        yield
