import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test sees the calendar of its own (rolled-back) database state."""
    from aftersales.calendars.calendar import reset_calendar_cache

    reset_calendar_cache()
    yield
    reset_calendar_cache()
