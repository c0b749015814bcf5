"""Accounts actions: keeping departments and role groups in step with the code; users,
departments and API keys as the administrator manages them on the settings pages."""

import re

from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import (
    ApiToken,
    Department,
    SettingsAction,
    SettingsChange,
    User,
)
from aftersales.accounts.roles import ROLE_MODEL_PERMISSIONS, DepartmentCode, Role
from aftersales.core.errors import PermissionDenied, ValidationError


@transaction.atomic
def roles_sync(*, apps=global_apps) -> None:
    """Create every department and role group, and give each role its admin permissions.

    Idempotent: run after every migrate, so a fresh or upgraded database has the full set.
    """
    Department = apps.get_model("accounts", "Department")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    for code, label in DepartmentCode.choices:
        Department.objects.get_or_create(code=code, defaults={"name": str(label)})

    all_perms = list(Permission.objects.select_related("content_type"))
    for role in Role.values:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = set()
        for app_label, model, actions in ROLE_MODEL_PERMISSIONS.get(role, []):
            verbs = {"add", "change", "delete", "view"} if actions == "*" else set(
                actions.split(","))
            for perm in all_perms:
                ct = perm.content_type
                if app_label != "*" and ct.app_label != app_label:
                    continue
                if app_label == "*" and ct.app_label in ("sessions", "contenttypes"):
                    continue
                if model != "*" and ct.model != model:
                    continue
                verb = perm.codename.split("_", 1)[0]
                if verb in verbs:
                    wanted.add(perm.pk)
        current = set(group.permissions.values_list("pk", flat=True))
        if current != wanted:
            group.permissions.set(wanted)


# ---------------------------------------------------------------- settings pages (X4)
# Users, departments and API keys are the administrator's (role admin, or a superuser): every
# action checks its actor here, runs in one transaction and leaves one SettingsChange row.
# Bad input raises ValidationError naming the field and changes nothing.

def may_manage_settings(user) -> bool:
    """The system administrator role or a superuser, signed in and active."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.is_active and user.has_role(Role.ADMIN))


def _require_admin(actor) -> None:
    if not may_manage_settings(actor):
        raise PermissionDenied(_("Only the system administrator may change these settings."))


def _guard_superuser(actor, user) -> None:
    """An administrator who is not a superuser may not change a superuser's account (that
    would let them take it over with a new password)."""
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may change a superuser's account."))


def _audit(actor, action: str, target: str, changes: dict | None = None) -> SettingsChange:
    return SettingsChange.objects.create(actor=actor, action=action, target=target[:200],
                                         changes=changes or {})


def _text(value, field: str, *, required: bool = True, max_length: int = 80) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("This field is required."), fields={field: _("required")})
    if len(value) > max_length:
        raise ValidationError(
            _("At most %(n)d characters.") % {"n": max_length},
            fields={field: _("at most %(n)d characters") % {"n": max_length}})
    return value


def _roles(roles) -> list[str]:
    codes = [str(r) for r in (roles or [])]
    unknown = [c for c in codes if c not in Role.values]
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)},
                              fields={"roles": _("unknown role %(roles)s")
                                      % {"roles": ", ".join(unknown)}})
    return sorted(set(codes), key=Role.values.index)


def _password(password: str, user) -> None:
    try:
        validate_password(password or "", user=user)
    except DjangoValidationError as exc:
        message = _("The password is too weak: %(why)s") % {
            "why": " ".join(str(m) for m in exc.messages)}
        raise ValidationError(message, fields={"password": message}) from exc
    if not password:
        raise ValidationError(_("This field is required."), fields={"password": _("required")})


def _department(department) -> Department | None:
    if department is None or department == "":
        return None
    if isinstance(department, Department):
        return department
    found = Department.objects.filter(pk=department).first()
    if found is None:
        raise ValidationError(_("No such department."), fields={"department": _("unknown")})
    return found


def _company(value, field: str):
    """The dealer or outsourced factory a user belongs to (a record or its pk), or None."""
    if value is None or value == "":
        return None
    model = User._meta.get_field(field).related_model
    if isinstance(value, model):
        return value
    found = model.objects.filter(pk=value).first()
    if found is None:
        raise ValidationError(_("No such record."), fields={field: _("unknown")})
    return found


def _companies(codes: list[str], dealer, factory) -> tuple:
    """A dealer's user must name its dealer and a factory's user its factory: they see only
    their own company's cases."""
    dealer, factory = _company(dealer, "dealer"), _company(factory, "factory")
    if Role.DEALER in codes and dealer is None:
        raise ValidationError(_("A user with the dealer role must belong to a dealer."),
                              fields={"dealer": _("choose the user's dealer")})
    if Role.FACTORY in codes and factory is None:
        raise ValidationError(
            _("A user with the outsourced factory role must belong to a factory."),
            fields={"factory": _("choose the user's factory")})
    return dealer, factory


