"""Reading a list page built on core.listing in tests: a header's sort link and aria-sort, the
alert above the list, the rows' numbers in page order."""

from __future__ import annotations

import html as htmllib
import re


def header(page: str, label: str) -> tuple[str, str]:
    """(href, aria-sort) of the sortable header cell with this label."""
    m = re.search(r'<th scope="col"(?: class="[^"]*")?(?: aria-sort="(\w+)")?><a href="([^"]*)"'
                  r' class="sort[^"]*">' + re.escape(label) + "</a></th>", page)
    assert m, f"no sortable header {label!r}"
    return htmllib.unescape(m.group(2)), m.group(1) or ""


def numbers(page: str, pattern: str) -> list[str]:
    """The record numbers shown as link texts, in page order, each once."""
    out: list[str] = []
    for n in re.findall(r">(" + pattern + r")</a>", page):
        if n not in out:
            out.append(n)
    return out


def alert(page: str) -> str:
    m = re.search(r'id="filter-errors">(.*?)</div></div>', page, re.S)
    return re.sub(r"<[^>]+>", " ", m.group(1)) if m else ""
