"""Error codes of the policy app (docs/errors.md)."""

from aftersales.core.errors import ErrorCode


class PolicyErrorCode(ErrorCode):
    UNKNOWN_POLICY = "unknown_policy"  # no policy by that name (404/422)
    UNKNOWN_POLICY_VERSION = "unknown_policy_version"  # the policy has no such version (404/422)
    UNKNOWN_ORDER = "unknown_order"  # no such order, or not yours (404)
    POLICY_DOCUMENT = "policy_document"  # a policy document that can't be saved or merged (422)
    POLICY_DOCUMENT_INVALID = "policy_document_invalid"  # a rule or setting is wrong (422)
    POLICY_DIRECTORY = "policy_directory"  # the policy directory can't be read (422)
