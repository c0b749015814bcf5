"""Policies as versioned documents (ARCHITECTURE.md "Rules as data", S9.7) and the decision log.

A Policy is a name (``online-shop``) with an optional parent; every edit or changed file is a new
PolicyVersion holding the YAML text as written and the document as loaded (unmerged). The version
in force at an order's placed date is the latest with ``effective_from <= placed date`` (S9.7).
Every evaluation, from any channel, leaves one EvaluationLog row (item 7 replays them).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import BusinessLine


class Policy(models.Model):
    name = models.SlugField(_("name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("parent policy"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    business_line = models.CharField(_("business line"), max_length=20, blank=True,
                                     choices=BusinessLine.choices)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VersionOrigin(models.TextChoices):
    FILE = "file", _("Loaded from file")
    EDITOR = "editor", _("Edited on the page")


class PolicyVersion(models.Model):
    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.CASCADE,
                               related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    label = models.CharField(_("version label"), max_length=80)
    effective_from = models.DateField(_("effective from"))
    document = models.JSONField(_("document"), default=dict)  # as loaded, not merged
    source_text = models.TextField(_("YAML source"))
    origin = models.CharField(_("origin"), max_length=10, choices=VersionOrigin.choices,
                              default=VersionOrigin.FILE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               blank=True, on_delete=models.SET_NULL,
                               related_name="policy_versions")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    diff_from_previous = models.TextField(_("changes from the previous version"), blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"],
                                    name="policyversion_unique_number"),
        ]
        indexes = [
            # S9.7: "latest version with effective_from <= placed date" for one policy.
            models.Index(fields=["policy", "effective_from", "number"],
                         name="policyversion_in_force"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} v{self.number} ({self.label})"


class EvaluationChannel(models.TextChoices):
    CLI = "cli", _("Command line")
    API = "api", _("REST API")
    PAGE = "page", _("Evaluate page")
    CASE = "case", _("Case")


class EvaluationLog(models.Model):
    at = models.DateTimeField(_("evaluated at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True,
                              blank=True, on_delete=models.SET_NULL,
                              related_name="policy_evaluations")
    channel = models.CharField(_("channel"), max_length=12, choices=EvaluationChannel.choices)
    policy_name = models.CharField(_("policy"), max_length=80)
    version = models.ForeignKey(PolicyVersion, verbose_name=_("policy version"),
                                on_delete=models.PROTECT, related_name="evaluations")
    request = models.JSONField(_("request"))
    decision = models.JSONField(_("decision"))
    allowed = models.BooleanField(_("allowed"))
    order_number = models.CharField(_("order number"), max_length=60, blank=True,
                                    db_index=True)
    refund_total = models.DecimalField(_("refund total"), max_digits=14, decimal_places=2,
                                       default=0)

    class Meta:
        verbose_name = _("policy evaluation")
        verbose_name_plural = _("policy evaluations")
        ordering = ["-at"]
        indexes = [
            # Simulation (item 7) replays one policy's requests since a date.
            models.Index(fields=["policy_name", "at"], name="evaluationlog_policy_at"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_name} {self.order_number} {self.at:%Y-%m-%d %H:%M}"
