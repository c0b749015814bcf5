"""Forms of the settings pages. They check types only; the rules (a taken username, a weak
password, an unknown role) are the services', whose errors land on the same fields."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.display import department_label, role_label
from aftersales.accounts.models import Department, User
from aftersales.accounts.roles import Role
from aftersales.administration.data_forms import active_or_current
from aftersales.notify.models import Channel
from aftersales.parties.models import Dealer, OutsourcedFactory
from aftersales.policy.numbers import SECTION_LABELS


class DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return department_label(obj) + ("" if obj.active else f" ({_('inactive')})")


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.username})"


def _role_choices():
    return [(code, f"{role_label(code)}（{code}）") for code in Role.values]


class UserForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=80, required=False)
    department = DepartmentChoice(label=_("Department"), required=False,
                                  queryset=Department.objects.order_by("code"))
    # A role the form does not list is still sent to the service, which refuses it by name.
    roles = forms.MultipleChoiceField(label=_("Roles"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    dealer = forms.ModelChoiceField(
        label=_("Dealer"), required=False, queryset=Dealer.objects.order_by("code"),
        help_text=_("For dealer staff (required with the dealer role): they see only their "
                    "dealer's cases."))
    factory = forms.ModelChoiceField(
        label=_("Outsourced factory"), required=False,
        queryset=OutsourcedFactory.objects.order_by("code"),
        help_text=_("For outsourced-factory staff (required with the factory role): they see "
                    "only their factory's cases."))
    is_active = forms.BooleanField(label=_("Active (may sign in)"), required=False,
                                   initial=True)

    def __init__(self, *args, subject=None, **kwargs):
        """``subject``: the user being edited (their dealer or factory stays offered if it was
        deactivated since; a new user is offered the active ones only)."""
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices()
        self.fields["roles"].valid_value = lambda value: True  # the service decides
        self.fields["dealer"].queryset = active_or_current(
            Dealer, getattr(subject, "dealer_id", None))
        self.fields["factory"].queryset = active_or_current(
            OutsourcedFactory, getattr(subject, "factory_id", None))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"display_name": d["display_name"], "department": d["department"],
                "roles": d["roles"], "phone": d["phone"], "email": d["email"],
                "is_active": d["is_active"], "dealer": d["dealer"], "factory": d["factory"]}


class UserCreateForm(UserForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Initial password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    field_order = ["username", "display_name", "password"]


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("New password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("New password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class DepartmentForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("Lower-case letters, digits and _; can't be changed."))
    name = forms.CharField(label=_("Name"), max_length=80)
    supervisor = UserChoice(label=_("Supervisor"), required=False,
                            queryset=User.objects.filter(is_active=True).order_by("username"),
                            help_text=_("Breaches in the department escalate to this person."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ApiTokenForm(forms.Form):
    user = UserChoice(label=_("Acts as user"),
                      queryset=User.objects.filter(is_active=True).order_by("username"))
    name = forms.CharField(label=_("Name (what the key is for)"), max_length=80)


class ChannelTestForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=[
        (Channel.EMAIL, Channel.EMAIL.label), (Channel.SMS, Channel.SMS.label),
        (Channel.WECOM, Channel.WECOM.label)])
    recipient = forms.CharField(label=_("Recipient"), max_length=200, required=False,
                                help_text=_("An e-mail address or a mobile number; empty for "
                                            "the WeCom group."))


class PolicyNumbersForm(forms.Form):
    """One text field per number (numbers.Number), the effective date and a comment."""

    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))  # what a date input reads
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.numbers = list(numbers)
        if not self.is_bound:
            self.initial.setdefault("effective_from",
                                    timezone.localdate() + timedelta(days=1))
        for n in self.numbers:
            self.fields[n.key] = forms.CharField(
                label=n.label, required=False, initial=n.shown,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}))

    def groups(self) -> list[tuple[str, list]]:
        """(section label, [(number, bound field), …]) in the order sections first appear."""
        out: dict[str, list] = {}
        for n in self.numbers:
            out.setdefault(n.section, []).append((n, self[n.key]))
        return [(str(SECTION_LABELS.get(k, k)), rows) for k, rows in out.items()]

    def values(self) -> dict[str, str]:
        return {n.key: self.data.get(n.key, n.shown) for n in self.numbers}
