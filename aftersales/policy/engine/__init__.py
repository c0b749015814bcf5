"""The policy engine: pure Python, no models, no database (ARCHITECTURE "Rules as data").

    from aftersales.policy.engine import (parse_request, load_document, validate_document,
        merge_documents, compile_document, evaluate, RULE_KINDS, PolicyDocumentError)

    req = parse_request(json_dict)                  # ValidationError naming the fields
    doc = merge_documents(parent_doc, child_doc)    # when the policy `extends` a parent
    validate_document(doc, source="policies/x.yaml")
    decision = evaluate(req, doc, calendar=get_calendar(), version_label="2025-01-01")

The document format and the merge semantics are in document.py's docstring; the rule kinds
and their parameters in kinds/ (``RULE_KINDS[name].params.model_json_schema()``).
"""

from .document import (
    CompiledPolicy,
    PolicyDocumentError,
    compile_document,
    load_document,
    merge_documents,
    validate_document,
)
from .evaluate import evaluate, load_policy_file
from .kinds import RULE_KINDS
from .request import Request, parse_request

__all__ = [
    "RULE_KINDS",
    "CompiledPolicy",
    "PolicyDocumentError",
    "Request",
    "compile_document",
    "evaluate",
    "load_document",
    "load_policy_file",
    "merge_documents",
    "parse_request",
    "validate_document",
]
