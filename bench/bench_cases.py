"""Case benchmarks (issue 4 item 11).

(a) Intake through the HTTP API — a case with 2 lines, policy evaluation, timeline events and an
    outbox row — against the trivial one-row insert POST /api/v1/bench/ping, same gunicorn
    server (127.0.0.1, 2 sync workers), same auth (X-API-Key), 4 client threads; 8 interleaved
    rounds of each, requests/s and the intake/ping ratio per round, medians reported (floor
    >= 0.40 on SQLite, >= 0.33 on PostgreSQL: issue 9 item 10), on SQLite and on PostgreSQL.
(b) and (c), the queue and list pages and the SLA sweep at a million cases, are in
    bench_queue.py.

    python -m bench --only cases [--quick]
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


# The floor the plain-ORM intake must hold (issue 9 item 10).
RATIO_FLOOR = {"sqlite": ">= 0.40", "postgresql": ">= 0.33"}


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
                   RATIO_FLOOR.get(db, ">= 0.33"),
                   spread=[round(min(ratios), 3), round(max(ratios), 3)], **extra),
        ]


def run(quick: bool | None = None) -> list[dict]:
    quick = quick if quick is not None else quick_mode()
    requests = 100 if quick else 400
    figures = intake_vs_ping("sqlite", None, requests)
    url = _pg_create()
    if url is not None:
        try:
            figures += intake_vs_ping("postgresql", url, requests)
        finally:
            _pg_drop()
    return figures


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for fig in run(quick=args.quick):
        print(json.dumps(fig, ensure_ascii=False))


if __name__ == "__main__":
    main()
