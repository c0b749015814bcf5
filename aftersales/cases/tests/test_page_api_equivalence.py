"""Page and API leave the same trace: every transition of every shipped workflow
(policies/*.workflow.yaml) is made once on the case page and once through the API, from two
identical starting cases, by the same user; the events written (kinds and data, minus ids and
times) and the customer messages queued must be identical."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from aftersales.accounts.models import ApiToken
from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent
from aftersales.cases.selectors import case_document
from aftersales.cases.tests import factories as f
from aftersales.core.choices import DEFAULT_POLICY
from aftersales.notify.models import Message
from aftersales.parties.models import Dealer, OutsourcedFactory
from aftersales.workflow.definitions import workflows_from_document
from aftersales.workflow.vocabulary import Category

POLICY_DIR = Path(__file__).resolve().parents[3] / "policies"
LINE_OF = {name: line for line, name in DEFAULT_POLICY.items()}
DECISION = {"allowed": True, "policy": {"name": "test", "version": 1},
            "options": [{"resolution": "refund"}, {"resolution": "exchange"}], "reasons": []}


def _shipped_transitions():
    for path in sorted(POLICY_DIR.glob("*.workflow.yaml")):
        name = path.name.removesuffix(".workflow.yaml")
        for key, wf in yaml.safe_load(path.read_text("utf-8"))["workflows"].items():
            for code, t in wf["transitions"].items():
                if t.get("roles"):  # steps only the customer takes are not on staff pages
                    yield pytest.param(name, key, code, id=f"{name}/{key}/{code}")


def _start(wf, t, *, buyer, dealer, factory) -> Case:
    """A case of this workflow in the transition's first source state with what the transition
    requires already met (as the steps before it would have left it)."""
    kind = wf.case_kinds[0]
    line = wf.business_line
    if kind == "consult":
        case = s.case_open(kind=kind, channel="phone", actor=None, business_line=line,
                           contact_email="c@example.com", description="问")
    else:
        order = f.order(business_line=line, buyer=buyer)
        case = s.case_open(kind=kind, channel="phone", actor=None, order=order,
                           verify_phone=order.customer.phone, reason="quality",
                           lines=[{"line_no": 1, "quantity": 1}])
    state = wf.state(t.source[0])
    facts = {req: {"value": True} for req in t.requires}
    Case.objects.filter(pk=case.pk).update(
        workflow_key=wf.key, state=state.code, state_category=state.category,
        facts=facts, dealer=dealer, factory=factory,
        problem_confirmed_at=case.created_at,
        decision=DECISION if {"policy_decision", "option_accepted"} & set(t.requires)
        or t.code == "accept_option" else case.decision,
        # the solution the step serves (a replacement for an exchange, a refund for a return)
        agreed_option={"resolution": (t.resolutions or ("return",))[0], "index": 0}
        if "option_accepted" in t.requires and t.code != "accept_option" else None,
        key_account="key_account" in t.requires,
        csat_score=None, rated_at=None)
    return Case.objects.get(pk=case.pk)


def _inputs(t) -> dict:
    body = {"transition": t.code, "reason": "按规定处理", "note": "备注"}
    if t.code == "accept_option":
        body["option"] = 0
    if t.code == "rate":
        body.update(score=4, channel="phone")
    return body


def _trace(case: Case, since_event: int, since_message: int) -> tuple[list, list]:
    """The events and messages of one run, with ids, times, numbers and links made neutral."""
    number = case.number

    def neutral(value):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        text = text.replace(number, "<case>")
        return re.sub(r"t=[0-9a-f]{32}", "t=<token>", text)

    events = [(e.kind, e.actor_id, e.actor_label, e.from_state, e.to_state,
               e.customer_visible, neutral(e.data))
              for e in CaseEvent.objects.filter(case=case, pk__gt=since_event).order_by("pk")]
    messages = [(m.channel, m.recipient, m.topic, neutral(m.subject), neutral(m.body),
                 neutral(m.dedupe_key))
                for m in Message.objects.filter(case=case, pk__gt=since_message)
                .order_by("pk")]
    return events, messages


def _marks() -> tuple[int, int]:
    last_event = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_message = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last_event, last_message


@pytest.mark.parametrize("policy,workflow_key,code", list(_shipped_transitions()))
def test_a_transition_leaves_the_same_trace_on_the_page_and_through_the_api(
        client, policies, clock, make_user, policy, workflow_key, code):
    line = LINE_OF[policy]
    dealer = Dealer.objects.create(code="D-EQ", name="经销商", region="north")
    factory = OutsourcedFactory.objects.create(code="F-EQ", name="外协厂")
    probe = s.case_open(kind="consult", channel="phone", actor=None, business_line=line,
                        description="-")
    wf = next(w for w in _workflows(probe) if w.key == workflow_key)
    t = wf.transition(code)
    role = t.roles[0]
    actor = make_user(role, dealer=dealer if role == "dealer" else None,
                      factory=factory if role == "factory" else None)
    buyer = f.customer()  # the same customer on both: the same recipients
    on_page = _start(wf, t, buyer=buyer, dealer=dealer, factory=factory)
    by_api = _start(wf, t, buyer=buyer, dealer=dealer, factory=factory)
    body = _inputs(t)

    marks = _marks()
    client.force_login(actor)
    r = client.post(f"/cases/{on_page.number}/act/transition/",
                    {**body, "version": on_page.version}, HTTP_HX_REQUEST="true")
    assert r["X-Action-Status"] == "200", r.content.decode()[:2000]
    page_trace = _trace(on_page, *marks)

    marks = _marks()
    _token, key = ApiToken.issue(user=actor, name="eq")
    r = client.post(f"/api/v1/cases/{by_api.number}/transitions",
                    json.dumps({**body, "expected_version": by_api.version}),
                    content_type="application/json", HTTP_X_API_KEY=key)
    assert r.status_code == 200, r.content.decode()[:2000]
    api_trace = _trace(by_api, *marks)

    assert page_trace == api_trace
    events, messages = page_trace
    assert events, "the transition wrote no event"
    target = wf.state(t.target)
    if target.category == Category.CLOSED and code != "rate":
        assert [e[0] for e in events] == ["closed"]  # every closing is the closing
        assert any(m[2] == "case_closed" for m in messages)


def _workflows(case):
    return workflows_from_document(case_document(case)).values()


def test_every_shipped_workflow_file_is_walked():
    assert {p.name.removesuffix(".workflow.yaml") for p in POLICY_DIR.glob("*.workflow.yaml")} \
        == set(LINE_OF)
    assert len(list(_shipped_transitions())) > 100
