"""The access matrix: every API route and every staff page × every role of accounts.roles (the
dealer and factory roles as a dealer's and an outsourced factory's user), the superuser, a
portal customer and an anonymous visitor — the expected answer of each from ONE table.

The case they all try is a verified return of the outsourced manufacturer in ``rework``
(production's and its factory's state). The dealer's user belongs to another dealer, so the
case is "missing" for it; the factory's user belongs to the case's factory.

The users, sessions and the case are built once per module; each request runs in its own
rolled-back transaction, so a write that succeeds leaves the next one the same case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services as s
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_workflow
from aftersales.cases.tests import factories as f
from aftersales.parties.models import Dealer, OutsourcedFactory

ROLES = [r.value for r in Role]
PRINCIPALS = [*ROLES, "superuser", "portal", "anonymous"]
OUTSIDERS = {"portal", "anonymous"}

SUPERVISORS = {"cs_supervisor", "sales_supervisor", "sales_vp", "quality_supervisor",
               "management"}
COMPANY = set(ROLES) - {"dealer", "factory"} | {"superuser"}
EVERYONE_SIGNED_IN = set(ROLES) | {"superuser"}
# Whose the case in rework is (the workflow's roles for the state) and who sends cases there.
WORKS = {"production", "factory"}
DISPATCHERS = {"quality"}  # plan_rework, fail_inspection lead into rework
CUSTOMER_FACING = {"customer_service", "cs_supervisor", "sales_specialist", "sales_assistant",
                   "sales_supervisor", "sales_vp", "sales_branch", "field_engineer",
                   "management", "admin", "superuser"}
FINE_LEDGER = SUPERVISORS | {"finance", "cashier", "admin", "superuser"}
# The case reports: supervisors, quality, the 三包 office, the administrator, and dealers and
# factories over their own cases (reports.registry).
CASE_REPORTS = SUPERVISORS | {"quality", "quality_follower", "sales_branch", "admin",
                              "dealer", "factory", "superuser"}
EDITORS = {"admin", "superuser"}  # calendar and policy editing (role admin or the perm)
# The logistics app: who issues the RMA, fills in the 退货处理单, ships replacements.
RMA_ISSUERS = {"customer_service", "cs_supervisor", "sales_specialist", "sales_assistant",
               "sales_supervisor", "admin", "superuser"}
RETURN_FORM_MAKERS = {"sales_specialist", "sales_assistant", "sales_supervisor",
                      "customer_service", "quality", "quality_follower", "admin", "superuser"}
SHIPPERS = {"warehouse", "admin", "superuser"}
# The charges app: a factory's user sees no money; who quotes, collects, charges, proposes.
CHARGES_HIDDEN = {"dealer", "factory"}
QUOTE_MAKERS = {"quality", "quality_follower", "quality_supervisor", "sales_specialist",
                "sales_assistant", "sales_supervisor", "repair_technician", "technical",
                "sales_branch", "customer_service", "cs_supervisor", "admin", "superuser"}
CASHIERS = {"cashier", "finance", "admin", "superuser"}
CHARGE_MAKERS = {"quality", "quality_follower", "quality_supervisor", "sales_specialist",
                 "sales_supervisor", "sales_vp", "cs_supervisor", "finance", "management",
                 "admin", "sales_branch", "technical", "superuser"}
COMPENSATION_MAKERS = {"customer_service", "cs_supervisor", "sales_specialist",
                       "sales_supervisor", "management", "admin", "superuser"}

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def answers(ok: set[str], status: int, *, denied: int = 403, hidden: set[str] | None = None,
            outsiders: int) -> dict[str, int]:
    """Each principal's answer: `status` for `ok`, 404 for those the case is hidden from,
    `outsiders` for the portal customer and the anonymous visitor, `denied` for the rest."""
    hidden = hidden or set()
    out = {}
    for p in PRINCIPALS:
        out[p] = (outsiders if p in OUTSIDERS else 404 if p in hidden
                  else status if p in ok else denied)
    return out


def api(ok, status=200, **kw):
    return answers(ok, status, outsiders=401, **kw)


def page(ok, status=200, **kw):
    return answers(ok, status, outsiders=302, **kw)


CASE_HIDDEN = {"dealer"}
# finance.selectors.READ_ROLES (and the superuser); services.refunds.REQUESTER_ROLES
REFUND_READERS = {"finance", "cashier", "cs_supervisor", "customer_service", "sales_specialist",
                  "sales_supervisor", "sales_vp", "management", "admin", "superuser"}
REFUND_REQUESTERS = {"customer_service", "cs_supervisor", "sales_specialist"}
# quality.services.common (the superuser acts as "admin": a reader, not an inspector)
INSPECTORS = {"quality", "quality_follower", "quality_supervisor"}
REPORT_OPENERS = INSPECTORS | {"sales_specialist", "sales_supervisor"}
CLAIM_ISSUERS = {"purchasing", "quality", "quality_supervisor"}
ACTION_ORDERERS = {"quality", "quality_supervisor", "sales_vp", "management"}
QUALITY_READERS = REPORT_OPENERS | CLAIM_ISSUERS | {"warehouse", "sales_vp", "finance",
                                                    "management", "factory", "admin",
                                                    "superuser"}
CLAIM_READERS = CLAIM_ISSUERS | {"finance", "management", "cashier", "sales_vp", "admin",
                                 "superuser"}
PUBLIC = {p: 200 for p in PRINCIPALS}
# Reference data readers (accounts.data_access.READERS) besides the administrator.
CUSTOMER_READERS = {"customer_service", "cs_supervisor"} | SUPERVISORS | EDITORS
SALES_READERS = {"sales_specialist", "sales_assistant", "sales_supervisor", "sales_vp",
                 "sales_branch"} | EDITORS
ORDER_READERS = CUSTOMER_READERS | SALES_READERS
QUALITY_DATA_READERS = {"quality", "quality_follower", "quality_supervisor"} | EDITORS
DATA_READERS = ORDER_READERS | QUALITY_DATA_READERS


@dataclass(frozen=True)
class Route:
    name: str
    method: str  # GET, POST (form), JSON (POST with a JSON body), FILE (multipart), HTMX
    path: str  # {case} {file} placeholders
    expect: dict[str, int]
    body: dict | None = None


def data_rows(kind: str, readers: set[str], *, deactivates: bool) -> list[Route]:
    """A reference data kind's pages: its readers open the list and the export; only the
    administrator opens the form ("(none)": a record that does not exist)."""
    base = f"/settings/data/{kind}/"
    rows = [Route(f"data {kind}", "GET", f"{base}?q=a", page(readers)),
            Route(f"data {kind} export", "GET", f"{base}export.xlsx", page(readers)),
            Route(f"data {kind} (none)", "GET", f"{base}999999/", page(readers, 404)),
            Route(f"data {kind} new", "GET", f"{base}new/", page(EDITORS)),
            Route(f"data {kind} new (empty)", "POST", f"{base}new/", page(EDITORS, 422)),
            Route(f"data {kind} edit (none)", "GET", f"{base}999999/edit/",
                  page(EDITORS, 404))]
    if deactivates:
        rows.append(Route(f"data {kind} deactivate (none)", "POST",
                          f"{base}999999/deactivate/", page(EDITORS, 404)))
    return rows


DATA_KINDS = [("customers", CUSTOMER_READERS, False), ("dealers", SALES_READERS, True),
              ("suppliers", QUALITY_DATA_READERS, True),
              ("factories", QUALITY_DATA_READERS, True),
              ("products", QUALITY_DATA_READERS, True),
              ("part-prices", QUALITY_DATA_READERS, False)]


# ONE table: every route, the answer for every principal.
TABLE = [
    # --- API: public
    Route("api health", "GET", "/api/v1/health", PUBLIC),
    Route("api calendar add", "GET", "/api/v1/calendar/add?from=2026-11-23&days=3", PUBLIC),
    Route("api calendar year", "GET", "/api/v1/calendar/2026", PUBLIC),
    # --- API: policies (company staff read them; dealers and factories don't)
    Route("api policy list", "GET", "/api/v1/policy/", api(COMPANY)),
    Route("api policy detail", "GET", "/api/v1/policy/online-shop", api(COMPANY)),
    Route("api policy version", "GET", "/api/v1/policy/online-shop/versions/1", api(COMPANY)),
    Route("api policy evaluate (no body)", "JSON", "/api/v1/policy/evaluate",
          api(EVERYONE_SIGNED_IN, 422), body={}),
    # --- API: cases
    Route("api case list", "GET", "/api/v1/cases", api(EVERYONE_SIGNED_IN)),
    Route("api intake (empty body)", "JSON", "/api/v1/cases", api(EVERYONE_SIGNED_IN, 422),
          body={}),
    Route("api case", "GET", "/api/v1/cases/{case}",
          api(EVERYONE_SIGNED_IN, hidden=CASE_HIDDEN)),
    Route("api case events", "GET", "/api/v1/cases/{case}/events",
          api(EVERYONE_SIGNED_IN, hidden=CASE_HIDDEN)),
    Route("api transition finish_rework", "JSON", "/api/v1/cases/{case}/transitions",
          api(WORKS, hidden=CASE_HIDDEN), body={"transition": "finish_rework"}),
    Route("api attach", "FILE", "/api/v1/cases/{case}/attachments",
          api(WORKS | SUPERVISORS | {"superuser"}, 201, hidden=CASE_HIDDEN)),
    Route("api evaluate", "JSON", "/api/v1/cases/{case}/evaluate",
          api(WORKS | {"superuser"}, hidden=CASE_HIDDEN), body={}),
    # what the policy decides from: changed (and evaluated again) by those who work on it
    Route("api case facts", "JSON", "/api/v1/cases/{case}/facts",
          api(WORKS | {"superuser"}, hidden=CASE_HIDDEN), body={"evidence": ["photos"]}),
    # a fact the decision states, changed with a reason by a role acting on the state
    Route("api override in_warranty", "JSON", "/api/v1/cases/{case}/override",
          api(WORKS, hidden=CASE_HIDDEN),
          body={"fact": "in_warranty", "value": True, "reason": "厂家确认在保"}),
    # the case is not closed: those who may record a phone rating hear so (409)
    Route("api rate by phone", "JSON", "/api/v1/cases/{case}/rate",
          api(WORKS, 409, hidden=CASE_HIDDEN), body={"score": 5, "channel": "phone"}),
    Route("api unassign", "JSON", "/api/v1/cases/{case}/assign",
          api((WORKS | DISPATCHERS | SUPERVISORS | EDITORS) - {"factory"}, hidden=CASE_HIDDEN),
          body={"assignee": None}),
    # --- API: reports (registry roles; dealers and factories read their own cases' figures)
    Route("api report list", "GET", "/api/v1/reports", api(EVERYONE_SIGNED_IN)),
    Route("api report", "GET", "/api/v1/reports/case_volume", api(CASE_REPORTS)),
    Route("api contact", "JSON", "/api/v1/cases/{case}/contact",
          api(CUSTOMER_FACING, hidden=CASE_HIDDEN), body={}),
    # --- API: refunds (finance.selectors.READ_ROLES read them; the world's case has none)
    Route("api refund list", "GET", "/api/v1/finance/refunds", api(REFUND_READERS)),
    Route("api refund (none)", "GET", "/api/v1/finance/refunds/{case}",
          api(REFUND_READERS, 404)),
    Route("api points (no such member)", "GET", "/api/v1/finance/points/{case}",
          api(REFUND_READERS, 404)),
    # customer service may submit, but this case has no agreed refund (422)
    Route("api refund submit", "JSON", "/api/v1/finance/cases/{case}/refunds",
          api(REFUND_REQUESTERS, 422, hidden=CASE_HIDDEN), body={}),
    Route("api refund approve (none)", "JSON", "/api/v1/finance/refunds/{case}/approve",
          api(REFUND_READERS, 404), body={}),
    Route("api refund refuse (none)", "JSON", "/api/v1/finance/refunds/{case}/refuse",
          api(REFUND_READERS, 404), body={"reason": "x"}),
    # the Idempotency-Key header is required before anything else
    Route("api refund pay (no key)", "JSON", "/api/v1/finance/refunds/{case}/payments",
          api(EVERYONE_SIGNED_IN, 422), body={"line": 1}),
    # --- API: quality (quality.services.common: inspectors, report openers, the sales VP,
    # claim issuers, action orderers; readers see lists, others empty lists)
    Route("api inspections", "GET", "/api/v1/quality/inspections", api(EVERYONE_SIGNED_IN)),
    Route("api inspection (none)", "GET", "/api/v1/quality/inspections/{case}",
          api(EVERYONE_SIGNED_IN, 404)),
    Route("api inspect", "JSON", "/api/v1/quality/inspections",
          api(INSPECTORS, 201, hidden=CASE_HIDDEN), body={"case": "{case}", "result": "pass"}),
    Route("api responsibility", "GET", "/api/v1/quality/cases/{case}/responsibility",
          api(QUALITY_READERS, denied=404, hidden=CASE_HIDDEN)),
    Route("api report open", "JSON", "/api/v1/quality/reports",
          api(REPORT_OPENERS, 201, hidden=CASE_HIDDEN), body={"case": "{case}", "problem": "x"}),
    Route("api quality report (none)", "GET", "/api/v1/quality/reports/{case}",
          api(EVERYONE_SIGNED_IN, 404)),
    Route("api report review (none)", "JSON", "/api/v1/quality/reports/{case}/review",
          api(EVERYONE_SIGNED_IN, 404), body={"approve": True}),
    Route("api report revise (none)", "JSON", "/api/v1/quality/reports/{case}/revise",
          api(EVERYONE_SIGNED_IN, 404), body={"problem": "x"}),
    Route("api claims", "GET", "/api/v1/quality/claims", api(EVERYONE_SIGNED_IN)),
    # issuers pass the role check and are told to choose the supplier (422)
    Route("api claim draft", "JSON", "/api/v1/quality/claims", api(CLAIM_ISSUERS, 422),
          body={"material": "m", "defect": "d", "quantity": 1, "loss_amount": "1",
                "deduction_amount": "1"}),
    Route("api claim (none)", "GET", "/api/v1/quality/claims/{case}",
          api(EVERYONE_SIGNED_IN, 404)),
    Route("api claim status (none)", "JSON", "/api/v1/quality/claims/{case}/status",
          api(EVERYONE_SIGNED_IN, 404), body={"to": "sent"}),
    Route("api actions", "GET", "/api/v1/quality/actions", api(EVERYONE_SIGNED_IN)),
    Route("api action order (no owner)", "JSON", "/api/v1/quality/actions",
          api(ACTION_ORDERERS, 422), body={"description": "x", "owner": 0,
                                           "due_on": "2026-12-31"}),
    Route("api action done (none)", "JSON", "/api/v1/quality/actions/0/done",
          api(EVERYONE_SIGNED_IN, 404), body={"note": "x"}),
    Route("api action verify (none)", "JSON", "/api/v1/quality/actions/0/verify",
          api(EVERYONE_SIGNED_IN, 404), body={"note": "x"}),
    # --- quality pages
    Route("quality home", "GET", "/quality/", page(QUALITY_READERS | {"cashier"}, denied=404)),
    Route("inspections", "GET", "/quality/inspections/?q=x",
          page(QUALITY_READERS | {"cashier"}, denied=404)),
    Route("inspections export", "GET", "/quality/inspections/export.xlsx?q=x",
          page(QUALITY_READERS | {"cashier"}, denied=404)),
    Route("quality reports", "GET", "/quality/reports/",
          page(QUALITY_READERS | {"cashier"}, denied=404)),
    Route("quality reports export", "GET", "/quality/reports/export.xlsx",
          page(QUALITY_READERS | {"cashier"}, denied=404)),
    Route("supplier claims", "GET", "/quality/claims/", page(CLAIM_READERS, denied=404)),
    Route("supplier claims export", "GET", "/quality/claims/export.xlsx",
          page(CLAIM_READERS, denied=404)),
    Route("corrective actions", "GET", "/quality/actions/", page(EVERYONE_SIGNED_IN)),
    Route("corrective actions export", "GET", "/quality/actions/export.xlsx",
          page(EVERYONE_SIGNED_IN)),
    Route("inspection form", "GET", "/quality/cases/{case}/inspect/",
          page(INSPECTORS, denied=404, hidden=CASE_HIDDEN)),
    Route("report form", "GET", "/quality/cases/{case}/report/",
          page(REPORT_OPENERS, denied=404, hidden=CASE_HIDDEN)),
    Route("claim form", "GET", "/quality/cases/{case}/claim/",
          page(CLAIM_ISSUERS, denied=404, hidden=CASE_HIDDEN)),
    Route("quality report page (none)", "GET", "/quality/reports/QE-2026-999999/",
          page(EVERYONE_SIGNED_IN, 404)),
    # --- staff pages
    Route("home", "GET", "/", page(EVERYONE_SIGNED_IN)),
    Route("case list", "GET", "/cases/", page(EVERYONE_SIGNED_IN)),
    Route("queue", "GET", "/cases/queue/", page(EVERYONE_SIGNED_IN)),
    Route("overdue", "GET", "/cases/overdue/", page(EVERYONE_SIGNED_IN)),
    Route("search", "GET", "/cases/search/?q=nothing-matches", page(EVERYONE_SIGNED_IN)),
    # missing and not-yours orders look alike
    Route("order page (none)", "GET", "/cases/orders/SO-NONE/", page(EVERYONE_SIGNED_IN, 404)),
    # background exports: one's own only (a missing one and another's look alike)
    Route("my exports", "GET", "/exports/", page(EVERYONE_SIGNED_IN)),
    Route("export (none)", "GET", "/exports/999999/", page(EVERYONE_SIGNED_IN, 404)),
    Route("export download (none)", "GET", "/exports/999999/download",
          page(EVERYONE_SIGNED_IN, 404)),
    # report subscriptions and the monthly pack (a bad month is said, cheaply)
    Route("my subscriptions", "GET", "/reports/subscriptions/", page(EVERYONE_SIGNED_IN)),
    Route("subscribe (incomplete)", "POST", "/reports/case_volume/subscribe",
          page(CASE_REPORTS, 302), body={}),
    Route("unsubscribe (none)", "POST", "/reports/subscriptions/999999/delete",
          page(EVERYONE_SIGNED_IN, 302), body={}),
    Route("management pack (bad month)", "GET", "/reports/pack.pdf?month=2026-13",
          page(EVERYONE_SIGNED_IN, 422)),
    Route("intake page", "GET", "/cases/new/", page(EVERYONE_SIGNED_IN)),
    Route("fine ledger", "GET", "/cases/fines/", page(FINE_LEDGER)),
    # bulk assignment answers by going back to the list; dealers and factories are refused
    Route("bulk assign", "POST", "/cases/assign/", page(COMPANY, 302),
          body={"cases": "{case}", "round_robin": "1"}),
    Route("case page", "GET", "/cases/{case}/", page(EVERYONE_SIGNED_IN, hidden=CASE_HIDDEN)),
    Route("case file", "GET", "/cases/{case}/files/{file}/",
          page(EVERYONE_SIGNED_IN, hidden=CASE_HIDDEN)),
    Route("page transition finish_rework", "HTMX", "/cases/{case}/act/transition/",
          page(WORKS, hidden=CASE_HIDDEN), body={"transition": "finish_rework"}),
    Route("page evaluate", "HTMX", "/cases/{case}/act/evaluate/",
          page(WORKS | {"superuser"}, hidden=CASE_HIDDEN), body={}),
    Route("page case facts", "HTMX", "/cases/{case}/act/facts/",
          page(WORKS | {"superuser"}, hidden=CASE_HIDDEN), body={"evidence": "photos"}),
    Route("page attach", "HTMX", "/cases/{case}/act/attach/",
          page(WORKS | SUPERVISORS | {"superuser"}, hidden=CASE_HIDDEN), body={"file": PNG}),
    Route("page unassign", "HTMX", "/cases/{case}/act/assign/",
          page((WORKS | DISPATCHERS | SUPERVISORS | EDITORS) - {"factory"},
               hidden=CASE_HIDDEN), body={"assignee": ""}),
    Route("page contact", "HTMX", "/cases/{case}/contact/",
          page(CUSTOMER_FACING, hidden=CASE_HIDDEN), body={}),
    Route("calendar", "GET", "/calendar/", page(EVERYONE_SIGNED_IN)),
    Route("calendar year", "GET", "/calendar/2026/", page(EVERYONE_SIGNED_IN)),
    Route("calendar new", "GET", "/calendar/new/", page(EDITORS)),
    Route("calendar edit", "GET", "/calendar/2026/edit/", page(EDITORS)),
    Route("policy list", "GET", "/policy/", page(COMPANY)),
    Route("policy detail", "GET", "/policy/online-shop/", page(COMPANY)),
    Route("policy edit", "GET", "/policy/online-shop/edit/", page(EDITORS)),
    Route("policy check", "GET", "/policy/evaluate/", page(EVERYONE_SIGNED_IN)),
    # --- the settings pages (administration): the administrator role and the superuser;
    # "(none)" rows name a user, department or key that does not exist (404 for them)
    Route("settings", "GET", "/settings/", page(EDITORS)),
    Route("settings users", "GET", "/settings/users/?q=m-", page(EDITORS)),
    Route("settings user new", "GET", "/settings/users/new/", page(EDITORS)),
    Route("settings user new (empty)", "POST", "/settings/users/new/", page(EDITORS)),
    Route("settings user (none)", "GET", "/settings/users/999999/", page(EDITORS, 404)),
    Route("settings user deactivate (none)", "POST", "/settings/users/999999/deactivate/",
          page(EDITORS, 404)),
    Route("settings user password (none)", "POST", "/settings/users/999999/password/",
          page(EDITORS, 404)),
    Route("settings departments", "GET", "/settings/departments/", page(EDITORS)),
    Route("settings department new", "GET", "/settings/departments/new/", page(EDITORS)),
    Route("settings department (none)", "GET", "/settings/departments/999999/",
          page(EDITORS, 404)),
    Route("settings roles", "GET", "/settings/roles/", page(EDITORS)),
    Route("settings business lines", "GET", "/settings/business-lines/", page(EDITORS)),
    Route("settings api keys", "GET", "/settings/api-keys/", page(EDITORS)),
    Route("settings api key issue (empty)", "POST", "/settings/api-keys/", page(EDITORS)),
    Route("settings api key revoke (none)", "POST", "/settings/api-keys/999999/revoke/",
          page(EDITORS, 404)),
    Route("settings channels", "GET", "/settings/channels/", page(EDITORS)),
    Route("settings channel test (empty)", "POST", "/settings/channels/", page(EDITORS)),
    Route("settings change log", "GET", "/settings/audit/", page(EDITORS)),
    # policy numbers follow the policy editors (role admin or policy.change_policy)
    Route("policy numbers", "GET", "/settings/policies/online-shop/numbers/", page(EDITORS)),
    Route("policy numbers (empty)", "POST", "/settings/policies/online-shop/numbers/",
          page(EDITORS, 422)),
    # --- reference data (/settings/data/, accounts.data_access): the administrator edits and
    # imports; customer service and the supervisors read customers and orders, the sales roles
    # dealers and orders, the quality roles suppliers, factories, products and part prices
    Route("data index", "GET", "/settings/data/", page(DATA_READERS, 302)),
    *[row for kind, readers, deactivates in DATA_KINDS for row in data_rows(
        kind, readers, deactivates=deactivates)],
    Route("data customer contact (none)", "POST", "/settings/data/customers/999999/contact/",
          page(CUSTOMER_READERS, 404)),
    Route("data orders", "GET", "/settings/data/orders/?q=SO", page(ORDER_READERS)),
    Route("data orders export", "GET", "/settings/data/orders/export.xlsx",
          page(ORDER_READERS)),
    Route("data order (none)", "GET", "/settings/data/orders/999999/",
          page(ORDER_READERS, 404)),
    Route("data imports", "GET", "/settings/data/imports/", page(EDITORS)),
    Route("data import (empty)", "POST", "/settings/data/imports/", page(EDITORS, 422)),
    Route("data import run (none)", "GET", "/settings/data/imports/999999/",
          page(EDITORS, 404)),
    Route("reports", "GET", "/reports/", page(EVERYONE_SIGNED_IN)),
    Route("report", "GET", "/reports/case_volume/", page(CASE_REPORTS)),
    Route("report export", "GET", "/reports/fines/export.xlsx", page(FINE_LEDGER)),
    Route("password change", "GET", "/accounts/password/", page(EVERYONE_SIGNED_IN)),
    Route("refund list", "GET", "/finance/", page(REFUND_READERS)),
    Route("refund export", "GET", "/finance/export.xlsx", page(REFUND_READERS)),
    Route("refund page (none)", "GET", "/finance/{case}/", page(REFUND_READERS, 404)),
    Route("refund slip (none)", "GET", "/finance/{case}/slip.pdf", page(REFUND_READERS, 404)),
    Route("refund approve (none)", "POST", "/finance/{case}/approve/",
          page(REFUND_READERS, 404), body={}),
    Route("refund refuse (none)", "POST", "/finance/{case}/refuse/",
          page(REFUND_READERS, 404), body={"reason": "x"}),
    Route("refund pay (none)", "POST", "/finance/{case}/pay/1/", page(REFUND_READERS, 404),
          body={"key": "k"}),
    # the refusal is said on the case page it goes back to
    Route("refund submit", "POST", "/finance/cases/{case}/refund/",
          page(EVERYONE_SIGNED_IN, 302, hidden=CASE_HIDDEN), body={}),
    # the customer's confirmation needs the case's portal token; the providers' callbacks a
    # signature (nobody signs in for either)
    Route("refund confirm (no token)", "POST", "/finance/cases/{case}/RF-2026-000001/confirm/",
          {p: 404 for p in PRINCIPALS}, body={}),
    Route("wechat pay callback (unsigned)", "POST", "/finance/callbacks/wechat_pay/",
          {p: 403 for p in PRINCIPALS}, body={}),
    Route("alipay callback (unsigned)", "POST", "/finance/callbacks/alipay/",
          {p: 403 for p in PRINCIPALS}, body={}),
    # Django's admin: only is_staff accounts (the superuser here); the others go to its login
    Route("admin", "GET", "/admin/", page({"superuser"}, denied=302)),
    # --- logistics (/returns): the case in rework has no RMA, receipt or form yet; "{case}" as
    # an RMA, receipt or form number finds nothing, "{file}" as a line or discrepancy id neither.
    Route("api rmas", "GET", "/api/v1/returns/rmas", api(EVERYONE_SIGNED_IN)),
    Route("api rma issue", "JSON", "/api/v1/returns/rmas",
          api(RMA_ISSUERS, 201, hidden=CASE_HIDDEN), body={"case": "{case}"}),
    Route("api rma find", "GET", "/api/v1/returns/find?q={case}", api(set(), denied=404)),
    Route("api rma", "GET", "/api/v1/returns/rmas/{case}", api(set(), denied=404)),
    Route("api rma parcel", "JSON", "/api/v1/returns/rmas/{case}/shipment",
          api(set(), denied=404), body={"courier": "SF", "tracking_number": "SF1"}),
    Route("api receipt record", "JSON", "/api/v1/returns/rmas/{case}/receipts",
          api(set(), denied=404), body={"lines": [{"rma_line": 1, "quantity": 1}]}),
    Route("api receipt", "GET", "/api/v1/returns/receipts/{case}", api(set(), denied=404)),
    Route("api discrepancy settle", "JSON", "/api/v1/returns/receipts/{case}/discrepancy",
          api(set(), denied=404), body={"outcome": "accept", "note": "x"}),
    Route("api disposition", "JSON", "/api/v1/returns/receipts/{case}/dispositions",
          api(set(), denied=404),
          body={"receipt_line": 1, "disposition": "scrap", "quantity": 1}),
    Route("api discrepancies", "GET", "/api/v1/returns/discrepancies",
          api(EVERYONE_SIGNED_IN)),
    Route("api return form", "JSON", "/api/v1/returns/forms",
          api(RETURN_FORM_MAKERS, 201, hidden=CASE_HIDDEN),
          body={"case": "{case}", "reason": "漏水"}),
    Route("api return form get", "GET", "/api/v1/returns/forms/{case}", api(set(), denied=404)),
    Route("api return form sign", "JSON", "/api/v1/returns/forms/{case}/signatures",
          api(set(), denied=404), body={"role": "quality_follower"}),
    Route("api ledger", "GET", "/api/v1/returns/ledger", api(EVERYONE_SIGNED_IN)),
    Route("api replacement", "JSON", "/api/v1/returns/shipments",
          api(SHIPPERS, 201, hidden=CASE_HIDDEN),
          body={"case": "{case}", "courier": "SF", "tracking_number": "SF2"}),
    Route("rma list", "GET", "/returns/", page(EVERYONE_SIGNED_IN)),
    Route("rma list export", "GET", "/returns/export.xlsx", page(EVERYONE_SIGNED_IN)),
    Route("receipt list", "GET", "/returns/receipts/", page(EVERYONE_SIGNED_IN)),
    Route("receipt list export", "GET", "/returns/receipts/export.xlsx",
          page(EVERYONE_SIGNED_IN)),
    Route("receive page", "GET", "/returns/receive/?q={case}", page(EVERYONE_SIGNED_IN)),
    Route("ledger page", "GET", "/returns/ledger/", page(EVERYONE_SIGNED_IN)),
    Route("rma page", "GET", "/returns/rma/{case}/", page(set(), denied=404)),
    Route("rma label", "GET", "/returns/rma/{case}/label/", page(set(), denied=404)),
    Route("rma parcel page", "POST", "/returns/rma/{case}/ship/", page(set(), denied=404),
          body={}),
    Route("receipt page", "GET", "/returns/receipts/{case}/", page(set(), denied=404)),
    Route("dispose", "POST", "/returns/receipt-lines/{file}/dispose/", page(set(), denied=404),
          body={}),
    Route("settle", "POST", "/returns/discrepancies/{file}/settle/", page(set(), denied=404),
          body={}),
    Route("rma issue page", "POST", "/returns/cases/{case}/rma/",
          page(EVERYONE_SIGNED_IN, 302, hidden=CASE_HIDDEN), body={}),
    Route("return form page", "GET", "/returns/cases/{case}/form/",
          page(EVERYONE_SIGNED_IN, hidden=CASE_HIDDEN)),
    Route("replacement page", "GET", "/returns/cases/{case}/replacement/",
          page(EVERYONE_SIGNED_IN, hidden=CASE_HIDDEN)),
    Route("return form pdf", "GET", "/returns/forms/{case}/pdf/", page(set(), denied=404)),
    Route("return form sign", "POST", "/returns/forms/{case}/sign/", page(set(), denied=404),
          body={}),
    Route("portal label (no token)", "GET", "/returns/portal/{case}/label/",
          {p: 404 for p in PRINCIPALS}),
    Route("portal parcel (no token)", "POST", "/returns/portal/{case}/ship/",
          {p: 404 for p in PRINCIPALS}, body={}),
    # --- charges (quotes, the exchange difference, charges, compensation). The case in rework
    # is no exchange and late by no policy; "{case}" as a quote/charge number finds nothing.
    Route("api charges case", "GET", "/api/v1/charges/cases/{case}",
          api(EVERYONE_SIGNED_IN, hidden=CHARGES_HIDDEN)),
    Route("api quote issue (nothing quoted)", "JSON", "/api/v1/charges/cases/{case}/quotes",
          api(QUOTE_MAKERS, 422, hidden=CHARGES_HIDDEN), body={}),
    Route("api difference (not an exchange)", "JSON", "/api/v1/charges/cases/{case}/difference",
          api(CASHIERS, 409, hidden=CHARGES_HIDDEN), body={}),
    Route("api charge raise", "JSON", "/api/v1/charges/cases/{case}/charges",
          api(CHARGE_MAKERS, 201, hidden=CHARGES_HIDDEN),
          body={"party": "customer", "reason": "other", "amount": "10.00"}),
    Route("api compensation (not late)", "JSON", "/api/v1/charges/cases/{case}/compensations",
          api(COMPENSATION_MAKERS, 409, hidden=CHARGES_HIDDEN), body={}),
    Route("api quote", "GET", "/api/v1/charges/quotes/{case}", api(set(), denied=404)),
    Route("api quote accept", "JSON", "/api/v1/charges/quotes/{case}/accept",
          api(set(), denied=404), body={}),
    Route("api quote refuse", "JSON", "/api/v1/charges/quotes/{case}/refuse",
          api(set(), denied=404), body={}),
    Route("api quote withdraw", "JSON", "/api/v1/charges/quotes/{case}/withdraw",
          api(set(), denied=404), body={"reason": "x"}),
    Route("api charge collect", "JSON", "/api/v1/charges/items/{case}/collect",
          api(set(), denied=404), body={"method": "cash"}),
    Route("api charge waive", "JSON", "/api/v1/charges/items/{case}/waive",
          api(set(), denied=404), body={"reason": "x"}),
    Route("api compensation decide", "JSON", "/api/v1/charges/compensations/{case}/decide",
          api(set(), denied=404), body={"approve": True}),
    Route("api compensation pay", "JSON", "/api/v1/charges/compensations/{case}/pay",
          api(set(), denied=404), body={"method": "cash"}),
    Route("api collections", "GET", "/api/v1/charges/collections", api(EVERYONE_SIGNED_IN)),
    Route("collection list", "GET", "/charges/", page(COMPANY)),
    Route("collection export", "GET", "/charges/export.xlsx", page(COMPANY)),
    Route("charges case action", "POST", "/charges/cases/{case}/quote/",
          page(EVERYONE_SIGNED_IN, 302, hidden=CASE_HIDDEN), body={}),
    Route("quote page", "GET", "/charges/quotes/{case}/", page(set(), denied=404)),
    Route("quote pdf", "GET", "/charges/quotes/{case}/pdf/", page(set(), denied=404)),
    Route("quote answer", "POST", "/charges/quotes/{case}/accept/", page(set(), denied=404),
          body={}),
    Route("receipt pdf", "GET", "/charges/receipts/{case}/pdf/", page(set(), denied=404)),
    Route("charge action", "POST", "/charges/items/{case}/collect/", page(set(), denied=404),
          body={}),
    Route("compensation action", "POST", "/charges/compensations/{case}/approve/",
          page(set(), denied=404), body={}),
    Route("portal quote answer (no token)", "POST", "/charges/portal/{case}/quotes/QT/accept/",
          {p: 404 for p in PRINCIPALS}, body={}),
]


@dataclass
class World:
    case: Case
    file_pk: int
    clients: dict[str, Client]


def _user(principal: str, *, dealer, factory):
    if principal == "superuser":
        return UserFactory(username="m-superuser", is_superuser=True, is_staff=True)
    extra = {"dealer": dealer} if principal == "dealer" else (
        {"factory": factory} if principal == "factory" else {})
    return UserFactory(username=f"m-{principal}", roles=[principal], **extra)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Users, their signed-in clients and the case, once for the module (rolled back after)."""
    at = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with (django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp,
          override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                            MEDIA_ROOT=tmp_path_factory.mktemp("media")),
          transaction.atomic()):
        mp.setattr(timezone, "now", lambda: at)
        factory = OutsourcedFactory.objects.create(code="F-1", name="东莞外协一厂")
        dealer = Dealer.objects.create(code="D-9", name="别家经销商", region="north")
        users = {p: _user(p, dealer=dealer, factory=factory) for p in [*ROLES, "superuser"]}
        order = f.order(business_line="outsourced")
        case = s.case_open(kind="return", channel="phone", actor=users["admin"], order=order,
                           verify_phone=order.customer.phone, reason="quality",
                           lines=[{"line_no": 1, "quantity": 1}], contact_phone="13812345678")
        state = case_workflow(case).state("rework")
        Case.objects.filter(pk=case.pk).update(state="rework", state_category=state.category,
                                               factory=factory)
        case.refresh_from_db()
        att = s.attachment_add(case=case, actor=users["production"], upload=SimpleUploadedFile(
            "a.png", PNG, content_type="image/png"))
        clients = {}
        for p in PRINCIPALS:
            clients[p] = Client()
            if p in users:
                clients[p].force_login(users[p])
        clients["portal"].post("/portal/", {"order_number": order.number,
                                            "phone": order.customer.phone})
        yield World(case=Case.objects.get(pk=case.pk), file_pk=att.pk, clients=clients)
        transaction.set_rollback(True)


