"""Shared setup for the workflow tests: the shipped workflow files and a calendar built from the
chinesecalendar data (2025-2027 where the package has them), without the database."""

from datetime import time
from pathlib import Path

import pytest
import yaml

from aftersales.calendars.calendar import Hours, calendar_from_days
from aftersales.calendars.seed import chinesecalendar_days
from aftersales.workflow.definitions import parse_section

POLICIES = Path(__file__).resolve().parents[3] / "policies"
SHIPPED = ["online-shop", "member-store", "outsourced-manufacturer", "electronics-rework",
           "machinery-dealer"]


def load_section(name: str) -> dict:
    return yaml.safe_load((POLICIES / f"{name}.workflow.yaml").read_text("utf-8"))


@pytest.fixture(scope="session")
def shipped():
    """{policy name: {workflow key: Workflow}} for the five shipped workflow files."""
    return {name: parse_section(load_section(name), source=f"{name}.workflow.yaml")
            for name in SHIPPED}


@pytest.fixture(scope="session")
def cal():
    """The 2025-2026 statutory calendar; business hours 09:00-18:00, lunch 12:00-13:00."""
    days = chinesecalendar_days(2025) + chinesecalendar_days(2026)
    return calendar_from_days(days, hours={None: Hours(time(9), time(18), time(12), time(13))})
