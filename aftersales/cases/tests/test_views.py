"""Staff pages of cases (issue 4 items 5, 7; X4): the list and its filters, a fixed number of
queries, the case page's buttons per role, actions through htmx, stale forms, phone intake."""

import pytest
from django.urls import reverse
from django.utils import translation

from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent, EventKind
from aftersales.cases.selectors import next_owner
from aftersales.cases.tests import factories as f
from aftersales.core.errors import ValidationError

HTMX = {"HTTP_HX_REQUEST": "true"}


def _open(agent, *, kind="return", order=None, **kw):
    order = order or f.order()
    return s.case_open(kind=kind, channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}], **kw)


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_list_filters_by_kind_and_finds_a_case_by_order_number(policies, clock, agent,
                                                                agent_client):
    # given a return and an enquiry
    ret = _open(agent)
    consult = s.case_open(kind="consult", channel="phone", actor=agent,
                          business_line="online_shop", description="怎么洗")
    # when the agent filters on returns
    page = agent_client.get(reverse("cases:list"), {"kind": "return"}).content.decode()
    # then only the return is listed, with its count
    assert ret.number in page and consult.number not in page
    assert "1 case" in page or "1 个" in page or ">1<" in page
    # and searching by the order number opens the one case directly
    r = agent_client.get(reverse("cases:search"), {"q": ret.order.number})
    assert r.status_code == 302 and r["Location"].endswith(f"/cases/{ret.number}/")


def test_list_sorts_overdue_first_then_due_soonest(policies, clock, agent, agent_client):
    # given one case opened a week ago (now overdue) and one opened today
    clock.set(2026, 11, 16, 10, 0)
    late = _open(agent)
    clock.set(2026, 11, 23, 10, 0)
    fresh = _open(agent)
    # when the list is shown with the default sort
    page = agent_client.get(reverse("cases:list")).content.decode()
    # then the overdue case comes first, marked red
    assert page.index(late.number) < page.index(fresh.number)
    assert "due--overdue" in page
    overdue_only = agent_client.get(reverse("cases:list"), {"overdue": "1"}).content.decode()
    assert late.number in overdue_only and fresh.number not in overdue_only


