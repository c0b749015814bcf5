"""The report pages (issue 12 items 1, 6): the index of the reports this user may see, each
report with its filters, an ECharts chart, its tables and a print stylesheet, and its Excel
export with the same filters."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.models import Department
from aftersales.cases.models import CaseChannel, CaseKind, FineStatus
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import NotFound, PermissionDenied, ValidationError
from aftersales.core.labels import pick_label
from aftersales.core.routers import replica_reads
from aftersales.documents.printing import pdf_response
from aftersales.policy.models import Policy
from aftersales.reports.display import display_table
from aftersales.reports.export import Sheet, xlsx_response
from aftersales.reports.filters import PERIODS
from aftersales.reports.models import Frequency, ReportSubscription
from aftersales.reports.pack import pack_pdf
from aftersales.reports.registry import REPORTS, Report, report_get_for_user, reports_for_user
from aftersales.reports.subscriptions import subscription_create, subscription_delete


@login_required
def index(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "reports/index.html",
                            {"reports": reports_for_user(request.user)})


def _report(request: HttpRequest, name: str) -> Report:
    try:
        return report_get_for_user(user=request.user, name=name)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from exc


def _choices(report: Report) -> dict:
    """The values each accepted filter offers on the form."""
    out: dict = {"periods": PERIODS}
    if "business_line" in report.filters:
        out["business_lines"] = BusinessLine.choices
    if "kind" in report.filters:
        out["kinds"] = CaseKind.choices
    if "channel" in report.filters:
        out["channels"] = CaseChannel.choices
    if "status" in report.filters:
        out["statuses"] = FineStatus.choices
    if "department" in report.filters:
        out["departments"] = [(d.code, str(d)) for d in Department.objects.filter(active=True)]
    if "policy" in report.filters:
        out["policies"] = list(Policy.objects.order_by("name").values_list("name", flat=True))
    return out


@login_required
def report_page(request: HttpRequest, name: str) -> TemplateResponse:
    report = _report(request, name)
    context = {"report": report, "params": request.GET, "frequencies": Frequency.choices,
               **_choices(report)}
    try:
        with replica_reads():
            f, result = report.run(user=request.user, params=request.GET)
    except ValidationError as exc:
        context.update(error=exc.message, field_errors=exc.fields)
        return TemplateResponse(request, "reports/report.html", context, status=422)
    context.update(filters=f, query=f.as_params(), chart=result.chart.as_dict(),
                   tables=[display_table(t) for t in result.all_tables])
    return TemplateResponse(request, "reports/report.html", context)


@login_required
def report_export(request: HttpRequest, name: str) -> HttpResponse:
    report = _report(request, name)
    try:
        with replica_reads():
            f, result = report.run(user=request.user, params=request.GET)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(
            filename=f"{report.label}-{f.date_from:%Y%m%d}-{f.date_to:%Y%m%d}-{stamp}.xlsx",
            sheets=[Sheet(title=pick_label(t.title),
                          columns=t.columns, rows=t.rows) for t in result.all_tables])
    except ValidationError as exc:
        context = {"report": report, "params": request.GET, "error": exc.message,
                   "field_errors": exc.fields, **_choices(report)}
        return TemplateResponse(request, "reports/report.html", context, status=422)


# ------------------------------------------------------------------ subscriptions (item 4)
@login_required
def subscriptions(request: HttpRequest) -> TemplateResponse:
    subs = [{"sub": sub, "label": _label_of(sub.report)}
            for sub in ReportSubscription.objects.filter(user=request.user)]
    return TemplateResponse(request, "reports/subscriptions.html", {"subscriptions": subs})


def _label_of(name: str) -> str:
    report = next((r for r in REPORTS if r.name == name), None)
    return report.label if report else name


@login_required
@require_POST
def subscribe(request: HttpRequest, name: str) -> HttpResponse:
    report = _report(request, name)
    try:
        subscription_create(user=request.user, report=name, params=request.POST.dict(),
                            frequency=request.POST.get("frequency", ""),
                            at=request.POST.get("at", ""))
    except ValidationError as exc:
        messages.error(request, " ".join([str(exc.message), *map(str, exc.fields.values())]))
        return redirect(reverse("reports:report", args=[report.name]))
    messages.success(request, _("Subscribed: the report will be e-mailed to %(email)s.")
                     % {"email": request.user.email})
    return redirect("reports:subscriptions")


@login_required
@require_POST
def subscription_remove(request: HttpRequest, pk: int) -> HttpResponse:
    subscription_delete(user=request.user, pk=pk)
    return redirect("reports:subscriptions")


# ------------------------------------------------------------------ the monthly pack (item 6)
@login_required
def management_pack(request: HttpRequest) -> HttpResponse:
    """The month's management pack as one PDF (default: last month)."""
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    month = request.GET.get("month") or f"{last_month:%Y-%m}"
    try:
        pdf = pack_pdf(user=request.user, month=month, company=settings.COMPANY_NAME)
    except ValidationError:
        return HttpResponse(_("Give the month as YYYY-MM."), status=422)
    return pdf_response(pdf, filename=f"management-pack-{month}.pdf")
