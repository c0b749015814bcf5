"""What every staff list does the same way (UX.md "Staff pages"): sortable column headers, a
page size, a date range on the record's main date, and links (pages, headers, the Excel export)
that keep every filter.

A list describes itself once with a ``ListSpec``; ``Listing(spec, request.GET)`` reads the query
string and never fails: an unknown sort is the default sort, a page size not offered is the
first one, a date that is not a date — or a start after the end — is said on the page (in
Chinese) and the list is not narrowed by date at all. The same ``Listing`` applied to the list's
rows serves the page and its export, so the file follows the page's order and range.

    spec = ListSpec(sorts={"number": ("number", "pk"), "issued": ("created_at", "pk")},
                    default="-issued", date_field="created_at", date_label=_("Issued"),
                    keep=("q", "status"), desc_first={"issued"})
    listing = Listing(spec, request.GET)
    page = listing.paginate(qs, request.GET.get("page"))
    headers = listing.headers([("number", _("RMA")), (None, _("Case")), ...])

Templates: ``core/_listing_fields.html`` (the date range and page size inside the filter form),
``core/_listing_head.html`` (the header cells), ``core/_listing_pagination.html``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Case, F, IntegerField, OrderBy, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

PAGE_SIZES = (20, 50, 100)
# Dates outside these years are typos; they would also overflow the conversion to UTC.
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(2999, 12, 31)
SORT_MAX = 40  # a longer sort value is garbage: the default sort


@dataclass(frozen=True)
class ListSpec:
    """One list's sorting, paging and date range.

    ``sorts`` maps a column's sort key to its ascending order: ORM field names or expressions,
    ending with a unique tie-breaker (``pk``) so that pages never overlap; the descending order
    turns every term round. Blank values sort last both ways. A plain list of objects (not a
    queryset) is sorted by the same names read as attributes (``a__b`` is ``a.b``).
    ``default`` is a key, ``-key`` for descending. ``desc_first`` are the columns whose first
    click sorts newest or largest first. ``keep`` are the list's own filters that every link
    keeps; ``keep_blank`` those of them kept even when empty (a filter whose "all" is empty and
    whose default is not)."""

    sorts: Mapping[str, Sequence]
    default: str
    date_field: str | None = None
    date_label: str = ""
    keep: tuple[str, ...] = ()
    keep_blank: tuple[str, ...] = ()
    desc_first: frozenset[str] | set[str] = field(default_factory=frozenset)
    page_sizes: tuple[int, ...] = PAGE_SIZES


def choice_order(field_name: str, choices: Iterable) -> Case:
    """An ORM expression ranking a choice field by its choices' order (a status sorted by its
    life cycle, not by its code's spelling)."""
    values = [value for value, _label in choices]
    return Case(*(When(**{field_name: value}, then=Value(i)) for i, value in enumerate(values)),
                default=Value(len(values)), output_field=IntegerField())


class DateRangeForm(forms.Form):
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)

    def __init__(self, *args, date_label: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        label = date_label or _("Date")
        self.fields["date_from"].label = _("%(date)s from") % {"date": label}
        self.fields["date_to"].label = _("%(date)s until") % {"date": label}

    def clean(self):
        data = super().clean()
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(name, _("Enter a date between %(first)s and %(last)s.")
                               % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()})
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _first(name: str) -> str:
    return name.split("__", 1)[0]


