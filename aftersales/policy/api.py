"""REST: /api/v1/policy (POLICY-API.md). Same decision JSON as `aftersales policy evaluate`."""

import json
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from aftersales.core.api import ErrorOut
from aftersales.core.errors import PermissionDenied, ValidationError
from aftersales.policy import selectors, services
from aftersales.policy.models import EvaluationChannel

router = Router(tags=["policy"])  # the API's auth: an API key or a staff session


class DecisionOut(Schema):
    """The public contract's keys; the engine may add more (kept as they are)."""

    model_config = ConfigDict(extra="allow")

    allowed: bool
    policy: dict[str, Any]
    options: list[dict[str, Any]]
    reasons: list[dict[str, Any]]


class VersionOut(Schema):
    number: int
    label: str
    effective_from: date
    created_at: datetime
    author: str | None = None
    comment: str
    origin: str


class VersionDetailOut(VersionOut):
    source_text: str
    document: dict[str, Any]
    diff_from_previous: str


class PolicyOut(Schema):
    name: str
    title: str
    parent: str | None = None
    business_line: str
    versions: list[VersionOut]


def _staff_only(request: HttpRequest) -> None:
    if not selectors.is_staff_member(request.user):
        raise PermissionDenied(_("Only company staff may read policies."))


def _version(v) -> dict:
    return {"number": v.number, "label": v.label, "effective_from": v.effective_from,
            "created_at": v.created_at, "author": v.author.get_username() if v.author else None,
            "comment": v.comment, "origin": v.origin}


def _policy(p) -> dict:
    return {"name": p.name, "title": p.title, "parent": p.parent.name if p.parent else None,
            "business_line": p.business_line, "versions": [_version(v) for v in p.versions.all()]}


_REQUEST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {
        "type": "object", "title": "PolicyRequest",
        "description": "A POLICY-API request (POLICY-API.md \"Request\"); unknown keys ignored.",
        "properties": {
            "policy": {"type": "string"}, "policy_version": {"type": ["string", "integer", "null"]},
            "asked_at": {"type": "string"}, "kind": {"type": "string"},
            "reason": {"type": ["string", "null"]}, "order": {"type": "object"},
            "items": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["policy", "asked_at", "kind", "order", "items"],
    }}},
}


@router.post("/evaluate",
             response={200: DecisionOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
                       422: ErrorOut},
             summary="Evaluate a request against the policy in force (S9.7)",
             openapi_extra={"requestBody": _REQUEST_BODY})
def evaluate(request: HttpRequest):
    """Body: a POLICY-API request. 200: the decision (allowed or not); 422 names the field."""
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:  # answered like every other route's
        raise HttpError(400, "Cannot parse request body") from exc
    return services.policy_evaluate(data=data, actor=request.user,
                                    channel=EvaluationChannel.API)


@router.get("/", response={200: list[PolicyOut], 401: ErrorOut, 403: ErrorOut},
            summary="Policies")
def policy_list(request: HttpRequest):
    _staff_only(request)
    return [_policy(p) for p in selectors.policy_list()]


@router.get("/{name}", response={200: PolicyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            summary="A policy and its versions")
def policy_detail(request: HttpRequest, name: str):
    _staff_only(request)
    return _policy(selectors.policy_get(name=name))


@router.get("/{name}/versions/{number}",
            response={200: VersionDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                      422: ErrorOut},
            summary="One version: YAML, document, diff from the previous version")
def policy_version(request: HttpRequest, name: str, number: int):
    _staff_only(request)
    if number < 1:
        raise ValidationError(_("Not a version number."), fields={"number": _("must be 1 or more")})
    v = selectors.policy_version_get(name=name, number=number)
    return {**_version(v), "source_text": v.source_text, "document": v.document,
            "diff_from_previous": v.diff_from_previous}
