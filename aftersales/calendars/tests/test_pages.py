"""Calendar pages: list, 12-month grid, entering a year (HOL-7)."""

from datetime import date

import pytest

from aftersales.calendars.calendar import get_calendar
from aftersales.calendars.models import CalendarYear

pytestmark = pytest.mark.django_db


def test_pages_need_login(client):
    r = client.get("/calendar/")
    assert r.status_code == 302 and "login" in r["Location"]


def test_list_and_grid(client, agent_user):
    client.force_login(agent_user)
    r = client.get("/calendar/")
    assert r.status_code == 200
    assert b"2026" in r.content and b"/calendar/2026/edit/" not in r.content  # agent can't edit
    r = client.get("/calendar/2026/")
    html = r.content.decode()
    assert 'data-date="2026-02-16" data-kind="holiday"' in html
    assert 'data-date="2026-02-14" data-kind="adjusted_workday"' in html
    assert 'data-date="2026-03-07" data-kind="weekend"' in html
    assert client.get("/calendar/2031/").status_code == 404


def test_agent_may_not_edit(client, agent_user):
    client.force_login(agent_user)
    assert client.get("/calendar/2026/edit/").status_code == 403
    assert client.post("/calendar/new/", {}).status_code == 403


def form_data(**over):
    data = {
        "year": "2027", "note": "国办发明电〔2026〕X号",
        "h-TOTAL_FORMS": "3", "h-INITIAL_FORMS": "0", "h-MIN_NUM_FORMS": "0",
        "h-MAX_NUM_FORMS": "40",
        "h-0-name": "元旦", "h-0-start": "2027-01-01", "h-0-end": "",
        "h-1-name": "春节", "h-1-start": "2027-02-06", "h-1-end": "2027-02-14",
        "h-2-name": "", "h-2-start": "", "h-2-end": "",
        "a-TOTAL_FORMS": "2", "a-INITIAL_FORMS": "0", "a-MIN_NUM_FORMS": "0",
        "a-MAX_NUM_FORMS": "40",
        "a-0-date": "2027-02-20", "a-1-date": "",
    }
    data.update(over)
    return data


def test_enter_a_new_year(client, admin_user):
    client.force_login(admin_user)
    r = client.get("/calendar/new/")
    assert r.status_code == 200 and len(r.context["holiday_fs"].forms) >= 7  # a whole notice
    r = client.post("/calendar/new/", form_data())
    assert r.status_code == 302 and r["Location"] == "/calendar/2027/"
    cy = CalendarYear.objects.get(year=2027)
    assert cy.entered_by == admin_user and cy.note.startswith("国办")
    cal = get_calendar()
    assert not cal.is_working_day(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 2, 20))
    # the edit page shows the saved schedule
    r = client.get("/calendar/2027/edit/")
    assert 'value="2027-02-06"' in r.content.decode()


def test_invalid_schedule_rerenders_with_errors_under_fields(client, admin_user):
    client.force_login(admin_user)
    r = client.post("/calendar/new/", form_data(**{
        "a-0-date": "2027-02-22",  # a Monday
        "h-2-name": "x", "h-2-start": "2027-02-10", "h-2-end": "2027-02-11",  # overlaps 春节
    }))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Saturday or Sunday" in html or "周六" in html
    fs = r.context["adjusted_fs"]
    assert fs.forms[0].errors["date"]
    assert r.context["holiday_fs"].forms[2].non_field_errors()
    assert "nothing was saved" in str(r.context["year_form"].non_field_errors()) or \
        "未保存" in html
    assert not CalendarYear.objects.filter(year=2027).exists()
    # a date that doesn't parse is a form error on that field
    r = client.post("/calendar/new/", form_data(**{"h-0-start": "2027-13-01"}))
    assert r.context["holiday_fs"].forms[0].errors["start"]


def test_new_refuses_an_existing_year(client, admin_user):
    client.force_login(admin_user)
    r = client.post("/calendar/new/", form_data(year="2026"))
    assert r.status_code == 200 and r.context["year_form"].errors["year"]


def test_edit_existing_year(client, admin_user):
    client.force_login(admin_user)
    r = client.get("/calendar/2026/edit/")
    assert r.status_code == 200 and 'value="2026-02-15"' in r.content.decode()
    data = form_data(**{"h-0-start": "2026-01-01", "h-0-end": "2026-01-03",
                        "h-1-start": "2026-02-15", "h-1-end": "2026-02-23",
                        "a-0-date": "2026-02-14"})
    data.pop("year")
    r = client.post("/calendar/2026/edit/", data)
    assert r.status_code == 302
    cal = get_calendar()
    assert not cal.is_working_day(date(2026, 2, 16))
    assert cal.is_working_day(date(2026, 10, 1))  # 国庆 no longer entered
    assert CalendarYear.objects.get(year=2026).source == "manual"
