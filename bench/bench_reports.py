"""Reports at N cases (1 000 000; --quick 50 000; AFTERSALES_BENCH_CASES), on SQLite and on
PostgreSQL (issue 12 item 8):

(a) the summary rebuild (`aftersales reports rebuild`: every case read once into the summary
    tables) — seconds;
(b) each report page over HTTP — gunicorn (2 sync workers) and one client signed in as
    management, 20 requests per page (a year of figures, the report's default grouping): p50
    and p95; target p95 <= 1000 ms normalized;
(c) the case-list export as the background export writes it (the list's rows through
    aftersales.core.export in constant-memory mode) at 10 000 and 100 000 rows, each in a fresh
    process: seconds and peak RSS; the memory should stay flat as the rows grow.

The cases are bench_queue's seeded template (the same database, made once and reused); each
run measures a copy of it.

    python -m bench --only reports [--quick]
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import figure
from bench import quick as quick_mode
from bench.bench_queue import (
    ROOT,
    Server,
    _aftersales,
    _last_json,
    _percentile,
    _pg_reachable,
    template,
    work_copy,
)

NAME = "reports"
ROLE = "management"
TARGET_MS = "<= 1000"
REPORTS = ("case_volume", "closure_rate", "on_time", "defect_pareto", "fines", "satisfaction",
           "policy_outcomes")
RANGE = "date_from=2026-01-01&date_to=2026-12-31"
EXPORT_SIZES = (10_000, 100_000)


def rebuild(env: dict) -> float:
    started = time.perf_counter()
    _aftersales(env, "reports", "rebuild")
    return round(time.perf_counter() - started, 2)


def pages(env: dict, samples: int) -> dict:
    login = _last_json(_aftersales(env, "bench", "session", "--role", ROLE))
    cookie = f"{login['cookie']}={login['value']}"
    out = {}
    with tempfile.TemporaryDirectory(prefix="as-bench-reports-log-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        server = Server(env, log)
        try:
            for name in REPORTS:
                path = f"/reports/{name}/?{RANGE}"
                for _ in range(4):  # every worker warm
                    server.get(path, cookie)
                times = []
                for _ in range(samples):
                    started = time.perf_counter()
                    status, body = server.get(path, cookie)
                    times.append((time.perf_counter() - started) * 1000)
                    if status != 200 or b"report-chart" not in body:
                        raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
                out[name] = {"p50": round(statistics.median(times), 1),
                             "p95": round(_percentile(times, 0.95), 1), "n": len(times)}
        finally:
            server.stop()
            text = log.read_text(errors="replace")
            if "Traceback" in text:
                print(text[-2000:], file=sys.stderr)
    return out


def child_export(rows: int) -> dict:
    """In a fresh process on the work copy: write `rows` rows of the case list as the
    background export does; seconds and peak RSS."""
    import itertools

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from aftersales.cases.views.lists import case_list_export_source
    from aftersales.core import export

    user = get_user_model().objects.get(username=f"bench-{ROLE}")
    started = time.perf_counter()
    source = case_list_export_source(user, {"sort": "-created"})
    sheets = [export.Sheet(s.title, s.columns, itertools.islice(s.rows, rows))
              for s in source.sheets]
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        export.xlsx_write(handle, sheets, max_rows=rows)
        size = handle.tell()
    return {"rows": rows, "seconds": round(time.perf_counter() - started, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "bytes": size}


def exports(env: dict) -> list[dict]:
    out = []
    for rows in EXPORT_SIZES:
        done = subprocess.run([sys.executable, "-m", "bench.bench_reports", "--export",
                               str(rows)], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"export failed:\n{done.stderr[-3000:]}")
        out.append(_last_json(done.stdout))
    return out


def measure(db: str, cases: int, samples: int) -> list[dict]:
    env, seeded = template(db, cases)
    extra = {"db": db, "cases": cases}
    with work_copy(db, cases, env) as work:
        seconds = rebuild(work)
        measured = pages(work, samples)
        exported = exports(work)
    figures = [figure(NAME, "summary_rebuild_seconds", seconds, "s", None,
                      seed_reused=seeded["reused"], **extra)]
    for name in REPORTS:
        m = measured[name]
        figures += [figure(NAME, f"{name}_p95_ms", m["p95"], "ms", TARGET_MS,
                           samples=m["n"], **extra),
                    figure(NAME, f"{name}_p50_ms", m["p50"], "ms", None, samples=m["n"],
                           **extra)]
    for e in exported:
        figures += [figure(NAME, f"export_{e['rows']}_seconds", e["seconds"], "s", None,
                           **extra),
                    figure(NAME, f"export_{e['rows']}_peak_rss_mib", e["peak_rss_mib"], "MiB",
                           None, bytes=e["bytes"], **extra)]
    small, large = exported[0], exported[-1]
    figures.append(figure(NAME, "export_peak_rss_growth_ratio",
                          round(large["peak_rss_mib"] / small["peak_rss_mib"], 2), "ratio",
                          "<= 1.5", rows=[small["rows"], large["rows"]], **extra))
    return figures


def run(quick: bool | None = None) -> list[dict]:
    quick = quick if quick is not None else quick_mode()
    cases = int(os.environ.get("AFTERSALES_BENCH_CASES") or (50_000 if quick else 1_000_000))
    samples = 10 if quick else 20
    # AFTERSALES_BENCH_DBS=postgresql measures one database (the 1M SQLite seed takes ~8 min)
    dbs = os.environ.get("AFTERSALES_BENCH_DBS", "sqlite,postgresql").split(",")
    figures = measure("sqlite", cases, samples) if "sqlite" in dbs else []
    if "postgresql" in dbs and _pg_reachable():
        figures += measure("postgresql", cases, samples)
    return figures


if __name__ == "__main__":
    if "--export" in sys.argv:
        print(json.dumps(child_export(int(sys.argv[sys.argv.index("--export") + 1]))))
    else:
        for row in run(quick="--quick" in sys.argv):
            print(json.dumps(row, ensure_ascii=False))
