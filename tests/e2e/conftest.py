"""What the browser journeys share: the reference data a flushed database lacks, and the folder
their screenshots are kept in (test artifacts)."""

import os

import pytest

from aftersales.calendars.services import calendar_seed
from aftersales.policy.models import Policy
from aftersales.policy.services.versions import policies_load_directory

SHOTS = "/tmp/aftersales-e2e"


@pytest.fixture
def reference(transactional_db):
    """Policies and calendar rows (a flush empties them; post_migrate may not have re-run)."""
    if not Policy.objects.exists():
        policies_load_directory()
    calendar_seed()
    os.makedirs(SHOTS, exist_ok=True)