class Listing:
    """The list's query string read against its spec (see the module's docstring)."""

    def __init__(self, spec: ListSpec, params: Mapping) -> None:
        self.spec = spec
        self.params = params
        raw = str(params.get("sort", "") or "").strip()[:SORT_MAX + 1]
        key = raw.removeprefix("-")
        self.sort = raw if key in spec.sorts and len(raw) <= SORT_MAX else spec.default
        size = str(params.get("per_page", "") or "").strip()
        self.per_page = int(size) if size.isdigit() and int(size) in spec.page_sizes \
            else spec.page_sizes[0]
        self.form = DateRangeForm({k: str(params.get(k, "") or "").strip()
                                   for k in ("date_from", "date_to")},
                                  date_label=spec.date_label)
        valid = self.form.is_valid()
        # Any mistake in the range leaves the whole range out: half a range is not what was
        # asked for.
        self.date_from = self.form.cleaned_data.get("date_from") if valid else None
        self.date_to = self.form.cleaned_data.get("date_to") if valid else None

    # ------------------------------------------------------------------ what was asked
    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def errors(self) -> list[str]:
        """The range's mistakes, each with its field's label (for the alert above the list)."""
        return [f"{self.form.fields[name].label}{pgettext('separator after a label', ': ')}{e}"
                for name, errs in self.form.errors.items() for e in errs]

    def kept(self) -> dict[str, str]:
        """The query string's filters, as typed, without the page: what every link keeps.
        A wrong date is left out so that the next click does not say it again."""
        out = {}
        for name in self.spec.keep:
            if name in self.params:
                value = str(self.params.get(name) or "").strip()
                if value or name in self.spec.keep_blank:
                    out[name] = value
        if self.date_from:
            out["date_from"] = self.date_from.isoformat()
        if self.date_to:
            out["date_to"] = self.date_to.isoformat()
        if self.sort != self.spec.default:
            out["sort"] = self.sort
        if self.per_page != self.spec.page_sizes[0]:
            out["per_page"] = str(self.per_page)
        return out

    @property
    def query(self) -> str:
        """The query string of this list as shown (for the pages and the export link)."""
        return urlencode(self.kept())

    @property
    def page_prefix(self) -> str:
        """A page link without its number: ``?<filters>&page=``."""
        query = self.query
        return f"?{query}&page=" if query else "?page="

    # ------------------------------------------------------------------ the headers
    def headers(self, columns: Iterable[tuple]) -> list[dict]:
        """Header cells for (sort key or None, label[, css class]): a link sorting by the
        column that keeps the filters and goes back to page 1, the other way round when the
        list is already sorted by it; aria-sort on the sorted one."""
        out = []
        kept = {k: v for k, v in self.kept().items() if k != "sort"}
        for key, label, *rest in columns:
            cell = {"label": label, "href": "", "aria_sort": "", "css": rest[0] if rest else ""}
            if key is not None and key in self.spec.sorts:
                on = self.sort_key == key
                if on:
                    target = key if self.descending else f"-{key}"
                else:
                    target = f"-{key}" if key in self.spec.desc_first else key
                cell["href"] = "?" + urlencode({**kept, "sort": target})
                cell["aria_sort"] = ("descending" if self.descending else "ascending") if on \
                    else ""
            out.append(cell)
        return out

    # ------------------------------------------------------------------ the rows
    def apply(self, rows):
        """The rows narrowed to the date range and in the chosen order: a queryset stays a
        queryset; a list is filtered and sorted in Python."""
        if isinstance(rows, QuerySet):
            return self._order_queryset(self._range_queryset(rows))
        return self._order_list(self._range_list(list(rows)))

    def paginate(self, rows, number) -> Page:
        return Paginator(self.apply(rows), self.per_page).get_page(number)

    def _bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The range as [start, end) in the current time zone (China time)."""
        zone = timezone.get_current_timezone()
        start = end = None
        if self.date_from:
            start = timezone.make_aware(dt.datetime.combine(self.date_from, dt.time.min), zone)
        if self.date_to:
            end = timezone.make_aware(
                dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min), zone)
        return start, end

    def _range_queryset(self, qs: QuerySet) -> QuerySet:
        name = self.spec.date_field
        if not name or not (self.date_from or self.date_to):
            return qs
        if isinstance(qs.model._meta.get_field(_first(name)), models.DateTimeField):
            start, end = self._bounds()
            if start:
                qs = qs.filter(**{f"{name}__gte": start})
            if end:
                qs = qs.filter(**{f"{name}__lt": end})
            return qs
        if self.date_from:
            qs = qs.filter(**{f"{name}__gte": self.date_from})
        if self.date_to:
            qs = qs.filter(**{f"{name}__lte": self.date_to})
        return qs

    def _range_list(self, rows: list) -> list:
        name = self.spec.date_field
        if not name or not (self.date_from or self.date_to):
            return rows
        get = attrgetter(name.replace("__", "."))

        def day(row):
            value = get(row)
            if isinstance(value, dt.datetime):
                return timezone.localtime(value).date() if timezone.is_aware(value) \
                    else value.date()
            return value

        return [r for r in rows if day(r) is not None
                and (not self.date_from or day(r) >= self.date_from)
                and (not self.date_to or day(r) <= self.date_to)]

    def _terms(self) -> list:
        return list(self.spec.sorts[self.sort_key])

    def _order_queryset(self, qs: QuerySet) -> QuerySet:
        order = []
        for term in self._terms():
            if isinstance(term, str):
                desc = term.startswith("-") != self.descending
                expr = F(term.removeprefix("-"))
                order.append(expr.desc(nulls_last=True) if desc else expr.asc(nulls_last=True))
            else:
                term = term.copy() if isinstance(term, OrderBy) else term.asc()
                if self.descending:
                    term.descending = not term.descending
                order.append(term)
        return qs.order_by(*order)

    def _order_list(self, rows: list) -> list:
        # Stable sorts from the last term to the first; blanks last in both directions.
        for term in reversed(self._terms()):
            desc = term.startswith("-") != self.descending
            get = attrgetter(term.removeprefix("-").replace("__", "."))
            present = [r for r in rows if get(r) is not None]
            blank = [r for r in rows if get(r) is None]
            rows = sorted(present, key=get, reverse=desc) + blank
        return rows


def listing_context(listing: Listing, page: Page, columns: Iterable[tuple]) -> dict:
    """What the shared templates read: the listing, its page, its header cells."""
    return {"listing": listing, "page_obj": page, "list_columns": listing.headers(columns),
            "list_query": listing.query}


__all__ = ["PAGE_SIZES", "DateRangeForm", "ListSpec", "Listing", "choice_order",
           "listing_context"]
