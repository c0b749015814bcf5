"""Inputs at the edge of the staff pages, the portal and the API routes that take free text,
numbers or dates (issue 8 item 2): over-long values, huge numbers, impossible dates answer with a
4xx or a page, never a 5xx, on either database."""

import pytest

LONG = "9" * 5000


@pytest.mark.parametrize("path", [
    "/cases/?q=" + LONG, "/cases/search/?q=" + LONG, "/cases/" + LONG + "/",
    "/cases/?customer=" + LONG, "/cases/?created_from=99999-01-01", "/cases/?sort=" + LONG,
    "/cases/?page=" + LONG, "/cases/?per_page=" + LONG, "/cases/new/?order=" + LONG,
    "/portal/cases/" + LONG + "/?t=" + LONG, "/reports/case_volume/?from=0001-01-01",
    "/reports/" + LONG + "/", "/api/v1/cases/" + LONG, "/api/v1/cases?q=" + LONG,
    "/api/v1/calendar/add?from=9999-12-31&days=1000000000",
    "/api/v1/reports/case_volume?from=0001-01-01&to=9999-12-31",
])
def test_a_page_or_route_with_an_extreme_value_never_fails(policies, clock, agent, client, path):
    client.force_login(agent)
    r = client.get(path)
    assert r.status_code < 500, (path[:80], r.status_code)

@pytest.mark.parametrize("body", [
    {"kind": "return", "channel": "api", "order": LONG, "phone": "13800000000"},
    {"kind": "return", "channel": "api", "order": "X", "contact_name": LONG},
    {"kind": LONG, "channel": LONG},
    {"kind": "return", "channel": "api", "lines": [{"line_no": 10**30, "quantity": 10**30}]},
])
def test_an_intake_with_extreme_values_is_refused_not_failed(policies, clock, agent, client, body):
    client.force_login(agent)
    r = client.post("/api/v1/cases", body, content_type="application/json")
    assert 400 <= r.status_code < 500, r.content[:300]
    assert r.json()["code"]  # the one error shape

def test_the_portal_lookup_with_over_long_values_answers(policies, client):
    r = client.post("/portal/", {"order_number": LONG, "phone": LONG})
    assert r.status_code < 500
