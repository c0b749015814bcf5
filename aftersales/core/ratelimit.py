"""Counting failures per key in the shared cache (settings.CACHES["default"], a database table
every process and host sees), and the client's address that such keys are made of.

A key is refused once its count reaches the limit; the count expires ``window`` seconds after
its first failure. Counting is approximate under concurrency (get and set, not one atomic
step), which only lets a burst overshoot a limit by a few.
"""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, or behind settings.PROXY_COUNT proxies the address the outermost saw;
    None when there is no valid address (a request built in code, a malformed header)."""
    meta = getattr(request, "META", None) or {}
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies:
        chain = [a for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(chain) >= proxies and (address := _address(chain[-proxies])):
            return address
    return _address(meta.get("REMOTE_ADDR"))


def cache_key(scope: str, value: str) -> str:
    """A short, safe cache key for any value (an order number may be long or odd)."""
    return f"limit:{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def limit_reached(key: str, limit: int) -> bool:
    return (cache.get(key) or 0) >= limit


def failure_count(key: str, window: int) -> int:
    """Count one failure under ``key``; the count lives ``window`` seconds from the first."""
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1
