"""Forms of the policy pages: the YAML editor and the agent's evaluate form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [
    ("return", _("Return")),  # 退货
    ("exchange", _("Exchange")),  # 换货
    ("repair", _("Repair")),  # 维修
    ("refund_only", _("Refund only")),  # 仅退款
]
REASON_CHOICES = [
    ("no_reason", _("No reason (7-day return)")),  # 七日无理由
    ("quality", _("Quality problem")),  # 质量问题
    ("damaged_in_transit", _("Damaged in transit")),
    ("wrong_item", _("Wrong item")),
    ("missing_part", _("Missing part")),
    ("not_as_described", _("Not as described")),
    ("allergy", _("Allergy")),
    ("other", _("Other")),
]
EVIDENCE_CHOICES = [
    ("photos", _("Photos")),
    ("inspection_report", _("Inspection report")),  # 检测报告
    ("medical_certificate", _("Medical certificate")),  # 医院证明
    ("complaint_record", _("Complaint record")),
]
DAMAGE_CHOICES = [
    ("", _("None / not known")),
    ("misuse", _("Misuse")),
    ("liquid", _("Liquid damage")),
    ("unauthorised_repair", _("Unauthorised repair")),
    ("force_majeure", _("Force majeure")),
]
# (condition key, label, default): what an agent checks per line.
CONDITIONS = [
    ("unused", _("unused"), True),
    ("packaging_intact", _("packaging intact"), True),
    ("seal_intact", _("seal intact"), True),
    ("tags_attached", _("tags attached"), True),
    ("all_parts_present", _("all parts present"), True),
    ("activated", _("activated"), False),
    ("data_traces", _("data traces"), False),
]


class PolicyEditForm(forms.Form):
    text = forms.CharField(label=_("Policy (YAML)"), widget=forms.Textarea(
        attrs={"rows": 30, "cols": 100, "spellcheck": "false", "class": "code"}))
    effective_from = forms.DateField(label=_("Effective from"),
                                     widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class EvaluateForm(forms.Form):
    """Kind, reason, evidence and damage cause, plus per line: include, quantity, condition."""

    kind = forms.ChoiceField(label=_("Request"), choices=KIND_CHOICES)
    reason = forms.ChoiceField(label=_("Reason"), choices=REASON_CHOICES)
    asked_at = forms.DateTimeField(label=_("Asked at"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                   help_text=_("Empty: now."))
    evidence = forms.MultipleChoiceField(label=_("Evidence"), choices=EVIDENCE_CHOICES,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    damage_cause = forms.ChoiceField(label=_("Damage cause"), choices=DAMAGE_CHOICES,
                                     required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for i, line in enumerate(self.lines):
            self.fields[f"line{i}_include"] = forms.BooleanField(
                label=_("include"), required=False, initial=(i == 0))
            self.fields[f"line{i}_quantity"] = forms.IntegerField(
                label=_("quantity"), min_value=1, max_value=line.quantity,
                initial=line.quantity)
            for key, label, default in CONDITIONS:
                self.fields[f"line{i}_{key}"] = forms.BooleanField(
                    label=label, required=False, initial=default)

    def line_rows(self):
        """(line, include field, quantity field, condition fields) per order line."""
        for i, line in enumerate(self.lines):
            yield (line, self[f"line{i}_include"], self[f"line{i}_quantity"],
                   [self[f"line{i}_{key}"] for key, _label, _default in CONDITIONS])

    def clean(self):
        data = super().clean()
        if self.lines and not any(data.get(f"line{i}_include") for i in range(len(self.lines))):
            raise forms.ValidationError(_("Choose at least one line."))
        return data

    def items(self) -> list[dict]:
        data = self.cleaned_data
        return [{"line": i, "quantity": data[f"line{i}_quantity"],
                 "condition": {key: bool(data.get(f"line{i}_{key}"))
                               for key, _label, _default in CONDITIONS}}
                for i in range(len(self.lines)) if data.get(f"line{i}_include")]

    def asked_at_value(self):
        return self.cleaned_data.get("asked_at") or timezone.now()