def _user_facts(user: User) -> dict:
    return {"display_name": user.display_name, "phone": user.phone, "email": user.email,
            "department": user.department.code if user.department_id else "",
            "dealer": user.dealer.code if user.dealer_id else "",
            "factory": user.factory.code if user.factory_id else "",
            "roles": sorted(user.groups.values_list("name", flat=True), key=_role_order),
            "is_active": user.is_active}


def _role_order(code: str) -> int:
    return Role.values.index(code) if code in Role.values else len(Role.values)


@transaction.atomic
def user_create(*, actor, username: str, password: str, display_name: str = "",
                department=None, roles=(), phone: str = "", email: str = "",
                is_active: bool = True, dealer=None, factory=None) -> User:
    """A new staff account with its roles; the password follows AUTH_PASSWORD_VALIDATORS."""
    _require_admin(actor)
    username = _text(username, "username", max_length=150)
    try:
        UnicodeUsernameValidator()(username)
    except DjangoValidationError as exc:
        raise ValidationError(_("Letters, digits and @/./+/-/_ only."),
                              fields={"username": _("letters, digits and @/./+/-/_ only")}
                              ) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The username %(name)s is taken.") % {"name": username},
                              fields={"username": _("already taken")})
    codes = _roles(roles)
    dealer, factory = _companies(codes, dealer, factory)
    user = User(username=username, display_name=_text(display_name, "display_name",
                                                      required=False),
                dealer=dealer, factory=factory,
                phone=_text(phone, "phone", required=False, max_length=30),
                email=_text(email, "email", required=False, max_length=254),
                department=_department(department), is_active=bool(is_active))
    _password(password, user)
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=codes))
    _audit(actor, SettingsAction.USER_CREATE, f"user {username}",
           {k: [None, v] for k, v in _user_facts(user).items()})
    return user


@transaction.atomic
def user_update(*, actor, user: User, display_name: str, department=None, roles=(),
                is_active: bool = True, phone: str = "", email: str = "", dealer=None,
                factory=None) -> User:
    """Name, department, roles, dealer or factory, contact and whether the account may
    sign in."""
    _require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    _guard_superuser(actor, user)
    codes = _roles(roles)
    if user.pk == actor.pk and (not is_active or Role.ADMIN not in codes) \
            and not actor.is_superuser:
        raise ValidationError(
            _("You can't deactivate yourself or take away your own administrator role."),
            fields={"roles": _("keep your own administrator role")})
    dealer, factory = _companies(codes, dealer, factory)
    before = _user_facts(user)
    user.display_name = _text(display_name, "display_name", required=False)
    user.dealer, user.factory = dealer, factory
    user.phone = _text(phone, "phone", required=False, max_length=30)
    user.email = _text(email, "email", required=False, max_length=254)
    user.department = _department(department)
    user.is_active = bool(is_active)
    user.save(update_fields=["display_name", "phone", "email", "department", "is_active",
                             "dealer", "factory"])
    user.groups.set(Group.objects.filter(name__in=codes))
    user.__dict__.pop("_role_codes", None)
    after = _user_facts(user)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        _audit(actor, SettingsAction.USER_UPDATE, f"user {user.username}", changes)
    return user


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    """The account can no longer sign in, nor its API keys act (its cases stay its own)."""
    _require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    _guard_superuser(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("You can't deactivate yourself."),
                              fields={"is_active": _("your own account")})
    if not user.is_active:
        raise ValidationError(_("The account is already inactive."),
                              fields={"is_active": _("already inactive")})
    user.is_active = False
    user.save(update_fields=["is_active"])
    _audit(actor, SettingsAction.USER_DEACTIVATE, f"user {user.username}",
           {"is_active": [True, False]})
    return user


