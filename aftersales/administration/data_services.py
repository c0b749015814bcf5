"""Changes to the reference data (customers, dealers, suppliers, outsourced factories, products,
the parts price list) from the /settings/data/ pages, and the recorded reveal of a customer's
contact details.

Each action checks its actor again (data_access), runs in one transaction and writes one
accounts.SettingsChange row with the fields that changed (old → new). A record with an
``active`` flag is deactivated, never deleted: cases and orders keep pointing at it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from aftersales.accounts import data_access as access
from aftersales.accounts.models import SettingsAction, SettingsChange
from aftersales.administration.data_kinds import KINDS, DataKind
from aftersales.core.errors import PermissionDenied, ValidationError
from aftersales.imports.services import ImportResult, import_file
from aftersales.parties.models import Customer


def _kind(kind: str) -> DataKind:
    if kind not in KINDS or KINDS[kind].form is None:
        raise PermissionDenied(_("These records can't be changed here."))
    return KINDS[kind]


def _require_edit(actor, kind: str) -> None:
    if not access.may_edit(actor, kind):
        raise PermissionDenied(_("Only the system administrator may change reference data."))


def _plain(value):
    """A field's value as the change log keeps it (JSON): a related record by its code."""
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or getattr(value, "sku", None) or str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _facts(spec: DataKind, obj) -> dict:
    return {name: _plain(getattr(obj, name)) for name in spec.form._meta.fields}


def _target(spec: DataKind, obj) -> str:
    return f"{spec.name} {getattr(obj, spec.key_field)}"


def _audit(actor, action: str, target: str, changes: dict) -> SettingsChange:
    return SettingsChange.objects.create(actor=actor, action=action, target=target[:200],
                                         changes=changes)


def _check(obj) -> None:
    try:
        obj.full_clean()
    except DjangoValidationError as exc:
        fields = {name: " ".join(str(m) for m in messages)
                  for name, messages in exc.message_dict.items()}
        raise ValidationError(" ".join(fields.values()), fields=fields) from exc


@transaction.atomic
def reference_save(*, actor, kind: str, data: dict, pk: int | None = None):
    """Create (no ``pk``) or change a record of ``kind`` from a form's cleaned data; the code
    (SKU) of an existing record is kept. Only the administrator; the change is recorded."""
    spec = _kind(kind)
    _require_edit(actor, kind)
    if pk is None:
        obj, before = spec.model(), {}
    else:
        obj = spec.model.objects.select_for_update().get(pk=pk)
        before = _facts(spec, obj)
    for name in spec.form._meta.fields:
        if name in data and not (pk is not None and name == spec.key_field):
            setattr(obj, name, data[name])
    _check(obj)
    obj.save()
    after = _facts(spec, obj)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if pk is None:
        _audit(actor, SettingsAction.DATA_CREATE, _target(spec, obj), changes)
    elif changes:
        _audit(actor, SettingsAction.DATA_UPDATE, _target(spec, obj), changes)
    return obj


@transaction.atomic
def reference_deactivate(*, actor, kind: str, pk: int):
    """Mark an active record inactive (it stays on the cases and orders that name it)."""
    spec = _kind(kind)
    _require_edit(actor, kind)
    if not spec.has_active:
        raise ValidationError(_("These records have no active flag."))
    obj = spec.model.objects.select_for_update().get(pk=pk)
    if not obj.active:
        raise ValidationError(_("The record is already inactive."),
                              fields={"active": _("already inactive")})
    obj.active = False
    obj.save(update_fields=["active", "updated_at"])
    _audit(actor, SettingsAction.DATA_DEACTIVATE, _target(spec, obj), {"active": [True, False]})
    return obj


@transaction.atomic
def customer_contact_reveal(*, actor, customer: Customer) -> Customer:
    """Record that ``actor`` saw the customer's full phone, e-mail and address (PIPL,
    docs/personal-data.md); only the roles that talk to customers."""
    if not access.may_reveal_contact(actor):
        raise PermissionDenied(_("Your role sees customers' contact details masked."))
    fields = [name for name in ("phone", "email", "address") if getattr(customer, name)]
    _audit(actor, SettingsAction.CONTACT_REVEAL, f"customer {customer.code}",
           {"fields": [None, fields]})
    return customer


def data_import(*, actor, kind: str, upload, encoding: str | None = None,
                dry_run: bool = False, create_categories: bool = False) -> ImportResult:
    """Import one uploaded file of orders, products or customers (imports.services: the file
    is all-or-nothing and leaves an import run whatever the outcome); the administrator only."""
    if not access.may_edit(actor, access.IMPORTS):
        raise PermissionDenied(_("Only the system administrator may change reference data."))
    return import_file(kind=kind, source=upload.file, file_name=upload.name, actor=actor,
                       encoding=encoding or None, dry_run=dry_run,
                       create_categories=create_categories)
