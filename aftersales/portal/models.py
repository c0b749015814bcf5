"""Small records of the outward-facing surfaces (portal, machine API clients).

- ApiToken: a machine client's key for /api/v1 (``X-API-Key: <key>``); only its SHA-256 is
  stored, so a leaked database does not leak working keys.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """A fresh random key (43 URL-safe characters); the caller shows it once, stores its hash."""
    return secrets.token_urlsafe(32)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
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
