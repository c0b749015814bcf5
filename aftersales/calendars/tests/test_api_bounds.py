"""/api/v1/calendar at its edges: counts and dates past the years the calendar supports are 422
``date_out_of_range`` naming that range and the field, never a server error."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/add"


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2026-01-01", "days": 1_000_000_000}, "days"),
    ({"from": "2026-01-01", "days": -1_000_000_000}, "days"),
    ({"from": "9999-12-31", "days": 1}, "from"),
    ({"from": "0001-01-01", "days": -1}, "from"),
    ({"from": "2100-12-31", "days": 1}, "days"),
    ({"from": "2026-01-01", "working_days": 1_000_000_000}, "working_days"),
    ({"from": "2026-01-01", "working_days": 10**30}, "working_days"),
    ({"at": "9999-12-31T23:00:00-12:00", "business_hours": 1}, "at"),
    ({"at": "0001-01-01T00:00:00+14:00", "business_hours": 1}, "at"),
])
def test_past_the_supported_years_is_422_naming_the_range(client, params, field):
    r = client.get(URL, params)
    assert r.status_code == 422, r.content[:300]
    body = r.json()
    assert body["code"] == "date_out_of_range" and field in body["fields"]
    assert "2000-01-01" in body["message"] and "2100-12-31" in body["message"]


@pytest.mark.parametrize("hours", ["1e999", "-1", "NaN", "Infinity"])
def test_business_hours_must_be_a_finite_count(client, hours):
    r = client.get(URL, {"at": "2026-03-02T10:00:00+08:00", "business_hours": hours})
    assert r.status_code == 422 and "business_hours" in r.json()["fields"]


@pytest.mark.parametrize("year", ["1999", "2101", "99999", "1" + "0" * 40])
def test_a_year_outside_the_range_is_422(client, year):
    r = client.get(f"/api/v1/calendar/{year}")
    assert r.status_code == 422 and r.json()["code"] == "date_out_of_range"


def test_inside_the_range_the_answers_are_unchanged(client):
    assert client.get(URL, {"from": "2026-12-31", "days": 1}).json() == {"date": "2027-01-01"}
    r = client.get(URL, {"from": "2026-12-30", "working_days": 5})
    assert r.status_code == 422 and r.json()["code"] == "calendar_year_missing"
