"""Calendar pages (staff): list of years, a 12-month grid, entering a year's schedule."""

from calendar import Calendar
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.calendars import selectors
from aftersales.calendars.forms import YearForm, adjusted_formset, holiday_formset
from aftersales.calendars.models import CalendarYear
from aftersales.calendars.services import calendar_year_save
from aftersales.core.errors import ValidationError


@login_required
def year_list(request):
    stats = selectors.calendar_year_stats()
    years = [(cy, stats.get(cy.year, {})) for cy in selectors.calendar_year_list()]
    return render(request, "calendars/year_list.html", {
        "years": years, "can_edit": selectors.calendar_can_edit(request.user),
    })


@login_required
def year_detail(request, year: int):
    cy = CalendarYear.objects.filter(region="CN", year=year).select_related("entered_by").first()
    if cy is None:
        raise Http404
    days = selectors.calendar_year_days(year=year)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for d in week:
                if d.month != month:
                    cells.append(None)
                    continue
                is_working, kind, name = days.get(d, (None, "unknown", ""))
                cells.append({"date": d, "kind": kind, "name": name, "working": is_working})
            weeks.append(cells)
        months.append({"month": date(year, month, 1), "weeks": weeks})
    return render(request, "calendars/year_detail.html", {
        "cy": cy, "year": year, "months": months,
        "schedule": selectors.calendar_year_schedule(year=year),
        "can_edit": selectors.calendar_can_edit(request.user),
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    })


def _apply_errors(exc, year_form, holiday_fs, holiday_index, adjusted_fs, adjusted_index):
    """Put the service's field errors under the form fields they name."""
    year_form.add_error(None, exc.message)  # the summary above the form
    for key, msg in exc.fields.items():
        kind, _sep, pos = key.partition(".")
        if kind == "holidays" and pos.isdigit() and int(pos) < len(holiday_index):
            holiday_fs.forms[holiday_index[int(pos)]].add_error(None, msg)
        elif kind == "adjusted_workdays" and pos.isdigit() and int(pos) < len(adjusted_index):
            adjusted_fs.forms[adjusted_index[int(pos)]].add_error("date", msg)
        elif kind == "year":
            year_form.add_error("year", msg)


@login_required
def year_edit(request, year: int | None = None):
    if not selectors.calendar_can_edit(request.user):
        raise PermissionDenied
    schedule = selectors.calendar_year_schedule(year=year) if year else None
    if year and schedule is None:
        raise Http404
    if request.method == "POST":
        data = request.POST.copy()
        if year:
            data["year"] = str(year)
        year_form = YearForm(data)
        holiday_fs = holiday_formset()(data, prefix="h")
        adjusted_fs = adjusted_formset()(data, prefix="a")
        if year_form.is_valid() & holiday_fs.is_valid() & adjusted_fs.is_valid():
            holidays, holiday_index, adjusted, adjusted_index = [], [], [], []
            for i, f in enumerate(holiday_fs.forms):
                if (entry := f.entry()) is not None:
                    holidays.append(entry)
                    holiday_index.append(i)
            for i, f in enumerate(adjusted_fs.forms):
                if f.cleaned_data.get("date"):
                    adjusted.append(f.cleaned_data["date"])
                    adjusted_index.append(i)
            target = year_form.cleaned_data["year"]
            if not year and CalendarYear.objects.filter(region="CN", year=target).exists():
                year_form.add_error("year", _("%(year)s already has a calendar; edit it instead.")
                                    % {"year": target})
            else:
                try:
                    calendar_year_save(
                        year=target, holidays=holidays, adjusted_workdays=adjusted,
                        actor=request.user, note=year_form.cleaned_data["note"],
                    )
                except ValidationError as exc:
                    _apply_errors(exc, year_form, holiday_fs, holiday_index,
                                  adjusted_fs, adjusted_index)
                else:
                    messages.success(request, _("The calendar for %(year)s was saved.")
                                     % {"year": target})
                    return redirect("calendars:year", year=target)
    else:
        cy = CalendarYear.objects.filter(region="CN", year=year).first() if year else None
        year_form = YearForm(initial={"year": year or date.today().year + 1,
                                      "note": cy.note if cy else ""})
        holidays = schedule.holidays if schedule else []
        adjusted = schedule.adjusted_workdays if schedule else []
        holiday_fs = holiday_formset(len(holidays))(prefix="h", initial=[
            {"name": n, "start": s, "end": e} for s, e, n in holidays
        ])
        adjusted_fs = adjusted_formset(len(adjusted))(prefix="a", initial=[
            {"date": d} for d in adjusted
        ])
    return render(request, "calendars/year_form.html", {
        "year": year, "year_form": year_form, "holiday_fs": holiday_fs, "adjusted_fs": adjusted_fs,
    })