@transaction.atomic
def user_password_reset(*, actor, user: User, password: str) -> User:
    """A new password set by the administrator (told to the user in person); the audit row
    records that it changed, never the password."""
    _require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    _guard_superuser(actor, user)
    _password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _audit(actor, SettingsAction.PASSWORD_RESET, f"user {user.username}")
    return user


def _department_facts(d: Department) -> dict:
    return {"code": d.code, "name": d.name,
            "supervisor": d.supervisor.username if d.supervisor_id else "",
            "active": d.active}


def _supervisor(supervisor) -> User | None:
    if supervisor is None or supervisor == "":
        return None
    user = supervisor if isinstance(supervisor, User) else \
        User.objects.filter(pk=supervisor).first()
    if user is None or not user.is_active:
        raise ValidationError(_("The supervisor must be an active user."),
                              fields={"supervisor": _("not an active user")})
    return user


@transaction.atomic
def department_create(*, actor, code: str, name: str, supervisor=None,
                      active: bool = True) -> Department:
    _require_admin(actor)
    code = _text(code, "code", max_length=40).lower()
    if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
        raise ValidationError(_("The code is lower-case letters, digits and _."),
                              fields={"code": _("lower-case letters, digits and _")})
    if Department.objects.filter(code=code).exists():
        raise ValidationError(_("The code %(code)s is taken.") % {"code": code},
                              fields={"code": _("already taken")})
    department = Department.objects.create(code=code, name=_text(name, "name"),
                                           supervisor=_supervisor(supervisor),
                                           active=bool(active))
    _audit(actor, SettingsAction.DEPARTMENT_CREATE, f"department {code}",
           {k: [None, v] for k, v in _department_facts(department).items()})
    return department


@transaction.atomic
def department_update(*, actor, department: Department, name: str, supervisor=None,
                      active: bool = True) -> Department:
    """Name, supervisor (who breaches escalate to, S3.4) and active; the code stays."""
    _require_admin(actor)
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = _department_facts(department)
    department.name = _text(name, "name")
    department.supervisor = _supervisor(supervisor)
    department.active = bool(active)
    department.save(update_fields=["name", "supervisor", "active"])
    after = _department_facts(department)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        _audit(actor, SettingsAction.DEPARTMENT_UPDATE, f"department {department.code}",
               changes)
    return department


@transaction.atomic
def api_token_issue(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A key for a machine client acting as ``user`` (X-API-Key); the clear key is returned
    once, only its hash is kept (the same as `aftersales apikey`)."""
    _require_admin(actor)
    name = _text(name, "name")
    if user is None or not user.is_active:
        raise ValidationError(_("Choose an active user for the key."),
                              fields={"user": _("not an active user")})
    _guard_superuser(actor, user)
    token, key = ApiToken.issue(user=user, name=name)
    _audit(actor, SettingsAction.API_KEY_ISSUE, f"api key {token.prefix} of {user.username}",
           {"name": [None, name]})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    _require_admin(actor)
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if not token.active:
        raise ValidationError(_("The key is already revoked."),
                              fields={"active": _("already revoked")})
    token.active = False
    token.save(update_fields=["active"])
    _audit(actor, SettingsAction.API_KEY_REVOKE,
           f"api key {token.prefix} of {token.user.username}", {"active": [True, False]})
    return token


def settings_change_record(*, actor, action: str, target: str, changes: dict | None = None
                           ) -> SettingsChange:
    """An audit row for a settings action another app carries out (a channel test message),
    written inside that action's transaction."""
    _require_admin(actor)
    return _audit(actor, action, target, changes)
