"""Benchmark harness (issue 2 item 9): `python -m bench` / `make bench`.

Every module `bench/bench_<name>.py` exposes `run() -> list[dict]` (optionally
`run(quick: bool)`) returning figures made with `figure(...)`. The harness prints each figure as
one JSON line and appends it to var/bench/results.jsonl, so runs can be compared.
"""

import os
from datetime import UTC, datetime
from typing import Any

QUICK_ENV = "AFTERSALES_BENCH_QUICK"


def quick() -> bool:
    """True under `python -m bench --quick`: use smaller sizes."""
    return os.environ.get(QUICK_ENV) == "1"


def figure(bench: str, name: str, value: float, unit: str, target: Any = None,
           **extra: Any) -> dict[str, Any]:
    """One measured figure; `target` is a string like ">= 5000" or None."""
    data = {"bench": bench, "figure": name, "value": value, "unit": unit, "target": target}
    data.update(extra)
    return data


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def setup_django() -> None:
    """For benches that use the ORM in the harness process (settings from the environment)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    import django

    django.setup()
