"""What the quality services share: who may do what (X4), the clock, money input."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.cases.selectors import actor_roles, case_document, is_staff_user
from aftersales.core.errors import PermissionDenied, ValidationError
from aftersales.core.money import AmountError, amount_parse
from aftersales.quality.errors import QualityErrorCode
from aftersales.quality.section import RESPONSIBILITIES

# Quality judges responsibility and inspects (S2.1, S2.5, S8.3).
INSPECTORS = frozenset({Role.QUALITY, Role.QUALITY_FOLLOWER, Role.QUALITY_SUPERVISOR})
# The simple inspection on receipt of consumer returns (S5.5), where the policy allows it.
RECEIPT_INSPECTORS = frozenset({Role.WAREHOUSE})
# The report is opened by sales (S3.2: the salesperson) or by quality.
REPORT_OPENERS = frozenset({Role.SALES_SPECIALIST, Role.SALES_SUPERVISOR, *INSPECTORS})
REPORT_REVIEWERS = frozenset({Role.SALES_VP})  # S3.2 销售副总审核
# The material exception letter: purchasing (S3.5) or quality.
CLAIM_ISSUERS = frozenset({Role.PURCHASING, Role.QUALITY, Role.QUALITY_SUPERVISOR})
CLAIM_FINANCE = frozenset({Role.FINANCE})
# Corrective actions (S3.6): ordered by quality or management, verified by quality.
ACTION_ORDERERS = frozenset({Role.QUALITY, Role.QUALITY_SUPERVISOR, Role.SALES_VP,
                             Role.MANAGEMENT})
ACTION_VERIFIERS = frozenset({Role.QUALITY, Role.QUALITY_SUPERVISOR, Role.MANAGEMENT})
# Who sees the quality pages and lists.
QUALITY_READERS = frozenset(INSPECTORS | RECEIPT_INSPECTORS | REPORT_OPENERS | REPORT_REVIEWERS
                            | CLAIM_ISSUERS | CLAIM_FINANCE | {Role.MANAGEMENT,
                                                               Role.FACTORY, Role.ADMIN})


def now():
    return timezone.now()


def roles_of(actor) -> set[str]:
    return actor_roles(actor) if is_staff_user(actor) else set()


def require_role(actor, allowed: frozenset[str] | set[str], message: str | None = None) -> None:
    if not (roles_of(actor) & set(allowed)):
        raise PermissionDenied(message or _("Your role may not do this."),
                               code=QualityErrorCode.NOT_QUALITY)


def responsibility_check(value: str) -> str:
    value = (value or "").strip()
    if value and value not in RESPONSIBILITIES:
        raise ValidationError(_("Choose who is responsible."),
                              fields={"responsibility": _("unknown")})
    return value


def text(value, *, name: str, max_length: int = 5000, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise ValidationError(_("This field is required."), fields={name: _("required")})
    if len(value) > max_length:
        raise ValidationError(_("This text is too long."), fields={name: _("too long")})
    return value


def amount(value, *, name: str) -> Decimal:
    try:
        return amount_parse(value)
    except AmountError as exc:
        raise ValidationError(str(exc), fields={name: str(exc)}) from None


def company_of(case=None, document: dict | None = None) -> dict:
    """The company printed at the top of a form: the policy's ``company``, else its title."""
    doc = document if document is not None else (case_document(case) if case else {})
    returns = doc.get("returns") if isinstance(doc.get("returns"), dict) else {}
    for company in (doc.get("company"), returns.get("company")):
        if isinstance(company, dict) and company.get("name"):
            return {k: company.get(k, "") for k in ("name", "address", "phone")}
    title = doc.get("title") or {}
    name = title.get("zh") if isinstance(title, dict) else str(title)
    return {"name": name or "", "address": "", "phone": ""}
