"""Case services (STYLE.md): keyword-only `<entity>_<verb>` functions, one transaction and one
timeline event each, split by sub-domain."""

from aftersales.cases.services.act import ActInput, case_act
from aftersales.cases.services.agreement import (
    case_accept_option,
    case_adjust,
    case_approve_adjustment,
    case_evaluate,
    case_policy_request,
    case_record_fact,
    case_reevaluate,
)
from aftersales.cases.services.assignment import (
    case_assign,
    case_assign_round_robin,
    cases_assign_bulk,
)
from aftersales.cases.services.attachments import attachment_add
from aftersales.cases.services.contact import case_contact_reveal
from aftersales.cases.services.facts import case_update_facts
from aftersales.cases.services.intake import (
    case_confirm_problem,
    case_open,
    case_verify,
)
from aftersales.cases.services.records import case_note_record
from aftersales.cases.services.sla import fine_book_violation, fine_waive, sla_sweep
from aftersales.cases.services.transition import (
    case_appeal,
    case_available_transitions,
    case_close,
    case_customer_confirms,
    case_rate,
    case_reject,
    case_transition,
)

__all__ = [
    "ActInput", "attachment_add", "case_act", "case_contact_reveal", "case_accept_option",
    "case_adjust", "case_appeal",
    "case_approve_adjustment", "case_assign", "case_assign_round_robin",
    "case_available_transitions", "case_close", "case_confirm_problem", "case_customer_confirms",
    "case_evaluate",
    "case_note_record", "case_open", "case_policy_request", "case_rate", "case_record_fact",
    "case_reevaluate", "case_reject",
    "case_transition", "case_update_facts", "case_verify", "cases_assign_bulk",
    "fine_book_violation", "fine_waive", "sla_sweep",
]
