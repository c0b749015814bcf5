"""The "my queue" hook of the home page.

The cases app plugs its queue in by defining ``queue_for_user(*, user)`` in
``aftersales.cases.selectors`` (an iterable of cases, most urgent first) and, if it wants its
own markup, the template ``cases/_home_queue.html`` (context: ``queue``, ``user``). Until then
the home page shows an honest empty state.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

QUEUE_MODULE = "aftersales.cases.selectors"
QUEUE_FUNCTION = "queue_for_user"
QUEUE_TEMPLATES = ("cases/_home_queue.html", "workbench/_queue.html")


def queue_for(user) -> Iterable | None:
    """The user's open work, or None while no queue is provided."""
    try:
        module = importlib.import_module(QUEUE_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != QUEUE_MODULE:
            raise  # a real import error inside the selectors must not be hidden
        return None
    function = getattr(module, QUEUE_FUNCTION, None)
    if function is None:
        return None
    return function(user=user)
