"""`aftersales calendar ...` and /api/v1/calendar (POLICY-API.md "Working days")."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("calendar", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().strip(), err.getvalue()


def test_cli_add():
    assert run("add", "2026-01-05", "--working-days", "3") == (0, "2026-01-08", "")
    assert run("add", "2026-02-13", "--working-days", "2")[1] == "2026-02-24"
    assert run("add", "2026-09-30", "--days", "7")[1] == "2026-10-07"
    assert run("add", "2026-02-13T17:00", "--business-hours", "3")[1] == "2026-02-14T11:00:00+08:00"


def test_cli_unknown_year_exits_2_naming_it():
    code, out, err = run("add", "2026-12-28", "--working-days", "5")
    assert code == 2 and out == ""
    assert "2027" in err.splitlines()[0]
    assert json.loads(err.splitlines()[1])["code"] == "calendar_year_missing"
    code, out, err = run("show", "2031")
    assert code == 2 and "2031" in err


def test_cli_show_and_set_year(tmp_path):
    code, out, _ = run("show", "2026", "--json")
    data = json.loads(out)
    assert {"name": "春节", "start": "2026-02-15", "end": "2026-02-23"} in data["holidays"]
    assert "2026-02-14" in data["adjusted_workdays"]
    f = tmp_path / "2027.yaml"
    f.write_text(
        "year: 2027\nholidays:\n  - {name: 元旦, start: 2027-01-01, end: 2027-01-01}\n"
        "  - [2027-02-06, 2027-02-14, 春节]\nadjusted_workdays: [2027-02-20]\n", encoding="utf-8"
    )
    assert run("set-year", "2027", "--file", str(f))[0] == 0
    assert run("add", "2027-02-05", "--working-days", "1")[1] == "2027-02-15"
    assert run("add", "2027-02-19", "--working-days", "1")[1] == "2027-02-20"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"holidays": [], "adjusted_workdays": ["2028-03-01"]}))
    code, _, err = run("set-year", "2028", "--file", str(bad))
    assert code == 2 and "Saturday or Sunday" in err


def test_api_add(client):
    r = client.get("/api/v1/calendar/add", {"from": "2026-01-05", "working_days": 3})
    assert r.status_code == 200 and r.json() == {"date": "2026-01-08"}
    r = client.get("/api/v1/calendar/add", {"from": "2026-09-30", "days": 7})
    assert r.json() == {"date": "2026-10-07"}
    r = client.get("/api/v1/calendar/add", {"at": "2026-02-13T17:00:00+08:00", "business_hours": 3})
    assert r.status_code == 200
    assert r.json()["datetime"].startswith("2026-02-14T11:00:00")


def test_api_unknown_year_is_422_naming_it(client):
    r = client.get("/api/v1/calendar/add", {"from": "2027-03-01", "working_days": 3})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "calendar_year_missing" and "2027" in body["message"]
    assert "from" in body["fields"]
    r = client.get("/api/v1/calendar/2031")
    assert r.status_code == 422 and "2031" in r.json()["message"]
    r = client.get("/api/v1/calendar/add", {"from": "2026-03-01"})
    assert r.status_code == 422 and r.json()["code"] == "invalid"


def test_api_year(client):
    body = client.get("/api/v1/calendar/2026").json()
    assert {"name": "国庆节", "start": "2026-10-01", "end": "2026-10-07", "days": 7} \
        in body["holidays"]
    assert body["adjusted_workdays"] == [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    kinds = {e["date"]: e["kind"] for e in body["exceptions"]}
    assert kinds["2026-02-16"] == "holiday" and kinds["2026-02-14"] == "adjusted_workday"


def test_openapi_declares_200_and_422(client):
    doc = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/calendar/add", "/api/v1/calendar/{year}"):
        assert {"200", "422"} <= set(doc["paths"][path]["get"]["responses"])


def test_unknown_department_is_refused(client):
    code, _, err = run("add", "2026-03-02T10:00", "--business-hours", "2", "--department", "nope")
    assert code == 2 and "nope" in err
    r = client.get("/api/v1/calendar/add",
                   {"at": "2026-03-02T10:00:00+08:00", "business_hours": 2, "department": "nope"})
    assert r.status_code == 422 and "department" in r.json()["fields"]


def test_seed_restores_default_business_hours():
    from aftersales.calendars.models import BusinessHours

    BusinessHours.objects.all().delete()
    assert run("seed")[1].startswith("seeded: nothing")
    assert BusinessHours.objects.filter(department__isnull=True).count() == 1
