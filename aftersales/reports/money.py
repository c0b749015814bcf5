"""Money as it lands (issue 12 item 1; S7, S9.6, X5): refunds paid per method and period, and
the cost of quality of the cases closed in a period per case kind or cause. Read from the
finance and charges records of the period only (a date range bounds every query)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils.translation import gettext as _

from aftersales.cases.models import INTAKE_REASONS, CaseKind
from aftersales.cases.selectors import cases_visible_to
from aftersales.charges.selectors import case_costs
from aftersales.core.choices import PaymentMethod
from aftersales.finance.models import PaymentStatus, RefundPayment
from aftersales.policy.forms import REASON_CHOICES
from aftersales.reports.filters import ReportFilters
from aftersales.reports.queries import PERIOD, _bounds, _period_label
from aftersales.reports.results import Chart, Column, ReportResult, Table
from aftersales.reports.selectors import periods_between

ZERO = Decimal("0.00")
REASONS = {**dict(REASON_CHOICES), **dict(INTAKE_REASONS)}
TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
COST_PARTS = (("parts", {"zh": "配件", "en": "Parts"}), ("labour", {"zh": "工时", "en": "Labour"}),
              ("freight_back", {"zh": "退回运费", "en": "Freight back"}),
              ("freight_out", {"zh": "发出运费", "en": "Freight out"}),
              ("compensation", {"zh": "赔偿", "en": "Compensation"}),
              ("fines", {"zh": "罚款", "en": "Fines"}))


def _method_label(code: str) -> str:
    return str(PaymentMethod(code).label) if code in PaymentMethod.values else code


def refunds_paid(f: ReportFilters, user) -> ReportResult:
    """Refund payments that succeeded in the period, per method (money and points in kind)."""
    start, end = _bounds(f)
    qs = RefundPayment.objects.filter(status=PaymentStatus.SUCCEEDED, completed_at__gte=start,
                                      completed_at__lt=end,
                                      refund__case__in=cases_visible_to(user))
    if f.business_line:
        qs = qs.filter(refund__case__business_line=f.business_line)
    rows_q = (qs.annotate(period=TRUNC.get(f.period, TruncMonth)("completed_at"))
              .values("period", "method")
              .annotate(amount=Sum("amount"), payments=Count("pk"),
                        refunds=Count("refund_id", distinct=True))
              .order_by("period", "method"))
    totals: dict = defaultdict(lambda: ZERO)
    rows = []
    for r in rows_q:
        day = r["period"].date() if hasattr(r["period"], "date") else r["period"]
        rows.append({"period": day, "method": _method_label(r["method"]),
                     "payments": r["payments"], "refunds": r["refunds"],
                     "amount": r["amount"] or ZERO})
        totals[(day, r["method"])] += r["amount"] or ZERO
    periods = periods_between(f)
    methods = sorted({m for _p, m in totals})
    series = [{"name": _method_label(m), "type": "bar", "stack": "money",
               "data": [float(totals.get((p, m), ZERO)) for p in periods]} for m in methods]
    columns = [PERIOD, Column("method", {"zh": "退款方式", "en": "Method"}),
               Column("refunds", {"zh": "退款单数", "en": "Refunds"}, "int"),
               Column("payments", {"zh": "支付笔数", "en": "Payments"}, "int"),
               Column("amount", {"zh": "金额", "en": "Amount"}, "money")]
    return ReportResult(Table({"zh": "已退款", "en": "Refunds paid"}, columns, rows),
                        Chart("bar", [_period_label(p, f.period) for p in periods], series))


def cost_of_quality(f: ReportFilters, user) -> ReportResult:
    """The cost of the cases closed in the period — parts, labour, freight both ways,
    compensation, fines — per case kind, defect category or reason, and what others
    (customer, factory, supplier, carrier) were charged back."""
    start, end = _bounds(f)
    cases = cases_visible_to(user).filter(closed_at__gte=start, closed_at__lt=end)
    for name in ("business_line", "kind"):
        if getattr(f, name):
            cases = cases.filter(**{name: getattr(f, name)})
    key = {"kind": "kind", "defect": "defect_category", "reason": "reason"}[f.group_by]
    groups = dict(cases.values_list("pk", key))
    costs = case_costs(groups)
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    counts: dict[str, int] = defaultdict(int)
    for pk, group in groups.items():
        cost = costs[pk].as_dict()
        label = _group_label(f.group_by, group)
        counts[label] += 1
        for name in (*dict(COST_PARTS), "total", "charged", "net"):
            sums[label][name] += cost[name]
    rows = [{"group": label, "cases": counts[label], **sums[label]}
            for label in sorted(sums, key=lambda g: -sums[g]["total"])]
    columns = [Column("group", {"zh": "分组", "en": "Group"}),
               Column("cases", {"zh": "结案数", "en": "Cases closed"}, "int"),
               *(Column(name, title, "money") for name, title in COST_PARTS),
               Column("total", {"zh": "质量成本", "en": "Cost of quality"}, "money"),
               Column("charged", {"zh": "向他方收取", "en": "Charged to others"}, "money"),
               Column("net", {"zh": "净成本", "en": "Net cost"}, "money")]
    series = [{"name": str(_("Cost of quality")), "type": "bar",
               "data": [float(r["total"]) for r in rows]},
              {"name": str(_("Net cost")), "type": "bar",
               "data": [float(r["net"]) for r in rows]}]
    return ReportResult(Table({"zh": "质量成本", "en": "Cost of quality"}, columns, rows),
                        Chart("bar", [r["group"] for r in rows], series))


def _group_label(group_by: str, value) -> str:
    if group_by == "kind":
        return str(CaseKind(value).label) if value in CaseKind.values else str(value)
    if group_by == "reason":
        return str(REASONS.get(value, value)) if value else str(_("Unknown"))
    return str(value) if value else str(_("Unknown"))
