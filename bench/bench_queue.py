"""Where staff live, at N cases (1 000 000; --quick 50 000; AFTERSALES_BENCH_CASES), on SQLite
and on PostgreSQL:

(b) the queue and list pages over HTTP — gunicorn (2 sync workers) and one client signed in as a
    customer-service agent, 60 requests per page spread over its first five pages: p50 and p95
    of /cases/queue/ (my queue), /cases/ (all cases), /cases/overdue/ and / (home, with the
    queue); target p95 <= 100 ms normalized. With each page the sort steps of its query plans
    (`aftersales bench plans`: SQLite's "USE TEMP B-TREE", PostgreSQL's Sort nodes with the rows
    they sorted).
(c) the SLA sweep over the same cases (95 % open, 1 % of those past due): seconds (target
    <= 5 s), and a second sweep that finds nothing new.

The seeded database is made once per size and database and kept as a template
(var/bench/cases-db/sqlite-N/, PostgreSQL database <prefix>_cases_N; AFTERSALES_BENCH_RESEED=1
seeds again); each run migrates the template, then measures a copy of it, which the sweep
changes and the run drops.

    python -m bench --only queue [--quick]
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import PG_ADMIN_URL, PG_PREFIX, figure
from bench import quick as quick_mode

NAME = "queue"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VAR = Path(os.environ.get("AFTERSALES_VAR_DIR", ROOT / "var"))
TEMPLATES = VAR / "bench" / "cases-db"
WORKERS = 2
ROLE = "customer_service"
TARGET_MS = "<= 100"


def _env(var: str, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(AFTERSALES_VAR_DIR=var, AFTERSALES_DEBUG="0", PYTHONUNBUFFERED="1",
               DJANGO_SETTINGS_MODULE="aftersales.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _aftersales(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "aftersales"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"aftersales {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _last_json(text: str):
    return json.loads(text.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- databases
def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def _pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            [name]).fetchone() is not None


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def template(db: str, cases: int) -> tuple[dict, dict]:
    """(environment of the seeded template, seed summary with "reused"); seeds if needed."""
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    reseed = os.environ.get("AFTERSALES_BENCH_RESEED") == "1"
    if db == "sqlite":
        var = TEMPLATES / f"sqlite-{cases}"
        env, marker = _env(str(var), None), var / "seed.json"
        if reseed or not marker.exists():
            shutil.rmtree(var, ignore_errors=True)
            var.mkdir(parents=True)
    else:
        name = f"{PG_PREFIX}_cases_{cases}"
        env, marker = _env(str(TEMPLATES / "pg-var"), _pg_url(name)), TEMPLATES / f"{name}.json"
        if reseed or not marker.exists() or not _pg_exists(name):
            marker.unlink(missing_ok=True)
            _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _pg(f'CREATE DATABASE "{name}"')
    if marker.exists():
        seeded = {**json.loads(marker.read_text()), "reused": True}
    else:
        _aftersales(env, "migrate", "-v0")
        seeded = _last_json(_aftersales(env, "bench", "seed", "--cases", str(cases)))
        marker.write_text(json.dumps(seeded))
        seeded["reused"] = False
    _aftersales(env, "migrate", "-v0")  # new indexes reach the kept template too
    return env, seeded


@contextlib.contextmanager
def work_copy(db: str, cases: int, env: dict):
    """A copy of the template for one run (the sweep changes it)."""
    if db == "sqlite":
        with tempfile.TemporaryDirectory(prefix="as-bench-queue-") as tmp:
            source = Path(env["AFTERSALES_VAR_DIR"])
            for name in ("aftersales.sqlite3", "secret_key"):
                shutil.copy(source / name, Path(tmp) / name)
            yield _env(tmp, None)
        return
    name = f"{PG_PREFIX}_cases_{cases}_run"
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg(f'CREATE DATABASE "{name}" TEMPLATE "{PG_PREFIX}_cases_{cases}"')
    try:
        with tempfile.TemporaryDirectory(prefix="as-bench-queue-") as tmp:
            shutil.copy(Path(env["AFTERSALES_VAR_DIR"]) / "secret_key", Path(tmp) / "secret_key")
            yield _env(tmp, _pg_url(name))
    finally:
        _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ----------------------------------------------------------------------------- (b) pages
class Server:
    """gunicorn serving the app on a free local port."""

    def __init__(self, env: dict, log: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "aftersales.wsgi", "-w", str(WORKERS), "-b",
             f"127.0.0.1:{self.port}", "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/api/v1/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def get(self, path: str, cookie: str = "") -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


PAGES = [("queue", "/cases/queue/"), ("list", "/cases/"), ("overdue", "/cases/overdue/"),
         ("home", "/")]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered))) - 1)]


def pages(env: dict, samples: int) -> dict:
    """{page: {"p50", "p95", "n"}} over HTTP, one request at a time."""
    login = _last_json(_aftersales(env, "bench", "session", "--role", ROLE))
    cookie = f"{login['cookie']}={login['value']}"
    out = {}
    with tempfile.TemporaryDirectory(prefix="as-bench-queue-log-") as tmp:
        server = Server(env, Path(tmp) / "gunicorn.log")
        try:
            for name, path in PAGES:
                for _ in range(2 * WORKERS):  # every worker warm (workflows, plans, caches)
                    server.get(path, cookie)
                times = []
                for i in range(samples):
                    url = path if name == "home" else f"{path}?page={1 + i % 5}"
                    started = time.perf_counter()
                    status, body = server.get(url, cookie)
                    times.append((time.perf_counter() - started) * 1000)
                    if status != 200 or (name != "home" and b"AS-" not in body):
                        raise RuntimeError(f"GET {url}: {status} {body[:300]!r}")
                out[name] = {"p50": round(statistics.median(times), 1),
                             "p95": round(_percentile(times, 0.95), 1), "n": len(times)}
        finally:
            server.stop()
            log = (Path(tmp) / "gunicorn.log").read_text(errors="replace")
            if "Traceback" in log:
                print(log[-2000:], file=sys.stderr)
    return out


# ----------------------------------------------------------------------------- (c) sweep
def child_sweep() -> dict:
    """In a process on the work copy: the SLA sweep, then again (nothing new to do)."""
    import django

    django.setup()
    from aftersales.cases.models import Case
    from aftersales.cases.services import sla_sweep

    open_cases = Case.objects.exclude(state_category="closed").count()
    started = time.perf_counter()
    counts = sla_sweep()
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = sla_sweep()
    return {"open": open_cases, "sweep_s": round(seconds, 2), "sweep": counts,
            "sweep_again_s": round(time.perf_counter() - started, 2), "sweep_again": again}


def sweep(env: dict) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.bench_queue", "--sweep"], env=env,
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"sweep failed:\n{done.stderr[-3000:]}")
    return _last_json(done.stdout)


# ----------------------------------------------------------------------------- run
def measure(db: str, cases: int, samples: int) -> list[dict]:
    env, seeded = template(db, cases)
    extra = {"db": db, "cases": cases}
    figures = [figure(NAME, "seed_seconds", seeded["seconds"], "s", None,
                      reused=seeded["reused"], **extra)]
    with work_copy(db, cases, env) as work:
        plans = _last_json(_aftersales(work, "bench", "plans", "--role", ROLE))
        measured = pages(work, samples)
        swept = sweep(work)
    for name, path in PAGES:
        sorts = plans.get(name, plans["queue"] if name == "home" else {}).get("sorts", [])
        for step in sorts:
            print(f"# {db} {path}: sort step: {step}", file=sys.stderr)
        m = measured[name]
        figures += [
            figure(NAME, f"{name}_page_p95_ms", m["p95"], "ms", TARGET_MS, path=path,
                   samples=m["n"], sort_steps=sorts, **extra),
            figure(NAME, f"{name}_page_p50_ms", m["p50"], "ms", None, path=path,
                   samples=m["n"], **extra),
        ]
    return figures + [
        figure(NAME, "sla_sweep_seconds", swept["sweep_s"], "s", "<= 5", swept=swept["sweep"],
               open_cases=swept["open"], **extra),
        figure(NAME, "sla_sweep_again_seconds", swept["sweep_again_s"], "s", None,
               swept=swept["sweep_again"], **extra),
    ]


def _pg_reachable() -> bool:
    try:
        _pg("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL: skip its figures
        print(f"# bench queue: PostgreSQL not reachable ({exc}); skipping", file=sys.stderr)
        return False
    return True


def run(quick: bool | None = None) -> list[dict]:
    quick = quick if quick is not None else quick_mode()
    cases = int(os.environ.get("AFTERSALES_BENCH_CASES") or (50_000 if quick else 1_000_000))
    samples = 20 if quick else 60
    figures = measure("sqlite", cases, samples)
    if _pg_reachable():
        figures += measure("postgresql", cases, samples)
    return figures


if __name__ == "__main__":
    if "--sweep" in sys.argv:
        print(json.dumps(child_sweep()))
    else:
        for row in run(quick="--quick" in sys.argv):
            print(json.dumps(row, ensure_ascii=False))
