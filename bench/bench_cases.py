"""Case benchmarks (issue 4 item 11).

(a) Intake through the HTTP API — a case with 2 lines, policy evaluation, timeline events and an
    outbox row — against the trivial one-row insert POST /api/v1/bench/ping, same gunicorn
    server (127.0.0.1, 2 sync workers), same auth (X-API-Key), 4 client threads; 8 interleaved
    rounds of each, requests/s and the intake/ping ratio per round, medians reported (target
    >= 0.5), on SQLite and on PostgreSQL.
(b) The queue page (/cases/queue/, a customer-service agent) over N cases in PostgreSQL
    (1 000 000; --quick 50 000): p95 of the full page render (target <= 100 ms).
(c) The SLA sweep over the same N cases (95 % open, 1 % of those past due): seconds
    (target <= 5 s).

    python -m bench --only cases [--quick]
    AFTERSALES_BENCH_CASES=200000 python -m bench --only cases     # another N for (b)/(c)
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import figure
from bench import quick as quick_mode

NAME = "cases"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("AFTERSALES_BENCH_PG_ADMIN",
                              "postgres://root@127.0.0.1:5432/postgres")
PG_DB = "as_bench_cases"
THREADS = 4
WORKERS = int(os.environ.get("AFTERSALES_BENCH_WORKERS", "2"))
ROUNDS = 8


# ----------------------------------------------------------------------------- helpers
def _env(tmp: str, database_url: str | None) -> dict:
    # bench.settings: the product plus the ping endpoint the intake is compared with.
    env = dict(os.environ, AFTERSALES_VAR_DIR=tmp, AFTERSALES_DEBUG="0",
               DJANGO_SETTINGS_MODULE="bench.settings", PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                          if p))
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _manage(env: dict, *args: str) -> str:
    proc = subprocess.run([str(BIN / "aftersales"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(f"aftersales {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


def _pg_create() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL: skip its figures
        print(f"# bench cases: PostgreSQL not reachable ({exc}); skipping", file=sys.stderr)
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB}"


def _pg_drop() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------- (a) intake
class Server:
    def __init__(self, env: dict, log: Path) -> None:
        self.port = _free_port()
        self.log = log
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "aftersales.wsgi", "-w", str(WORKERS), "-b",
             f"127.0.0.1:{self.port}", "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/api/v1/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data, headers={
                "Content-Type": "application/json", **(headers or {})})
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


def _loop(make_request, n: int) -> float:
    """n requests over THREADS threads; requests/s. Every answer must be 201."""
    counter = iter(range(n))
    lock = threading.Lock()
    failures: list[str] = []

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            status, body = make_request(i)
            if status != 201:
                failures.append(f"{status} {body[:300]!r}")
                return

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"bench request failed: {failures[0]}")
    return n / seconds


def intake_vs_ping(db: str, database_url: str | None, requests: int) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="as-bench-cases-") as tmp:
        env = _env(tmp, database_url)
        _manage(env, "migrate", "-v0")
        fixture = json.loads(_manage(env, "bench", "intake-fixture", "--orders",
                                     str(2 * requests + 40)).strip().splitlines()[-1])
        orders, auth = fixture["orders"], {"X-API-Key": fixture["key"]}
        server = Server(env, Path(tmp) / "gunicorn.log")
        try:
            used = iter(range(len(orders)))

            def intake(_i):
                o = orders[next(used)]
                return server.request("POST", "/api/v1/cases", {
                    "kind": "return", "order_number": o["number"], "phone": o["phone"],
                    "reason": "quality", "description": "开线", "evaluate": True,
                    "lines": [{"line_no": 1, "quantity": 1}, {"line_no": 2, "quantity": 1}]},
                    {**auth, "Idempotency-Key": f"bench-{o['number']}"})

            def ping(_i):
                return server.request("POST", "/api/v1/bench/ping", {}, auth)

            _loop(ping, 20)  # warm both workers
            _loop(intake, 10)
            # Interleaved rounds, each pairing a ping batch with an intake batch (which one
            # goes first alternates): the ratio is taken per round, so drift on a shared,
            # noisy machine hits both sides of each ratio alike; the medians are reported.
            per = max(10, 2 * requests // ROUNDS)
            pings, intakes, ratios = [], [], []
            for i in range(ROUNDS):
                if i % 2:
                    intakes.append(_loop(intake, per))
                    pings.append(_loop(ping, per))
                else:
                    pings.append(_loop(ping, per))
                    intakes.append(_loop(intake, per))
                ratios.append(intakes[-1] / pings[-1])
        finally:
            server.stop()
            log = server.log.read_text(errors="replace")
            if "Traceback" in log:
                print(log[-2000:], file=sys.stderr)
        extra = {"db": db, "requests": per * ROUNDS, "rounds": ROUNDS, "threads": THREADS,
                 "workers": WORKERS}
        return [
            figure(NAME, "intake_api_requests_per_s", round(statistics.median(intakes), 1),
                   "req/s", None, **extra),
            figure(NAME, "ping_insert_requests_per_s", round(statistics.median(pings), 1),
                   "req/s", None, **extra),
            figure(NAME, "intake_to_ping_ratio", round(statistics.median(ratios), 3), "ratio",
                   ">= 0.5", spread=[round(min(ratios), 3), round(max(ratios), 3)], **extra),
        ]


# ----------------------------------------------------------------------------- (b), (c)
def child_queue_and_sweep(samples: int) -> dict:
    """In a process on the seeded database: p95 of the queue page, then one SLA sweep."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from aftersales.accounts.models import Department
    from aftersales.cases.models import Case
    from aftersales.cases.services import sla_sweep

    User = get_user_model()
    agent = User.objects.create(username="bench-agent", department=Department.objects.filter(
        code="customer_service").first())
    agent.groups.add(Group.objects.get(name="customer_service"))
    client = Client()
    client.force_login(agent)
    for _i in range(3):  # warm caches (workflows, policy documents, plans)
        assert client.get("/cases/queue/").status_code == 200
    times = []
    for i in range(samples):
        page = 1 + (i % 5)
        started = time.perf_counter()
        r = client.get(f"/cases/queue/?page={page}")
        times.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200 and b"AS-" in r.content
    times.sort()
    home = []
    for _i in range(max(10, samples // 4)):
        started = time.perf_counter()
        assert client.get("/").status_code == 200
        home.append((time.perf_counter() - started) * 1000)
    home.sort()
    open_cases = Case.objects.exclude(state_category="closed").count()
    started = time.perf_counter()
    counts = sla_sweep()
    sweep_s = time.perf_counter() - started
    started = time.perf_counter()
    again = sla_sweep()
    sweep_again_s = time.perf_counter() - started
    return {"db": connection.vendor, "cases": Case.objects.count(), "open": open_cases,
            "queue_p50_ms": round(times[len(times) // 2], 1),
            "queue_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "home_p95_ms": round(home[int(len(home) * 0.95) - 1], 1),
            "sweep_s": round(sweep_s, 2), "sweep": counts,
            "sweep_again_s": round(sweep_again_s, 2), "sweep_again": again}


def queue_and_sweep(cases: int, samples: int) -> list[dict]:
    url = _pg_create()
    if url is None:
        return []
    try:
        with tempfile.TemporaryDirectory(prefix="as-bench-cases-") as tmp:
            env = _env(tmp, url)
            _manage(env, "migrate", "-v0")
            seeded = json.loads(_manage(env, "bench", "seed", "--cases", str(cases)
                                        ).strip().splitlines()[-1])
            proc = subprocess.run([sys.executable, "-m", "bench.bench_cases", "--child",
                                   "--samples", str(samples)], env=env, cwd=ROOT,
                                  capture_output=True, text=True, check=False)
            if proc.returncode:
                raise RuntimeError(f"bench cases child failed:\n{proc.stderr[-3000:]}")
            r = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        _pg_drop()
    extra = {"db": "postgresql", "cases": r["cases"], "open_cases": r["open"]}
    return [
        figure(NAME, "seed_seconds", seeded["seconds"], "s", None, **extra),
        figure(NAME, "queue_page_p95_ms", r["queue_p95_ms"], "ms", "<= 100", samples=samples,
               p50_ms=r["queue_p50_ms"], **extra),
        figure(NAME, "home_page_p95_ms", r["home_p95_ms"], "ms", None, **extra),
        figure(NAME, "sla_sweep_seconds", r["sweep_s"], "s", "<= 5", swept=r["sweep"],
               **extra),
        figure(NAME, "sla_sweep_again_seconds", r["sweep_again_s"], "s", None,
               swept=r["sweep_again"], **extra),
    ]


def run(quick: bool | None = None) -> list[dict]:
    quick = quick if quick is not None else quick_mode()
    requests = 100 if quick else 400
    cases = int(os.environ.get("AFTERSALES_BENCH_CASES") or (50_000 if quick else 1_000_000))
    figures = intake_vs_ping("sqlite", None, requests)
    url = _pg_create()
    if url is not None:
        try:
            figures += intake_vs_ping("postgresql", url, requests)
        finally:
            _pg_drop()
    figures += queue_and_sweep(cases, 40 if quick else 100)
    return figures


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_queue_and_sweep(args.samples)))
    else:
        for fig in run(quick=args.quick):
            print(json.dumps(fig, ensure_ascii=False))


if __name__ == "__main__":
    main()
