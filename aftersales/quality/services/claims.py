"""The Material Exception Letter 物料异常联络函 (S3.5): raw material caused the return or
scrap; purchasing (or quality) tells the supplier, then gives finance the loss documents and
the deduction amount. Every status change is kept with its actor and time; sending the letter
sets the case's ``supplier_claim`` fact.

    draft → sent → acknowledged | disputed (→ sent again | acknowledged)
          → passed to finance → deducted (finance, with its reference; not the issuer)
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.cases.models import Case
from aftersales.cases.selectors import case_document
from aftersales.cases.services import case_note_record
from aftersales.cases.services.attachments import (
    attachment_files_uncommitted_remove,
    store_attachment,
)
from aftersales.cases.services.common import lock_case
from aftersales.cases.services.permissions import require_scope
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.documents.numbers import next_number
from aftersales.parties.models import Supplier
from aftersales.quality.errors import QualityErrorCode
from aftersales.quality.models import (
    CLAIM_MOVES,
    ClaimStatus,
    Inspection,
    SupplierClaim,
    SupplierClaimEvent,
)
from aftersales.quality.section import defect_code_check
from aftersales.quality.services.common import (
    CLAIM_FINANCE,
    CLAIM_ISSUERS,
    amount,
    now,
    require_role,
    text,
)
from aftersales.workflow.vocabulary import Requirement


def supplier_claim_create(*, actor, supplier: Supplier | None, material: str, defect: str,
                          quantity: int, loss_amount, deduction_amount, case: Case | None = None,
                          inspection: Inspection | None = None, defect_code: str = "",
                          documents: Iterable = ()) -> SupplierClaim:
    """A draft letter; the loss documents are stored as the case's files (a refused claim
    stores none)."""
    try:
        return _create(actor=actor, supplier=supplier, material=material, defect=defect,
                       quantity=quantity, loss_amount=loss_amount,
                       deduction_amount=deduction_amount, case=case, inspection=inspection,
                       defect_code=defect_code, documents=list(documents))
    finally:
        attachment_files_uncommitted_remove()


@transaction.atomic
def _create(*, actor, supplier, material, defect, quantity, loss_amount, deduction_amount,
            case, inspection, defect_code, documents) -> SupplierClaim:
    require_role(actor, CLAIM_ISSUERS, _("Only purchasing or quality issues the letter."))
    if inspection is not None:
        case = inspection.case
    if case is not None:
        case = lock_case(case)
        require_scope(case, actor)
        defect_code_check(case_document(case), defect_code)
    if supplier is None:
        supplier = inspection.supplier if inspection is not None else None
    if supplier is None:
        raise ValidationError(_("Choose the supplier."), fields={"supplier": _("required")})
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 10**9:
        raise ValidationError(_("Enter the quantity (1 or more)."),
                              fields={"quantity": _("1 or more")})
    loss = amount(loss_amount, name="loss_amount")
    deduction = amount(deduction_amount, name="deduction_amount")
    if documents and case is None:
        raise ValidationError(_("Loss documents are kept with a case; name the case."),
                              fields={"documents": _("no case")})
    at = now()
    claim = SupplierClaim.objects.create(
        number=next_number("supplier_claim", "ME", at=at), case=case, inspection=inspection,
        supplier=supplier, material=text(material, name="material", max_length=200,
                                         required=True),
        defect_code=defect_code, defect=text(defect, name="defect", required=True),
        quantity=quantity, loss_amount=loss, deduction_amount=deduction, created_by=actor,
        created_at=at, updated_at=at)
    stored = [store_attachment(case=case, actor=actor, upload=u) for u in documents]
    if stored:
        claim.documents.add(*stored)
    SupplierClaimEvent.objects.create(claim=claim, to_status=ClaimStatus.DRAFT, actor=actor,
                                      at=at)
    return claim


@transaction.atomic
def supplier_claim_move(*, claim: SupplierClaim, actor, to: str, note: str = "",
                        reference: str = "") -> SupplierClaim:
    """Move the claim one step (CLAIM_MOVES). The supplier's answer is recorded by the issuer;
    the deduction by finance, with its reference, never by the person who issued the claim."""
    claim = SupplierClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.case_id:
        require_scope(claim.case, actor)
    if to not in ClaimStatus.values:
        raise ValidationError(_("Unknown status."), fields={"to": _("unknown")})
    if to not in CLAIM_MOVES[claim.status]:
        raise Conflict(_("The claim can't go from “%(from)s” to “%(to)s”.")
                       % {"from": claim.get_status_display(), "to": ClaimStatus(to).label},
                       code=QualityErrorCode.CLAIM_MOVE)
    note = text(note, name="note", max_length=2000, required=to == ClaimStatus.DISPUTED)
    if to == ClaimStatus.DEDUCTED:
        require_role(actor, CLAIM_FINANCE, _("Only finance records the deduction."))
        if claim.created_by_id == actor.pk:
            raise PermissionDenied(_("You issued this claim; another person records the "
                                     "deduction."), code=QualityErrorCode.NOT_QUALITY)
        claim.finance_reference = text(reference, name="reference", max_length=80,
                                       required=True)
    else:
        require_role(actor, CLAIM_ISSUERS, _("Only purchasing or quality handles the letter."))
    if to in (ClaimStatus.ACKNOWLEDGED, ClaimStatus.DISPUTED) and note:
        claim.supplier_reply = note
    at = now()
    SupplierClaimEvent.objects.create(claim=claim, from_status=claim.status, to_status=to,
                                      note=note, actor=actor, at=at)
    claim.status, claim.updated_at = to, at
    claim.save(update_fields=["status", "updated_at", "supplier_reply", "finance_reference"])
    if to == ClaimStatus.SENT and claim.case_id:
        case = lock_case(claim.case_id)
        if not case.is_closed and not (case.facts or {}).get(Requirement.SUPPLIER_CLAIM):
            case_note_record(case=case, actor=actor, fact=Requirement.SUPPLIER_CLAIM,
                             record=claim.number, data={
                                 "claim": claim.number,
                                 "deduction": str(claim.deduction_amount)})
    return claim
