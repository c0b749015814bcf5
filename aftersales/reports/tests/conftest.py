"""Case histories for report tests: cases written as rows with their timeline events, at the
times a test gives (the reports read what the services leave behind: the case's columns and
one event per change)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases.models import Case, CaseEvent, EventKind, StateCategory

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = count(1)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def make_case(*, opened: dt.datetime, closed: dt.datetime | None = None,
              kind: str = "return", channel: str = "phone",
              business_line: str = "online_shop", department=None, assignee=None,
              state: str | None = None, csat: int | None = None, comment: str = "",
              dealer=None, factory=None, due: dt.datetime | None = None) -> Case:
    """A case opened at ``opened`` (and closed at ``closed``), with its opened/closed
    events."""
    n = next(_numbers)
    case = Case.objects.create(
        number=f"AS-T-{n:06d}", kind=kind, channel=channel, business_line=business_line,
        department=department, assignee=assignee, workflow_key="test",
        state=state or ("closed" if closed else "new"),
        state_category=StateCategory.CLOSED if closed else StateCategory.OPEN,
        state_entered_at=closed or opened, closed_at=closed, csat_score=csat,
        csat_comment=comment, rated_at=closed + dt.timedelta(hours=1) if csat else None,
        portal_salt="x" * 16, dealer=dealer, factory=factory, end_to_end_due_at=due)
    Case.objects.filter(pk=case.pk).update(created_at=opened)
    CaseEvent.objects.create(case=case, kind=EventKind.OPENED, at=opened)
    if closed:
        CaseEvent.objects.create(case=case, kind=EventKind.CLOSED, at=closed)
    case.refresh_from_db()
    return case


def touch(case: Case, **changes) -> Case:
    """Change a case as a service would: the columns and one event."""
    Case.objects.filter(pk=case.pk).update(**changes)
    CaseEvent.objects.create(case=case, kind=EventKind.NOTE, at=changes.get("closed_at")
                             or at(2026, 11, 23, 10))
    case.refresh_from_db()
    return case


@pytest.fixture
def make_user(db):
    def make(*roles: str, **kw):
        return UserFactory(roles=list(roles), **kw)

    return make
