"""Forms for entering a year's State Council schedule (HOL-7)."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from aftersales.calendars.services import MAX_YEAR, MIN_YEAR


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500,
        help_text=_("E.g. the number of the State Council General Office notice."),
        widget=forms.TextInput,
    )


class HolidayForm(forms.Form):
    name = forms.CharField(label=_("Holiday"), max_length=80, required=False)
    start = forms.DateField(label=_("First day"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Last day"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          help_text=_("Leave empty for a one-day holiday."))

    def clean(self):
        data = super().clean()
        if (data.get("name") or data.get("end")) and not data.get("start") \
                and "start" not in self.errors:
            self.add_error("start", _("Enter the first day."))
        return data

    def entry(self):
        d = self.cleaned_data
        if not d.get("start"):
            return None
        return (d["start"], d.get("end") or d["start"], d.get("name") or "")


class AdjustedWorkdayForm(forms.Form):
    date = forms.DateField(label=_("Working weekend day"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


# A year has 7 statutory festivals and usually 5-8 adjusted working days: enough empty rows
# for a whole notice on a new year, and a few spare rows when editing.
HOLIDAY_ROWS, ADJUSTED_ROWS, SPARE_ROWS = 9, 8, 3


def holiday_formset(n_initial: int = 0):
    return formset_factory(HolidayForm, extra=max(SPARE_ROWS, HOLIDAY_ROWS - n_initial),
                           max_num=40)


def adjusted_formset(n_initial: int = 0):
    return formset_factory(AdjustedWorkdayForm, extra=max(SPARE_ROWS, ADJUSTED_ROWS - n_initial),
                           max_num=40)
