"""The printed forms of the logistics app (S5.3 return label and instructions, S2.4 退货处理单),
laid out like the paper forms (aftersales.documents.printing)."""

from __future__ import annotations

from django.utils import timezone

from aftersales.documents.printing import qr_data_uri, render_pdf
from aftersales.logistics.models import ReturnAuthorization, ReturnForm, SignatureRole
from aftersales.logistics.returns_policy import returns_settings

SIGNATURE_LABELS = {
    "filled": "填单（业务部售后专员）",
    SignatureRole.QUALITY_FOLLOWER: "品质部售后跟单",
    SignatureRole.FACTORY: "外协厂责任单位负责人",
}


def _company(case) -> dict:
    return returns_settings(case)["_company"]


def rma_label_context(rma: ReturnAuthorization) -> dict:
    case = rma.case
    return {
        "company": _company(case), "form_title": "退货标签及退货说明", "number": rma.number,
        "qr": qr_data_uri(rma.number), "rma": rma, "case": case,
        "lines": list(rma.lines.select_related("case_line__order_line__product")),
        "signatures": [], "printed_at": timezone.now(),
    }


def rma_label_pdf(rma: ReturnAuthorization) -> bytes:
    return render_pdf("logistics/print/rma_label.html", rma_label_context(rma))


def return_form_context(form: ReturnForm) -> dict:
    signed = {s.role: s for s in form.signatures.all()}
    signatures = [{"label": SIGNATURE_LABELS["filled"],
                   "name": str(form.created_by) if form.created_by_id else "",
                   "at": form.created_at}]
    for role in (SignatureRole.QUALITY_FOLLOWER, SignatureRole.FACTORY):
        s = signed.get(role)
        signatures.append({"label": SIGNATURE_LABELS[role], "name": s.name if s else "",
                           "at": s.signed_at if s else None})
    return {
        "company": _company(form.case), "form_title": "退货处理单", "number": form.number,
        "qr": qr_data_uri(form.number), "form": form, "case": form.case,
        "lines": list(form.lines.all()), "signatures": signatures,
        "printed_at": timezone.now(),
    }


def return_form_pdf(form: ReturnForm) -> bytes:
    return render_pdf("logistics/print/return_form.html", return_form_context(form))
