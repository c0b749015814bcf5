"""Policy business actions (STYLE.md: services, one transaction each)."""

from .evaluation import decide, policy_evaluate, refund_total
from .numbers import NumbersDraft, may_edit_policies, policy_numbers_draft, policy_numbers_save
from .resolve import policy_chain, policy_resolve
from .simulation import SimulationResult, policy_simulate
from .versions import (
    default_policy_dir,
    policies_load_directory,
    policy_version_check,
    policy_version_save,
)

__all__ = [
    "NumbersDraft", "SimulationResult", "decide", "may_edit_policies",
    "policy_numbers_draft", "policy_numbers_save", "default_policy_dir", "policies_load_directory",
    "policy_chain", "policy_evaluate", "policy_resolve", "policy_simulate",
    "policy_version_check", "policy_version_save", "refund_total",
]
