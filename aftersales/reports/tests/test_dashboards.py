"""Each role's figures on the home page (issue 12 item 2): the agent's own open and overdue
cases, the supervisor's team per person with links to the list behind each bar, quality's top
defects, management's lines; the list a bar opens is narrowed to that person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.models import Department
from aftersales.cases.models import Case
from aftersales.reports.services import summaries_refresh
from aftersales.reports.tests.conftest import make_case, touch


@pytest.fixture
def team(db, make_user):
    cs = Department.objects.get(code="customer_service")
    boss = make_user("cs_supervisor", username="boss", department=cs)
    a = make_user("customer_service", username="agent_a", display_name="甲", department=cs)
    b = make_user("customer_service", username="agent_b", display_name="乙", department=cs)
    now = timezone.now()
    for who, overdue in ((a, True), (a, False), (b, False)):
        case = make_case(opened=now - dt.timedelta(hours=3), department=cs, assignee=who)
        touch(case, due_at=now + dt.timedelta(hours=-1 if overdue else 5),
              state_category="open")
    make_case(opened=now - dt.timedelta(hours=5), closed=now - dt.timedelta(hours=1),
              department=cs, assignee=b, csat=4, due=now)
    summaries_refresh()
    return {"boss": boss, "a": a, "b": b, "cs": cs}


def test_the_agent_sees_their_own_open_and_overdue_cases(team, client):
    client.force_login(team["a"])
    page = client.get(reverse("home"))
    mine = page.context["panels"]
    assert page.status_code == 200 and mine
    html = page.content.decode()
    assert 'id="dashboard"' in html and "assignee=me&amp;overdue=1" in html
    from aftersales.reports.dashboards import home_dashboard
    figures = home_dashboard(request=None, user=team["a"], role="customer_service")
    assert (figures["mine"]["open"], figures["mine"]["overdue"]) == (2, 1)
    assert "team" not in figures


def test_the_supervisor_sees_the_team_per_person_with_links(team, client):
    from aftersales.reports.dashboards import home_dashboard
    figures = home_dashboard(request=None, user=team["boss"], role="cs_supervisor")
    bars = {b["name"]: b for b in figures["team"]["bars"]}
    assert {n: (b["open"], b["overdue"]) for n, b in bars.items()} == {"甲": (2, 1),
                                                                         "乙": (1, 0)}
    assert (figures["team"]["closed"], figures["team"]["on_time_rate"],
            figures["team"]["csat"]) == (1, 1.0, 4.0)
    # the bar's link opens the list of that person's open cases in the department
    client.force_login(team["boss"])
    listed = client.get(bars["甲"]["url"])
    numbers = {c.number for c in listed.context["page"].object_list}
    assert numbers == set(Case.objects.filter(assignee=team["a"]).values_list("number",
                                                                              flat=True))
    assert "甲" in listed.content.decode()  # the list says whom it is narrowed to


def test_a_dealer_gets_no_company_figures(db, make_user):
    from aftersales.parties.models import Dealer
    from aftersales.reports.dashboards import home_dashboard
    dealer = Dealer.objects.create(code="D9", name="经销商九", region="south")
    user = make_user("dealer", username="dealer9", dealer=dealer)
    assert home_dashboard(request=None, user=user, role="dealer") is None


@pytest.mark.parametrize("role", ["management", "admin"])
def test_management_and_the_administrator_see_the_whole_company_with_fines(team, make_user,
                                                                          client, role):
    from decimal import Decimal

    from aftersales.cases.models import Fine, FineStatus

    case = Case.objects.filter(assignee=team["a"]).first()
    for i, (amount, status) in enumerate(((Decimal("50.00"), FineStatus.BOOKED),
                                          (Decimal("30.00"), FineStatus.WAIVED))):
        Fine.objects.create(case=case, person=team["a"], department=team["cs"], rule="S3.4",
                            kind="late", state="x", state_seq=1, day=i + 1, amount=amount,
                            status=status, booked_at=timezone.now())
    client.force_login(make_user(role, username=f"steer_{role}"))
    page = client.get(reverse("home")).content.decode()
    # open cases, overdue, on-time rate, satisfaction and the month's fines (waived not counted)
    assert "全公司" in page
    for words in ("已超时", "按时率", "满意度", "本月罚款", "¥50.00"):
        assert words in page, words
    assert "/reports/fines/" in page
