"""Users, departments and their roles (X4), and the API keys of machine clients.

Dealer users belong to their dealer and outsourced-factory users to their factory: both see
only their own company's cases (USERS-ASK: strictly per-company visibility).

An ApiToken is a machine client's key for /api/v1 (``X-API-Key: <key>``) acting as its user;
only its SHA-256 is stored, so a leaked database does not leak working keys.
"""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import DepartmentCode, Role


class Department(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    supervisor = models.ForeignKey(
        "accounts.User", verbose_name=_("supervisor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="supervised_departments",
    )
    # Business hours for SLA clocks in business hours (calendars.BusinessHours may override).
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="members",
    )
    dealer = models.ForeignKey(
        "parties.Dealer", verbose_name=_("dealer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
        help_text=_("Set for dealer staff: they see only their dealer's cases."),
    )
    factory = models.ForeignKey(
        "parties.OutsourcedFactory", verbose_name=_("outsourced factory"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="users",
        help_text=_("Set for outsourced-factory staff: they see only their factory's cases."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def role_codes(self) -> set[str]:
        """The user's role codes (group names), cached per instance."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True))
        return self._role_codes

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles)) or (
            self.is_superuser and Role.ADMIN in roles
        )

    @property
    def primary_role(self) -> str | None:
        """The role whose home page the user lands on: the first in Role order."""
        for role in Role.values:
            if role in self.role_codes:
                return role
        return Role.ADMIN if self.is_superuser else None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """A fresh random key (43 URL-safe characters); the caller shows it once, stores its hash."""
    return secrets.token_urlsafe(32)


class ApiToken(models.Model):
    user = models.ForeignKey("accounts.User", verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=8)  # shown to tell keys apart
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """A new key for ``user``; the clear key is returned once and never stored."""
        key = new_key()
        token = cls.objects.create(user=user, name=name, key_hash=hash_key(key),
                                   prefix=key[:8])
        return token, key


class SettingsAction(models.TextChoices):
    """What an administrator did on the settings pages (docs/settings.md)."""

    USER_CREATE = "user_create", _("User created")
    USER_UPDATE = "user_update", _("User changed")
    USER_DEACTIVATE = "user_deactivate", _("User deactivated")
    PASSWORD_RESET = "password_reset", _("Password reset")
    DEPARTMENT_CREATE = "department_create", _("Department created")
    DEPARTMENT_UPDATE = "department_update", _("Department changed")
    API_KEY_ISSUE = "api_key_issue", _("API key issued")
    API_KEY_REVOKE = "api_key_revoke", _("API key revoked")
    CHANNEL_TEST = "channel_test", _("Test message sent")
    # Reference data (/settings/data/, docs/reference-data.md).
    DATA_CREATE = "data_create", _("Reference data created")
    DATA_UPDATE = "data_update", _("Reference data changed")
    DATA_DEACTIVATE = "data_deactivate", _("Reference data deactivated")
    CONTACT_REVEAL = "contact_reveal", _("Customer contact shown")


class SettingsChange(models.Model):
    """The audit trail of the settings pages: who changed what, when, from what to what.
    Written in the same transaction as the change (accounts.services); never edited."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey("accounts.User", verbose_name=_("by"), null=True,
                              on_delete=models.SET_NULL, related_name="settings_changes_made")
    action = models.CharField(_("action"), max_length=20, choices=SettingsAction.choices)
    target = models.CharField(_("what"), max_length=200)  # "user wangfang", "department qa"
    changes = models.JSONField(_("changes"), default=dict, blank=True)  # field -> [old, new]

    class Meta:
        verbose_name = _("settings change")
        verbose_name_plural = _("settings changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"


__all__ = ["ApiToken", "Department", "DepartmentCode", "Role", "SettingsAction",
           "SettingsChange", "User", "hash_key", "new_key"]
