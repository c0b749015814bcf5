"""Benchmark harness: `python -m bench` / `make bench`.

Every module `bench/bench_<name>.py` exposes `run() -> list[dict]` (optionally
`run(quick: bool)`) returning figures made with `figure(...)`. The harness prints each figure as
one JSON line and appends it to var/bench/results.jsonl, so runs can be compared.

Machines differ up to ~3× in speed, so each run starts with a fixed calibration workload
(`calibrate()`): a 10-million-iteration Python add loop gives `machine_factor` = its time ÷
LOOP_REFERENCE_S, and every time or rate figure is printed raw (`value`) and normalized to a
machine of factor 1.0 (`normalized`); targets apply to the normalized figure. Ratios, sizes and
counts are not normalized.
"""

import os
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

QUICK_ENV = "AFTERSALES_BENCH_QUICK"
FACTOR_ENV = "AFTERSALES_BENCH_MACHINE_FACTOR"
PG_ADMIN_URL = os.environ.get("AFTERSALES_BENCH_PG_ADMIN",
                              "postgres://root@127.0.0.1:5432/postgres")
# Databases the benchmarks create are named <prefix>_<what>: give each concurrent run its own.
PG_PREFIX = os.environ.get("AFTERSALES_BENCH_PG_PREFIX", "as_bench")

LOOP_ITERATIONS = 10_000_000
LOOP_REFERENCE_S = 0.6  # the loop on a typical 2-core server (CPython 3.12)
INSERTS = 5000
# 5000 single-row INSERTs, each its own transaction (measured on the reference machine).
INSERT_REFERENCE_S = {"sqlite": 0.07, "postgresql": 1.1}


def quick() -> bool:
    """True under `python -m bench --quick`: use smaller sizes."""
    return os.environ.get(QUICK_ENV) == "1"


def figure(bench: str, name: str, value: float, unit: str, target: Any = None,
           **extra: Any) -> dict[str, Any]:
    """One measured figure; `target` is a string like ">= 5000" or None (it applies to the
    normalized figure where there is one)."""
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


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


# ----------------------------------------------------------------------------- calibration
# Run as module-level code (global names), as the reference was measured: inside a function
# the same loop takes less than half the time.
_LOOP = compile(f"total = 0\nfor i in range({LOOP_ITERATIONS}):\n    total += i\n",
                "<calibration loop>", "exec")


def loop_seconds(runs: int = 3) -> float:
    """The calibration loop's time: the median of ``runs`` runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        exec(_LOOP, {})  # noqa: S102 - a fixed, local workload
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def machine_factor() -> float:
    """measured ÷ reference for the calibration loop (> 1: slower than the reference machine);
    measured once per run and passed to child processes through the environment."""
    if os.environ.get(FACTOR_ENV):
        return float(os.environ[FACTOR_ENV])
    factor = round(loop_seconds() / LOOP_REFERENCE_S, 3)
    os.environ[FACTOR_ENV] = str(factor)
    return factor


def _insert_batch(execute) -> float:
    execute("DROP TABLE IF EXISTS bench_calibration")
    execute("CREATE TABLE bench_calibration (id integer PRIMARY KEY, v text)")
    started = time.perf_counter()
    for i in range(INSERTS):
        execute(f"INSERT INTO bench_calibration (id, v) VALUES ({i}, 'row {i}')")
    return time.perf_counter() - started


def insert_batch_seconds(db: str) -> float | None:
    """INSERTS single-row inserts, each committed, on the database under test: SQLite in WAL
    mode with synchronous=NORMAL as the app runs it; PostgreSQL through PG_ADMIN_URL in a
    scratch database (None when PostgreSQL is not reachable)."""
    if db == "sqlite":
        with tempfile.TemporaryDirectory(prefix="as-bench-calib-") as tmp:
            conn = sqlite3.connect(os.path.join(tmp, "calib.sqlite3"), isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            try:
                return _insert_batch(conn.execute)
            finally:
                conn.close()
    try:
        import psycopg

        name = f"{PG_PREFIX}_calibration"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
            with psycopg.connect(url, autocommit=True) as conn:
                return _insert_batch(conn.execute)
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception:  # noqa: BLE001 - no PostgreSQL: no calibration for it
        return None


def calibrate() -> list[dict[str, Any]]:
    """The calibration figures every run starts with; sets machine_factor for the run."""
    os.environ.pop(FACTOR_ENV, None)
    loop = loop_seconds()
    factor = round(loop / LOOP_REFERENCE_S, 3)
    os.environ[FACTOR_ENV] = str(factor)
    extra = {"load_avg": load_average()}
    out = [
        figure("calibration", "python_loop_seconds", round(loop, 3), "s", None,
               reference=LOOP_REFERENCE_S, iterations=LOOP_ITERATIONS, normalize=False,
               **extra),
        figure("calibration", "machine_factor", factor, "factor", None, **extra),
    ]
    for db in ("sqlite", "postgresql"):
        seconds = insert_batch_seconds(db)
        if seconds is None:
            continue
        out += [
            figure("calibration", "insert_batch_seconds", round(seconds, 3), "s", None,
                   db=db, inserts=INSERTS, reference=INSERT_REFERENCE_S[db], normalize=False,
                   **extra),
            figure("calibration", "db_factor", round(seconds / INSERT_REFERENCE_S[db], 3),
                   "factor", None, db=db, **extra),
        ]
    return out


def normalize(fig: dict[str, Any], factor: float) -> dict[str, Any]:
    """Add `normalized` (the figure on a machine of factor 1.0) to a time or rate figure."""
    if fig.pop("normalize", True) is False or not isinstance(fig.get("value"), int | float):
        return fig
    unit = str(fig.get("unit") or "")
    if unit in ("s", "ms"):
        fig["normalized"] = round(fig["value"] / factor, 3)
    elif unit.endswith("/s"):
        fig["normalized"] = round(fig["value"] * factor, 1)
    else:
        return fig
    fig["machine_factor"] = factor
    return fig
