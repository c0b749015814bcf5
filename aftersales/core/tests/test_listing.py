"""core.listing without a database: what the query string asks for, read against a list's
spec; wrong values fall back instead of failing; the headers' links; the rows of a plain list
narrowed and sorted the same way as a queryset would be."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.utils import translation

from aftersales.core.listing import Listing, ListSpec

SPEC = ListSpec(sorts={"number": ("number",), "since": ("since", "number"),
                       "amount": ("amount", "number")},
                default="since", date_field="since", date_label="Since",
                keep=("q", "status"), keep_blank=("status",), desc_first={"amount"})


@dataclass
class Row:
    number: str
    since: dt.date | None
    amount: int


ROWS = [Row("A", dt.date(2026, 11, 3), 5), Row("B", dt.date(2026, 11, 1), 9),
        Row("C", None, 1), Row("D", dt.date(2026, 11, 20), 9)]


def query(href: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query, keep_blank_values=True).items()}


def test_unknown_sort_and_page_size_fall_back_to_the_defaults():
    for params in ({"sort": "password"}, {"sort": "-" * 500}, {"sort": "--number"},
                   {"per_page": "abc"}, {"per_page": "37"}, {"per_page": "-50"},
                   {"per_page": "9" * 40}):
        listing = Listing(SPEC, params)
        assert (listing.sort, listing.per_page, listing.errors) == ("since", 20, [])
    listing = Listing(SPEC, {"sort": "-amount", "per_page": "50"})
    assert (listing.sort, listing.per_page) == ("-amount", 50)


def test_a_header_sorts_by_its_column_then_the_other_way_and_keeps_the_filters():
    params = {"q": "x", "status": "", "date_from": "2026-11-01", "page": "3", "per_page": "50",
              "other": "dropped"}
    first = {c["label"]: c for c in Listing(SPEC, params).headers(
        [("number", "No."), (None, "Party"), ("amount", "Amount", "num")])}
    assert first["Party"]["href"] == "" and first["Amount"]["css"] == "num"
    href = first["No."]["href"]
    assert query(href) == {"q": "x", "status": "", "date_from": "2026-11-01",
                           "per_page": "50", "sort": "number"}  # back to page 1
    assert query(first["Amount"]["href"])["sort"] == "-amount"  # largest first
    again = Listing(SPEC, query(href)).headers([("number", "No.")])[0]
    assert again["aria_sort"] == "ascending" and query(again["href"])["sort"] == "-number"
    back = Listing(SPEC, query(again["href"])).headers([("number", "No.")])[0]
    assert back["aria_sort"] == "descending" and query(back["href"])["sort"] == "number"


def test_a_plain_list_is_sorted_both_ways_with_blanks_last():
    def order(sort):
        return [r.number for r in Listing(SPEC, {"sort": sort}).apply(ROWS)]

    assert order("since") == ["B", "A", "D", "C"]
    assert order("-since") == ["D", "A", "B", "C"]
    assert order("-amount") == ["D", "B", "A", "C"]  # ties: the tie-breaker turned round too
    assert order("amount") == ["C", "A", "B", "D"]


def test_a_date_range_narrows_and_a_wrong_one_is_said_in_chinese_and_ignored():
    listing = Listing(SPEC, {"date_from": "2026-11-02", "date_to": "2026-11-20"})
    assert [r.number for r in listing.apply(ROWS)] == ["A", "D"]
    assert listing.query == "date_from=2026-11-02&date_to=2026-11-20"
    with translation.override("zh-hans"):
        for params in ({"date_from": "2026-11-21", "date_to": "2026-11-20"},
                       {"date_from": "2026-13-45", "date_to": "2026-11-20"},
                       {"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}):
            listing = Listing(SPEC, params)
            assert listing.errors and all("日期" in e for e in listing.errors), params
            assert len(listing.apply(ROWS)) == len(ROWS)  # nothing narrowed
            assert "date_" not in listing.query  # the next link does not repeat the mistake
        upside_down = Listing(SPEC, {"date_from": "2026-11-21", "date_to": "2026-11-20"})
        assert upside_down.errors == ["Since（止）：结束日期早于开始日期。"]
