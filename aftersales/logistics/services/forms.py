"""The Return Processing Form 《退货处理单》 (S2.4) and its hand-over signatures (S2.6); the
signed form is archived on the case as a PDF."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.accounts.roles import Role
from aftersales.cases.models import Case
from aftersales.cases.services import case_note_record
from aftersales.cases.services.attachments import (
    attachment_files_uncommitted_remove,
    store_attachment,
)
from aftersales.cases.services.common import lock_case, save_case, staff
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from aftersales.documents.numbers import next_number
from aftersales.logistics.errors import LogisticsErrorCode
from aftersales.logistics.models import (
    ReturnAuthorization,
    ReturnForm,
    ReturnFormLine,
    ReturnFormSignature,
    SignatureRole,
)
from aftersales.logistics.printing import return_form_pdf
from aftersales.logistics.services.common import FORM_ROLES, is_factory_user, require_staff_role

REASON_MAX = 2000


def _factory_of(case: Case):
    if case.factory_id:
        return case.factory
    factories = {cl.order_line.product.factory for cl in case.lines.select_related(
        "order_line__product__factory")}
    return factories.pop() if len(factories) == 1 else None


@transaction.atomic
def return_form_create(*, case: Case | int, actor, reason: str = "", batch: str = "",
                       return_to_customer: bool = False, rework_into_stock: bool = False,
                       rework_date: date | None = None, stock_date: date | None = None,
                       note: str = "", rma: ReturnAuthorization | None = None) -> ReturnForm:
    """Fill in the 《退货处理单》 from the case (S2.4): customer, order, and per line the product
    name, model, colour, specification and quantity; the reason, the batch, whether the goods go
    back to the customer and whether they are reworked into stock. One per case. Sets
    ``return_form``."""
    case = lock_case(case)
    require_staff_role(case, actor, FORM_ROLES)
    if case.is_closed:
        raise Conflict(pgettext("logistics", "The case is closed."))
    if ReturnForm.objects.filter(case=case).exists():
        raise Conflict(_("This case has its return processing form already."),
                       code=LogisticsErrorCode.FORM_EXISTS)
    reason = (reason or case.description or case.symptom or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the return."),
                              fields={"reason": _("required")})
    if len(reason) > REASON_MAX or len(batch or "") > 60 or len(note or "") > REASON_MAX:
        raise ValidationError(_("A field is too long."), fields={
            k: _("too long") for k, v, n in (("reason", reason, REASON_MAX),
                                             ("batch", batch or "", 60),
                                             ("note", note or "", REASON_MAX)) if len(v) > n})
    lines = list(case.lines.select_related("order_line__product"))
    if not lines:
        raise ValidationError(_("The case names no goods."), fields={"lines": _("required")})
    customer = case.customer
    at = timezone.now()
    rma = rma or ReturnAuthorization.objects.filter(case=case).order_by("-trip").first()
    form = ReturnForm.objects.create(
        number=next_number("return_form", "THD", at=at), case=case, rma=rma,
        customer_name=((customer.company or customer.name) if customer else case.contact_name
                       or "-")[:120],
        order_number=case.order.number if case.order_id else "", reason=reason,
        batch=(batch or "").strip(), factory=_factory_of(case),
        return_to_customer=bool(return_to_customer), rework_into_stock=bool(rework_into_stock),
        rework_date=rework_date, stock_date=stock_date, note=(note or "").strip(),
        created_by=staff(actor), created_at=at)
    ReturnFormLine.objects.bulk_create([ReturnFormLine(
        form=form, case_line=cl, product_name=cl.order_line.name[:120],
        model=cl.order_line.product.model, color=cl.order_line.product.color,
        spec=cl.order_line.product.spec, quantity=cl.quantity, unit=cl.order_line.product.unit,
    ) for cl in lines])
    case_note_record(case=case, actor=actor, fact="return_form", record=form.number,
                     data={"quantity": sum(cl.quantity for cl in lines)})
    return form


def return_form_sign(*, form: ReturnForm | int, actor, role: str) -> ReturnForm:
    """A hand-over signature (S2.6): the quality follower who checked the goods against the
    form, the factory's responsible person who took form and goods. When both have signed, the
    signed form is archived on the case as a PDF."""
    try:
        return _return_form_sign(form=form, actor=actor, role=role)
    finally:
        attachment_files_uncommitted_remove()


@transaction.atomic
def _return_form_sign(*, form, actor, role: str) -> ReturnForm:
    pk = form.pk if isinstance(form, ReturnForm) else form
    try:
        case_id = ReturnForm.objects.values_list("case_id", flat=True).get(pk=pk)
    except ReturnForm.DoesNotExist:
        raise NotFound(_("No such form.")) from None
    case = lock_case(case_id)
    form = ReturnForm.objects.select_for_update().get(pk=pk)
    form.case = case
    if role not in SignatureRole.values:
        raise ValidationError(_("Unknown signature."), fields={"role": _("unknown")})
    if role == SignatureRole.FACTORY:
        if not is_factory_user(actor) or (form.factory_id and actor.factory_id != form.factory_id):
            raise PermissionDenied(_("Only the responsible factory's person signs here."),
                                   code=LogisticsErrorCode.NOT_YOUR_FACTORY)
        if form.factory_id is None:
            form.factory_id = actor.factory_id
            form.save(update_fields=["factory"])
    else:
        require_staff_role(case, actor, (Role.QUALITY_FOLLOWER, Role.ADMIN))
    if form.signatures.filter(role=role).exists():
        raise Conflict(_("This signature is on the form already."),
                       code=LogisticsErrorCode.ALREADY_SIGNED)
    ReturnFormSignature.objects.create(form=form, role=role, user=actor,
                                       name=str(actor)[:80], signed_at=timezone.now())
    if form.signatures.count() == len(SignatureRole.values) and form.archived_id is None:
        pdf = return_form_pdf(form)
        upload = SimpleUploadedFile(f"{form.number}.pdf", pdf, content_type="application/pdf")
        form.archived = store_attachment(case=case, actor=actor, upload=upload)
        form.save(update_fields=["archived"])
        save_case(case, ["evidence"], actor)
    return form
