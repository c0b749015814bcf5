"""Logistics services (STYLE.md): keyword-only ``<entity>_<verb>`` functions, one transaction
each; every record sets its fact on the case through cases.services.case_note_record."""

from aftersales.logistics.services.forms import return_form_create, return_form_sign
from aftersales.logistics.services.receipt import discrepancy_settle, receipt_record
from aftersales.logistics.services.rma import (
    rma_expire,
    rma_issue,
    rma_ship,
    rmas_not_shipped_sweep,
)
from aftersales.logistics.services.stock import disposition_record, shipment_create

__all__ = ["discrepancy_settle", "disposition_record", "receipt_record", "return_form_create",
           "return_form_sign", "rma_expire", "rma_issue", "rma_ship", "rmas_not_shipped_sweep",
           "shipment_create"]
