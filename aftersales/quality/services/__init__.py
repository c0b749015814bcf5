"""Quality services (STYLE.md): keyword-only ``<entity>_<verb>`` functions, one transaction
each."""

from aftersales.quality.services.claims import supplier_claim_create, supplier_claim_move
from aftersales.quality.services.inspection import (
    LineFinding,
    inspection_record,
    outgoing_due,
)
from aftersales.quality.services.report import (
    corrective_action_create,
    corrective_action_done,
    corrective_action_verify,
    quality_report_open,
    quality_report_review,
    quality_report_revise,
)

__all__ = [
    "LineFinding", "corrective_action_create", "corrective_action_done",
    "corrective_action_verify", "inspection_record", "outgoing_due", "quality_report_open",
    "quality_report_review", "quality_report_revise", "supplier_claim_create",
    "supplier_claim_move",
]
