"""Shared setup for case tests: the shipped policies (loaded by migrate; a workflow file whose
policy file is not there yet gets a minimal policy so the workflow can be walked), a frozen
clock, users per role."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.choices import DEFAULT_POLICY

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _ensure_policies() -> None:
    from aftersales.policy import documents
    from aftersales.policy.models import Policy
    from aftersales.policy.services.versions import default_policy_dir, policy_version_save

    base = default_policy_dir()
    for name in DEFAULT_POLICY.values():
        if Policy.objects.filter(name=name, versions__isnull=False).exists():
            continue
        workflow = base / f"{name}.workflow.yaml"
        if not workflow.exists():
            continue
        minimal = (f"name: {name}\nextends: cn-consumer-law\nversion: '2025-01-01'\n"
                   "effective_from: 2025-01-01\n")
        text = documents.combine_texts(minimal, workflow.read_text("utf-8"),
                                       source=f"{name}.yaml", workflow_source=workflow.name)
        policy_version_save(policy=name, text=text)


@pytest.fixture
def policies(db):
    _ensure_policies()


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, *args) -> datetime:
        self.at = datetime(*args, tzinfo=SHANGHAI)
        return self.at


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() frozen (2026-11-23 Monday 10:00 Beijing) and settable: clock.set(...)."""
    from django.utils import timezone

    c = Clock(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def make_user(db):
    def make(*roles: str, **kw):
        return UserFactory(roles=list(roles), **kw)

    return make


@pytest.fixture
def agent(make_user):
    return make_user("customer_service", email="agent@example.com")


@pytest.fixture
def supervisor(make_user):
    return make_user("cs_supervisor", email="sup@example.com")