def test_list_runs_a_fixed_number_of_queries(policies, clock, agent, agent_client,
                                             django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _open(agent)
    agent_client.get(reverse("cases:list"))  # warm the workflow cache
    with CaptureQueriesContext(connection) as few:
        agent_client.get(reverse("cases:list"))
    for _i in range(6):
        _open(agent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = agent_client.get(reverse("cases:list"))
    assert r.content.decode().count('name="cases"') == 7


def test_home_shows_the_users_queue_overdue_first(policies, clock, agent, agent_client):
    clock.set(2026, 11, 16, 10, 0)
    late = _open(agent)
    clock.set(2026, 11, 23, 10, 0)
    _open(agent)
    page = agent_client.get("/").content.decode()
    assert late.number in page and "due--overdue" in page


def test_agent_sees_the_allowed_actions_and_a_wrong_role_sees_none_and_is_refused(
        policies, clock, agent, make_user, client):
    # given a new return in intake, an agent and a warehouse clerk
    case = _open(agent)
    warehouse = make_user("warehouse")
    # when the agent opens the case page, the workflow's "verify" is offered
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-action="verify"' in page and 'data-action="reject"' in page
    # when the warehouse clerk opens it, no action is offered
    client.force_login(warehouse)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-action="verify"' not in page and 'data-action="reject"' not in page
    # and a POST of the transition anyway is refused, nothing changes
    r = client.post(reverse("cases:act", args=[case.number, "transition"]),
                    {"transition": "verify", "version": case.version})
    assert r.status_code == 403
    r = client.post(reverse("cases:act", args=[case.number, "evaluate"]),
                    {"version": case.version})
    assert r.status_code == 403
    case.refresh_from_db()
    assert case.state == "intake" and case.decision is None


def test_an_htmx_action_refreshes_header_buttons_and_timeline_together(policies, clock, agent,
                                                                       agent_client):
    case = _open(agent)
    r = agent_client.post(reverse("cases:act", args=[case.number, "transition"]),
                          {"transition": "verify", "version": case.version}, **HTMX)
    html = r.content.decode()
    assert r.status_code == 200 and html.lstrip().startswith('<div id="workplace"')
    assert 'id="case-state"' in html and 'id="timeline"' in html and 'id="actions"' in html
    assert 'data-action="confirm"' in html  # the next step (confirm the problem) is offered
    case.refresh_from_db()
    assert case.state == "verified"
    assert CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITIONED).count() == 1


def test_a_stale_form_says_who_changed_the_case_and_changes_nothing(policies, clock, agent,
                                                                    make_user, client):
    # given two agents who opened the same case page (version v)
    case = _open(agent)
    other = make_user("customer_service", display_name="李四")
    v = case.version
    s.case_transition(case=case, actor=other, transition="verify", expected_version=v)
    # when the first agent rejects from the stale form
    client.force_login(agent)
    r = client.post(reverse("cases:act", args=[case.number, "transition"]),
                    {"transition": "reject", "reason": "超期", "version": v}, **HTMX)
    # then they are told who changed it, and the case is not rejected
    html = r.content.decode()
    assert r["X-Action-Status"] == "409" and "李四" in html
    case.refresh_from_db()
    assert case.state == "verified" and not case.rejection_reason


def test_reject_without_a_reason_keeps_the_case_and_says_why(policies, clock, agent,
                                                             agent_client):
    case = _open(agent)
    r = agent_client.post(reverse("cases:act", args=[case.number, "transition"]),
                          {"transition": "reject", "reason": " ", "version": case.version},
                          **HTMX)
    assert r["X-Action-Status"] == "422" and 'role="alert"' in r.content.decode()
    case.refresh_from_db()
    assert case.state == "intake"


def test_phone_intake_double_submit_opens_one_case(policies, clock, agent, agent_client):
    order = f.order()
    form = {"token": "tok-1", "channel": "phone", "order_number": order.number,
            "phone": order.customer.phone, "kind": "return", "priority": "normal",
            "reason": "quality", "symptom": "开线", "description": "袖口开线",
            "qty_1": "1", "create": "1"}
    r1 = agent_client.post(reverse("cases:create"), form)
    r2 = agent_client.post(reverse("cases:create"), form)
    assert r1.status_code == 302 and r1["Location"] == r2["Location"]
    case = Case.objects.get()
    assert case.verified_at is not None and case.lines.get().quantity == 1


def test_phone_intake_keeps_the_values_and_names_the_field_on_error(policies, clock, agent,
                                                                     agent_client):
    order = f.order()
    form = {"token": "tok-2", "channel": "phone", "order_number": order.number,
            "phone": order.customer.phone, "kind": "return", "priority": "normal",
            "reason": "quality", "symptom": "开线", "qty_1": "9", "create": "1"}
    r = agent_client.post(reverse("cases:create"), form)
    html = r.content.decode()
    assert r.status_code == 200 and "开线" in html and 'value="9"' in html
    assert 'role="alert"' in html and not Case.objects.exists()


def test_dealer_sees_only_the_dealers_cases(policies, clock, agent, make_user, client):
    from aftersales.parties.models import Dealer

    mine_dealer = Dealer.objects.create(code="D1", name="甲经销商", region="east")
    other_dealer = Dealer.objects.create(code="D2", name="乙经销商", region="east")
    mine = _open(agent, order=f.order(dealer=mine_dealer))
    theirs = _open(agent, order=f.order(dealer=other_dealer))
    dealer_user = make_user("dealer", dealer=mine_dealer)
    client.force_login(dealer_user)
    page = client.get(reverse("cases:list")).content.decode()
    assert mine.number in page and theirs.number not in page
    assert client.get(reverse("cases:detail", args=[theirs.number])).status_code == 404


def test_bulk_assignment_gives_the_selected_cases_to_one_person(policies, clock, agent,
                                                                make_user, agent_client):
    a, b = _open(agent), _open(agent)
    colleague = make_user("customer_service")
    r = agent_client.post(reverse("cases:assign_bulk"), {
        "cases": [a.number, b.number], "assignee": colleague.pk, "next": "/cases/"})
    assert r.status_code == 302
    assert set(Case.objects.values_list("assignee_id", flat=True)) == {colleague.pk}


def test_supervisor_home_and_fine_ledger_show_breaches_and_fines(policies, clock, agent,
                                                                 supervisor, client):
    clock.set(2026, 11, 16, 10, 0)
    case = _open(agent)
    clock.set(2026, 11, 23, 10, 0)
    s.sla_sweep()
    client.force_login(supervisor)
    home = client.get("/").content.decode()
    assert 'id="breaches"' in home and case.number in home
    assert "步骤超时" in home  # the kind of breach: this step, not the whole case (S9.2)
    assert client.get(reverse("cases:fines")).status_code == 200
    # and the ledger exports to Excel with its filter, amounts as numbers
    import io

    import openpyxl

    from aftersales.cases.models import Fine

    booked = list(Fine.objects.filter(status="booked").order_by("-booked_at", "-pk"))
    r = client.get(reverse("cases:fines"), {"status": "booked", "format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
                .worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("记罚时间", "售后单号", "事由")
    assert [(row[1], row[6]) for row in rows[1:]] == [(f.case.number, float(f.amount))
                                                      for f in booked]
    client.force_login(agent)
    assert client.get(reverse("cases:fines")).status_code == 403
    assert client.get(reverse("cases:fines"), {"format": "xlsx"}).status_code == 403


def test_files_are_served_only_to_those_who_see_the_case(policies, clock, agent, make_user,
                                                         client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.parties.models import Dealer

    settings.MEDIA_ROOT = tmp_path
    case = _open(agent)
    att = s.attachment_add(case=case, actor=agent, upload=SimpleUploadedFile(
        "a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16))
    url = reverse("cases:file", args=[case.number, att.pk])
    client.force_login(agent)
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    outsider = make_user("dealer",
                         dealer=Dealer.objects.create(code="DX", name="外", region="east"))
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_state_filter_offers_the_workflow_states_by_name(policies, clock, agent, agent_client):
    case = _open(agent)
    page = agent_client.get(reverse("cases:list"), {"state": "verified"}).content.decode()
    assert 'value="online_shop:intake"' in page and case.number not in page
    page = agent_client.get(reverse("cases:list"), {"state": "intake"}).content.decode()
    assert case.number in page


def test_a_working_day_deadline_counts_down_in_working_days(policies, clock, agent,
                                                            agent_client):
    # given a return opened on Monday 10:00; its review is due in 3 working days (S9.3)
    case = _open(agent)
    # when the agent looks at the list the same day
    page = agent_client.get(reverse("cases:list")).content.decode()
    # then the countdown is in working days, not calendar days
    assert "剩 3 个工作日" in page or "3 working days left" in page
    # and after the deadline (Thursday) it says how many working days it is late: on the next
    # Monday, Friday and Monday; the weekend is not counted
    clock.set(2026, 11, 30, 10, 0)
    agent_client.force_login(agent)  # a new day, a new session
    r = agent_client.get(reverse("cases:detail", args=[case.number]))
    assert r.status_code == 200, r.status_code
    detail = r.content.decode()
    assert "已超时 2 个工作日" in detail or "2 working days overdue" in detail


def test_the_case_page_names_who_acts_next(policies, clock, agent, make_user, client):
    # given a new return put back into customer service's queue, nobody assigned
    supervisor = make_user("cs_supervisor")
    case = s.case_assign(case=_open(agent), actor=supervisor, assignee=None)
    assert case.assignee_id is None
    # when someone who can't act on it (the warehouse) opens it
    client.force_login(make_user("warehouse"))
    page = client.get(reverse("cases:detail", args=[case.number]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # then the page says whose queue it is in, and that it is with them, not "—"
    with translation.override("zh-hans"):
        owner = next_owner(case)
    assert "（队列）" in owner and "客服" in owner
    assert f"现由{owner}处理。" in page
    # and once assigned, the person is named
    s.case_assign(case=case, actor=supervisor, assignee=agent)
    case.refresh_from_db()
    assert next_owner(case) == str(agent)


def test_bulk_assignment_offers_only_people_a_case_can_be_given_to(policies, clock, agent,
                                                                   supervisor, make_user,
                                                                   client):
    # given an administrator without a working role, a dealer's user and a warehouse clerk
    from aftersales.cases.selectors import assignable_users

    admin = make_user(is_superuser=True, is_staff=True, username="boss")
    clerk = make_user("warehouse")
    offered = set(assignable_users())
    # then the bulk menu offers the clerk and the agents, not the administrator
    assert clerk in offered and agent in offered and admin not in offered
    # and the supervisor's list of cases offers the same people
    _open(agent)
    client.force_login(supervisor)
    page = client.get(reverse("cases:list")).content.decode()
    assert f'<option value="{agent.pk}">' in page
    assert f'<option value="{admin.pk}">' not in page


def test_the_expected_next_step_stands_out_and_a_waiting_one_says_why(policies, clock, agent,
                                                                      agent_client):
    # given a new return, the caller not yet verified
    order = f.order()
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       reason="quality", lines=[{"line_no": 1, "quantity": 1}],
                       contact_phone=order.customer.phone)
    page = agent_client.get(reverse("cases:detail", args=[case.number])).content.decode()
    # then verifying the caller is the one primary action, with no disabled "verify" beside it
    # (issue 10: one action per step; the verification makes the step)
    primary = page.split('data-primary="1">')
    assert len(primary) == 2 and primary[1].startswith("核实订单和来电人")
    assert 'id="why-verify"' not in page
    # given the caller verified, the problem confirmed and the policy evaluated
    case = s.case_verify(case=case, actor=agent, order=order, phone=order.customer.phone)
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="起球", quantity_affected=1)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    page = agent_client.get(reverse("cases:detail", args=[case.number])).content.decode()
    # then offering the options is the one primary action; rejecting is not
    primary = page.split('data-primary="1">')
    assert len(primary) == 2 and primary[1].startswith("提供解决方案")
    assert 'btn-danger">' in page
    # given the customer accepted the return by phone
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    case = s.case_accept_option(case=case, actor=agent, option=0)
    page = agent_client.get(reverse("cases:detail", args=[case.number])).content.decode()
    # then the step that waits for a record says in words what is missing
    why = page.split('id="why-send_return_instructions" class="why">')[1].split("</span>")[0]
    assert "退货授权" in why and "rma_issued" not in why
    # and issuing that record is the page's one primary action
    primary = page.split('data-primary="1">')
    assert len(primary) == 2 and primary[1].startswith("开具退货授权")


def _agreed(agent, resolution: str, *, accepted_by):
    """A phone return walked to the customer's acceptance of the option for ``resolution``."""
    case = _open(agent)
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="起球", quantity_affected=1)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    option = next(i for i, o in enumerate(case.decision["options"])
                  if o["resolution"] == resolution)
    return s.case_accept_option(case=case, actor=accepted_by, option=option)


def test_steps_for_another_solution_are_neither_shown_nor_allowed(policies, clock, agent,
                                                                  agent_client):
    # given a return agreed as a refund of the goods
    case = _agreed(agent, "return", accepted_by=None)
    page = agent_client.get(reverse("cases:detail", args=[case.number])).content.decode()
    # then arranging a replacement or a repair is not offered
    assert 'data-action="reship_in_advance"' not in page
    assert 'data-action="schedule_repair"' not in page
    # and is refused through the services (the API's path) with its own code
    with pytest.raises(ValidationError) as err:
        s.case_transition(case=case, actor=agent, transition="reship_in_advance",
                          reason="客户急用")
    assert err.value.code == "not_the_agreed_solution"


def test_an_agreed_exchange_has_one_next_step_the_return_authorization(
        policies, clock, agent, agent_client):
    # given an exchange agreed on the phone
    case = _agreed(agent, "exchange", accepted_by=agent)
    page = agent_client.get(reverse("cases:detail", args=[case.number])).content.decode()
    # then the goods come back first (S9.5): issuing the RMA is the one primary action
    primary = page.split('data-primary="1">')
    assert len(primary) == 2 and primary[1].startswith("开具退货授权")
    # and shipping the replacement first is there, as the exception that needs a reason
    assert 'data-action="reship_in_advance"' in page
    assert 'id="reason-reship_in_advance"' in page
