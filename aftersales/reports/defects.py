"""The defect facts behind the Pareto (S8.3, S11.10; issue 12 item 1): each case line as what
came back, how many, why, and who made it — product, model, lot (through the unit's serial
number), supplier and outsourced factory. Written by the summary refresh for the cases it
reads, so the report groups a narrow table instead of joining cases, lines and orders."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import OuterRef, Subquery

from aftersales.cases.models import CaseLine
from aftersales.reports.facts import local_day
from aftersales.reports.models import DefectFact
from aftersales.sales.models import SerialNumber

CHUNK = 2000


def _lines():
    unit = SerialNumber.objects.filter(serial=OuterRef("serial"))
    return (CaseLine.objects.order_by()
            .annotate(lot_id=Subquery(unit.values("lot_id")[:1]),
                      lot_factory_id=Subquery(unit.values("lot__factory_id")[:1]))
            .values("case_id", "quantity", "lot_id", "lot_factory_id", "case__created_at",
                    "case__business_line", "case__kind", "case__reason",
                    "case__defect_category", "case__factory_id", "order_line__product_id",
                    "order_line__product__model", "order_line__product__supplier_id",
                    "order_line__product__factory_id"))


def _fact(row: dict) -> DefectFact:
    return DefectFact(
        case_id=row["case_id"], day=local_day(row["case__created_at"]),
        business_line=row["case__business_line"], kind=row["case__kind"],
        product_id=row["order_line__product_id"],
        model=row["order_line__product__model"] or "", lot_id=row["lot_id"],
        supplier_id=row["order_line__product__supplier_id"],
        # the factory that made the unit: its lot's, else the case's, else the product's
        factory_id=(row["lot_factory_id"] or row["case__factory_id"]
                    or row["order_line__product__factory_id"]),
        reason=row["case__reason"] or "", defect=row["case__defect_category"] or "",
        quantity=row["quantity"])


def defect_facts(case_ids: Iterable[int] | None = None) -> Iterator[DefectFact]:
    """The facts of these cases' lines (all cases when None)."""
    qs = _lines() if case_ids is None else _lines().filter(case_id__in=list(case_ids))
    for row in qs.iterator(chunk_size=CHUNK):
        yield _fact(row)


def defects_rewrite(case_ids: list[int]) -> None:
    """Replace the defect facts of these cases with their current lines."""
    DefectFact.objects.filter(case_id__in=case_ids).delete()
    DefectFact.objects.bulk_create(defect_facts(case_ids), batch_size=CHUNK)


def defects_rebuild() -> None:
    DefectFact.objects.all().delete()
    DefectFact.objects.bulk_create(defect_facts(), batch_size=CHUNK)
