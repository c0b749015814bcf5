"""The defect Pareto (S8.3 causes per model and batch, S11.10 per supplier; issue 12 item 1):
what came back, ranked by quantity, with the cumulative share — the few causes that make most
of the returns — and the defect rate against what was delivered (per product) or made (per
lot) where that is known. Reads models.DefectFact, kept by the summary refresh."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.cases.models import INTAKE_REASONS
from aftersales.cases.selectors import cases_visible_to
from aftersales.catalog.models import Product
from aftersales.parties.models import OutsourcedFactory, Supplier
from aftersales.policy.forms import REASON_CHOICES
from aftersales.reports.filters import ReportFilters
from aftersales.reports.models import DefectFact
from aftersales.reports.results import Chart, Column, ReportResult, Table
from aftersales.reports.selectors import is_scoped
from aftersales.sales.models import Lot, OrderLine

# The grouping → the defect fact's column.
PARETO_GROUPS = {"supplier": "supplier_id", "factory": "factory_id", "product": "product_id",
                 "model": "model", "lot": "lot_id", "defect": "defect", "reason": "reason"}
GROUP_TITLES = {
    "supplier": {"zh": "供应商", "en": "Supplier"},
    "factory": {"zh": "外协厂", "en": "Outsourced factory"},
    "product": {"zh": "产品", "en": "Product"},
    "model": {"zh": "型号", "en": "Model"},
    "lot": {"zh": "批次", "en": "Lot"},
    "defect": {"zh": "不良类别", "en": "Defect category"},
    "reason": {"zh": "原因", "en": "Reason"},
}


def _facts(f: ReportFilters, user):
    qs = DefectFact.objects.filter(day__gte=f.date_from, day__lte=f.date_to)
    if f.business_line:
        qs = qs.filter(business_line=f.business_line)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if is_scoped(user):  # dealer and factory staff: their own cases' lines only
        qs = qs.filter(case_id__in=cases_visible_to(user).values("pk"))
    return qs


def _labels(group_by: str, values: set) -> dict[Any, str]:
    ids = {v for v in values if v not in (None, "")}
    none = {None: _("Unknown"), "": _("Unknown")}
    if group_by == "supplier":
        return {**none, **dict(Supplier.objects.filter(pk__in=ids).values_list("pk", "name"))}
    if group_by == "factory":
        return {**none, **dict(OutsourcedFactory.objects.filter(pk__in=ids)
                               .values_list("pk", "name"))}
    if group_by == "product":
        return {**none, **{p.pk: f"{p.name} ({p.sku})"
                           for p in Product.objects.filter(pk__in=ids).only("name", "sku")}}
    if group_by == "lot":
        return {**none, **dict(Lot.objects.filter(pk__in=ids).values_list("pk", "lot_no"))}
    if group_by == "reason":
        names = {**dict(REASON_CHOICES), **dict(INTAKE_REASONS)}
        return {**none, **{v: str(names.get(v, v)) for v in ids}}
    return {**none, **{v: str(v) for v in ids}}


def _base_quantities(group_by: str, values: set, f: ReportFilters) -> dict[Any, int]:
    """What the rate is measured against: the quantity made in the lot, or the quantity of
    the product delivered (signed for) in the period."""
    ids = {v for v in values if v is not None}
    if group_by == "lot":
        return dict(Lot.objects.filter(pk__in=ids, quantity__gt=0)
                    .values_list("pk", "quantity"))
    if group_by == "product":
        start = dt.datetime.combine(f.date_from, dt.time.min)
        end = dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min)
        delivered = (OrderLine.objects.filter(
            product_id__in=ids, order__shipments__signed_at__gte=_aware(start),
            order__shipments__signed_at__lt=_aware(end))
            .values("product_id").annotate(n=Sum("quantity")).order_by())
        return {row["product_id"]: row["n"] for row in delivered if row["n"]}
    return {}


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value)


def defect_pareto(f: ReportFilters, user) -> ReportResult:
    column = PARETO_GROUPS[f.group_by]
    grouped = list(_facts(f, user).values(column)
                   .annotate(quantity=Sum("quantity"), cases=Count("case_id", distinct=True))
                   .order_by())
    total = sum(row["quantity"] for row in grouped) or 0
    values = {row[column] for row in grouped}
    labels = _labels(f.group_by, values)
    # most first; on a tie the known before the unknown, then by name
    grouped.sort(key=lambda row: (-row["quantity"], row[column] in (None, ""),
                                  labels.get(row[column], str(row[column]))))
    bases = _base_quantities(f.group_by, values, f)
    rows, running = [], 0
    for row in grouped:
        value = row[column]
        running += row["quantity"]
        base = bases.get(value)
        rows.append({
            "group": labels.get(value, str(value)), "group_value": value,
            "cases": row["cases"], "quantity": row["quantity"],
            "share": round(row["quantity"] / total, 4) if total else None,
            "cumulative": round(running / total, 4) if total else None,
            "base": base, "rate": round(row["quantity"] / base, 4) if base else None})
    columns = [Column("group", GROUP_TITLES[f.group_by]),
               Column("cases", {"zh": "售后单数", "en": "Cases"}, "int"),
               Column("quantity", {"zh": "数量", "en": "Quantity"}, "int"),
               Column("share", {"zh": "占比", "en": "Share"}, "percent"),
               Column("cumulative", {"zh": "累计占比", "en": "Cumulative"}, "percent")]
    if f.group_by in ("product", "lot"):
        columns += [Column("base", {"zh": "交付数量" if f.group_by == "product" else "批量",
                                    "en": "Delivered" if f.group_by == "product"
                                    else "Lot size"}, "int"),
                    Column("rate", {"zh": "不良率", "en": "Defect rate"}, "percent")]
    x = [r["group"] for r in rows]
    series = [{"name": str(_("Quantity")), "type": "bar",
               "data": [r["quantity"] for r in rows]},
              {"name": str(_("Cumulative share")), "type": "line", "yAxisIndex": 1,
               "data": [r["cumulative"] for r in rows]}]
    return ReportResult(Table({"zh": "不良柏拉图", "en": "Defect Pareto"}, columns, rows),
                        Chart("bar", x, series))