def _request(world: World, route: Route, principal: str):
    client = world.clients[principal]
    path = route.path.format(case=world.case.number, file=world.file_pk)
    body = {k: (v.format(case=world.case.number) if isinstance(v, str) else v)
            for k, v in (route.body or {}).items()}
    if "file" in body:
        body["file"] = SimpleUploadedFile("b.png", body["file"], content_type="image/png")
    if route.method == "GET":
        return client.get(path)
    if route.method == "JSON":
        return client.post(path, body, content_type="application/json")
    if route.method == "FILE":
        return client.post(path, {"file": SimpleUploadedFile("b.png", PNG,
                                                             content_type="image/png")})
    if route.method == "HTMX":
        return client.post(path, body, HTTP_HX_REQUEST="true")
    return client.post(path, body)


# The table is checked in two files (this one: the API; test_access_matrix_pages.py: the pages)
# so that a parallel run (one file per worker) shares the ~4 300 requests between workers.
API_ROWS = [r for r in TABLE if r.path.startswith("/api/")]
PAGE_ROWS = [r for r in TABLE if not r.path.startswith("/api/")]


def check_route(world, route, monkeypatch) -> None:
    """Every principal tries the route, each in its own savepoint rolled back after (a write
    that succeeds leaves the next principal the same case); every wrong answer is listed.
    One test per route, not per route × principal: the ~4 300 requests cost a third less
    without a test's setup and teardown around each."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 23, 10, 5,
                                                          tzinfo=ZoneInfo("Asia/Shanghai")))
    wrong = []
    for principal in PRINCIPALS:
        savepoint = transaction.savepoint_create()
        try:
            response = _request(world, route, principal)
        finally:
            transaction.savepoint_rollback(savepoint)
        if response.status_code != route.expect[principal]:
            wrong.append(f"{principal}: {response.status_code}, expected "
                         f"{route.expect[principal]}: {response.content[:200]!r}")
    assert not wrong, f"{route.name} ({route.method} {route.path}):\n" + "\n".join(wrong)


@pytest.mark.parametrize("route", API_ROWS, ids=[r.name for r in API_ROWS])
def test_access_matrix(world, db, route, monkeypatch):
    check_route(world, route, monkeypatch)


def test_the_table_covers_every_api_route_and_every_staff_page():
    """A new route or page must be added to the table (with its expected answers)."""
    from django.urls import get_resolver

    from aftersales.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    api_paths = {(method.upper(), path) for path, ops in schema["paths"].items()
                 for method in ops}
    covered = set()
    for r in TABLE:
        if r.path.startswith("/api/"):
            template = (r.path.split("?")[0].replace("{case}", "{number}")
                        .replace("/2026", "/{year}").replace("/online-shop", "/{name}")
                        .replace("/versions/1", "/versions/{number}")
                        .replace("/reports/case_volume", "/reports/{name}")
                        .replace("/actions/0/", "/actions/{pk}/"))
            covered.add(("GET" if r.method == "GET" else "POST", template))
    missing_api = {p for p in api_paths if p not in covered and p[1] != "/api/v1/openapi.json"}
    assert not missing_api, f"API routes without a row: {sorted(missing_api)}"

    pages = set()
    for pattern in get_resolver().url_patterns:
        prefix = str(pattern.pattern)
        if prefix in ("admin/", "i18n/", "api/v1/", "portal/"):
            continue
        for sub in getattr(pattern, "url_patterns", [pattern]):
            pages.add(getattr(sub, "name", None) or str(sub.pattern))
    covered_pages = {"home", "list", "queue", "overdue", "search", "create", "fines",
                     "assign_bulk", "detail", "file", "act", "contact", "new", "year", "edit",
                     "evaluate", "password_change", "index", "report", "export",
                     "order", "exports", "export_download", "subscriptions", "subscribe",
                     "unsubscribe", "pack",
                     # the settings pages (administration)
                     "user_list", "user_create", "user_edit", "user_deactivate",
                     "user_password", "department_list", "department_create",
                     "department_edit", "roles", "business_lines", "apikey_list",
                     "apikey_revoke", "channels", "audit", "policy_numbers",
                     # reference data (administration, /settings/data/)
                     "data_index", "customer_contact", "order_list", "order_export",
                     "order_detail", "import_list", "import_detail",
                     *[f"{name}_{page}" for name in ("customer", "dealer", "supplier",
                                                     "factory", "product", "partprice")
                       for page in ("list", "export", "detail", "create", "edit")],
                     *[f"{name}_deactivate" for name in ("dealer", "supplier", "factory",
                                                         "product")],
                     # finance
                     "refund_list", "refund_export", "refund_detail", "refund_slip",
                     "refund_approve", "refund_refuse", "refund_pay", "refund_create",
                     "portal_confirm", "callback_wechat_pay", "callback_alipay",
                     # charges
                     "collection_list", "collection_export", "case_action", "quote_detail",
                     "quote_pdf", "quote_action", "receipt_pdf", "charge_action",
                     "compensation_action", "portal_quote_answer",
                     # quality
                     "inspection_list", "inspection_detail", "inspection_pdf",
                     "inspection_create", "report_create", "claim_create", "report_list",
                     "report_detail", "report_review", "report_revise", "action_create",
                     "report_pdf", "supplier_claim_list", "claim_detail", "claim_move",
                     "claim_pdf", "action_list", "action_step", "inspection_list_export",
                     "report_list_export", "supplier_claim_list_export", "action_list_export",
                     # logistics
                     "rma_list", "receipt_list", "receive", "ledger", "rma_detail",
                     "rma_label", "rma_ship", "receipt_detail", "dispose",
                     "discrepancy_settle", "rma_create", "form_create", "shipment_create",
                     "form_pdf", "form_sign", "portal_label", "portal_ship",
                     "rma_list_export", "receipt_list_export"}
    not_tried = pages - covered_pages - {"login", "logout", "password_change_done"}
    assert not not_tried, f"pages without a row: {sorted(not_tried)}"
