"""Every in-process cache of the product, under one invalidation rule (docs/architecture.md).

A cached value is valid while the cache stamp in the database is unchanged, and every write to
a table a cache reads changes the stamp in the same transaction as the write:

- ``watch(*models)`` (called by the app that owns the models, in its AppConfig.ready()) makes
  every save or delete of those models call ``changed()``; code that writes them in bulk
  (``bulk_create``, ``update``, raw SQL) calls ``changed()`` itself.
- ``changed()`` writes a new random token into the stamp row. It commits with the change, so
  another process sees the new rows and the new stamp together; a rolled-back change takes its
  token back with it, and what was cached from its uncommitted rows is never used again.
- ``memo(namespace, key, compute)`` returns the cached value, or computes and keeps it. Values
  are kept per stamp: when the stamp moves, every namespace starts empty.
- ``derived(namespace, source, compute)`` keeps what pure code computes from an object that is
  itself cached (a parsed workflow, a compiled policy), in the same store: it needs no stamp
  read, and it goes when the stamp moves like everything else.

The stamp is read at most once per ``scope()`` — each web request is one (ScopeMiddleware), so
is each pass of the worker — and on every lookup outside one (commands, tests calling services).
Cached values are shared between threads: treat them as read-only.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models.signals import post_delete, post_save

STAMP_ROW = 1
MAX_ENTRIES = 2000  # per namespace; a namespace that grows past it starts over


class _Generation:
    """What was cached under one stamp token."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self.stores: dict[str, dict[Hashable, Any]] = {}


_lock = threading.Lock()
_current = _Generation(None)
_scope = threading.local()  # .depth, .token: the stamp read once in this thread's scope


def _read_stamp() -> str:
    # Models can't be imported with this module: app configs import it before models load.
    from aftersales.core.models import CacheStamp

    token = CacheStamp.objects.filter(pk=STAMP_ROW).values_list("token", flat=True).first()
    return token or ""


def stamp() -> str:
    """The stamp token in force for this thread (read once per scope)."""
    if getattr(_scope, "depth", 0):
        token = getattr(_scope, "token", None)
        if token is None:
            token = _scope.token = _read_stamp()
        return token
    return _read_stamp()


def _generation() -> _Generation:
    global _current
    token = stamp()
    generation = _current
    if generation.token != token:
        with _lock:
            if _current.token != token:
                _current = _Generation(token)
            generation = _current
    return generation


def memo[T](namespace: str, key: Hashable, compute: Callable[[], T]) -> T:
    """The value cached under (namespace, key) for the current stamp, else compute() kept."""
    store = _generation().stores.setdefault(namespace, {})
    try:
        return store[key]
    except KeyError:
        pass
    value = compute()
    with _lock:
        if len(store) >= MAX_ENTRIES:
            store.clear()
        store[key] = value
    return value


def derived[T](namespace: str, source: object, compute: Callable[[], T]) -> T:
    """compute()'s value for ``source`` (an object treated as immutable), kept while it lives in
    the current store. Never reads the stamp: code without a database may call it."""
    store = _current.stores.setdefault(namespace, {})
    hit = store.get(id(source))
    if hit is not None and hit[0] is source:
        return hit[1]
    value = compute()
    with _lock:
        if len(store) >= MAX_ENTRIES:
            store.clear()
        store[id(source)] = (source, value)  # the source is kept so that its id stays unique
    return value


def changed(**_signal_kwargs: Any) -> None:
    """Move the stamp, in the current transaction: every cache starts over once it commits."""
    from aftersales.core.models import CacheStamp

    token = uuid.uuid4().hex
    if not CacheStamp.objects.filter(pk=STAMP_ROW).update(token=token):
        CacheStamp.objects.update_or_create(pk=STAMP_ROW, defaults={"token": token})
    _scope.token = None  # this thread reads its own new token at its next lookup


def watch(*models: Any) -> None:
    """Saving or deleting any of these models (classes or "app_label.Model") moves the stamp."""
    for model in models:
        name = model if isinstance(model, str) else model._meta.label
        post_save.connect(changed, sender=model, weak=False,
                          dispatch_uid=f"core-cache-{name}-saved")
        post_delete.connect(changed, sender=model, weak=False,
                            dispatch_uid=f"core-cache-{name}-deleted")


@contextmanager
def scope() -> Iterator[None]:
    """Read the stamp at most once inside this block (a request, a worker pass)."""
    depth = getattr(_scope, "depth", 0)
    if not depth:
        _scope.token = None
    _scope.depth = depth + 1
    try:
        yield
    finally:
        _scope.depth = depth
        if not depth:
            _scope.token = None


class ScopeMiddleware:
    """One cache scope per request: the stamp is read once, at the first cache lookup."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with scope():
            return self.get_response(request)
