"""The quality forms as PDFs, laid out like the paper forms (X3): the inspection record, the
品质异常处理报告 (S3.2) and the 物料异常联络函 (S3.5). Printed in Chinese."""

from __future__ import annotations

from django.utils import timezone

from aftersales.cases.selectors import case_document
from aftersales.core.labels import pick_label
from aftersales.documents.printing import qr_data_uri, render_pdf
from aftersales.quality.models import Inspection, QualityReport, SupplierClaim
from aftersales.quality.section import defect_codes_of
from aftersales.quality.services.common import company_of


def _defect(document: dict, code: str) -> str:
    found = defect_codes_of(document).get(code) if code else None
    return f"{found.label['zh']}（{code}）" if found else code


def _base(number: str, title: str, case, document: dict) -> dict:
    return {"company": company_of(case, document), "form_title": title, "number": number,
            "qr": qr_data_uri(number), "printed_at": timezone.localtime(),
            "case": case, "policy_title": pick_label(document.get("title") or {}, "")}


def _lines(case) -> list:
    return list(case.lines.select_related("order_line__product"))


def inspection_pdf(inspection: Inspection) -> bytes:
    case = inspection.case
    document = case_document(case)
    title = "出货检验记录" if inspection.kind == "outgoing" else "检验记录"  # S3.1 出货检验
    ctx = _base(inspection.number, title, case, document)
    ctx.update({
        "i": inspection, "defect": _defect(document, inspection.defect_code),
        "lines": [(ln, _defect(document, ln.defect_code))
                  for ln in inspection.lines.select_related("case_line__order_line__product")],
        "signatures": [{"label": "检验员", "name": str(inspection.inspected_by),
                        "at": inspection.inspected_at},
                       {"label": "品质主管", "name": "", "at": None}],
    })
    return render_pdf("quality/pdf/inspection.html", ctx)


def report_pdf(report: QualityReport) -> bytes:
    case = report.case
    document = case_document(case)
    ctx = _base(report.number, "品质异常处理报告", case, document)
    ctx.update({
        "r": report, "lines": _lines(case),
        "defect": _defect(document, report.inspection.defect_code) if report.inspection
        else "",
        "actions": list(report.actions.select_related("owner")),
        "signatures": [
            {"label": "制单", "name": str(report.opened_by), "at": report.opened_at},
            {"label": "审核（销售副总）", "name": str(report.reviewed_by or "")
             if report.status == "approved" else "", "at": report.reviewed_at},
            {"label": "批准", "name": "", "at": None}],
    })
    return render_pdf("quality/pdf/report.html", ctx)


def claim_pdf(claim: SupplierClaim) -> bytes:
    case = claim.case
    document = case_document(case) if case else {}
    ctx = _base(claim.number, "物料异常联络函", case, document)
    sent = claim.events.filter(to_status="sent").select_related("actor").first()
    finance = claim.events.filter(to_status="to_finance").select_related("actor").first()
    ctx.update({
        "c": claim, "defect": _defect(document, claim.defect_code),
        "documents": list(claim.documents.all()),
        "signatures": [
            {"label": "发函（采购/品质）", "name": str(claim.created_by), "at": claim.created_at},
            {"label": "发出", "name": str(sent.actor) if sent else "",
             "at": sent.at if sent else None},
            {"label": "供应商确认", "name": claim.supplier.name
             if claim.status in ("acknowledged", "to_finance", "deducted") else "", "at": None},
            {"label": "财务", "name": str(finance.actor) if finance else "",
             "at": finance.at if finance else None}],
    })
    return render_pdf("quality/pdf/claim.html", ctx)
