"""The "my queue" block of the home page: the cases app's queue for the user, shown with
``cases/_home_queue.html`` (context: ``queue``, ``user``), or the plain list when a deployment
has no such template."""

from __future__ import annotations

from django.core.paginator import Page

from aftersales.cases.selectors import queue_for_user

QUEUE_TEMPLATES = ("cases/_home_queue.html", "workbench/_queue.html")


def queue_for(user) -> Page:
    """The user's open work, most urgent first (one page)."""
    return queue_for_user(user=user)
