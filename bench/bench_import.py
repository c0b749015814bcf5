"""Import benchmark (issue 2 item 9): time and peak memory to import generated order CSVs.

Each measurement runs in a fresh subprocess with a fresh database (SQLite file in a temporary
directory; PostgreSQL database `as_bench`, created and dropped), so peak RSS is the import's
own. Two file sizes show that memory stays flat in the file size (streamed, batched inserts).

    python -m bench --only import [--quick]
    python -m bench.bench_import --child --orders 20000      # one measurement, JSON on stdout
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import figure
from bench import quick as quick_mode

NAME = "import"
PG_ADMIN_URL = os.environ.get("AFTERSALES_BENCH_PG_ADMIN", "postgres://root@127.0.0.1:5432/postgres")
PG_BENCH_DB = "as_bench"
SIZES = (20_000, 100_000)
QUICK_SIZES = (2_000, 10_000)
TARGET_LINES_PER_S = 5_000  # issue 2 item 9, SQLite on the project machines
PRODUCTS = 200


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(orders: int) -> dict:
    """Generate the file, migrate, seed products, import twice (new, then unchanged)."""
    from bench.gen_orders import product_price, product_sku, write_orders

    workdir = Path(os.environ["AFTERSALES_VAR_DIR"])
    path = workdir / f"orders-{orders}.csv"
    lines = write_orders(str(path), orders=orders, products=PRODUCTS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from aftersales.catalog.models import Category, Product
    from aftersales.imports.services import import_file

    call_command("migrate", verbosity=0)
    category = Category.objects.create(code="bench", name="bench")
    Product.objects.bulk_create([
        Product(sku=product_sku(i), name=f"商品{i}", category=category,
                list_price=product_price(i)) for i in range(PRODUCTS)])
    rss_before = _rss_mb()
    load = os.getloadavg()[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    result = import_file(kind="orders", source=path, file_name=path.name)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak = _rss_mb()
    if not result.ok:
        raise SystemExit("import failed: " + "; ".join(str(e) for e in result.errors[:5]))
    started = time.perf_counter()
    again = import_file(kind="orders", source=path, file_name=path.name)
    reimport_seconds = time.perf_counter() - started
    assert again.run.unchanged == orders and again.run.created == 0, again.run
    return {"db": connection.vendor, "orders": orders, "lines": lines,
            "file_mb": round(path.stat().st_size / 2**20, 1), "seconds": round(seconds, 2),
            "lines_per_s": round(lines / seconds), "orders_per_s": round(orders / seconds),
            "lines_per_cpu_s": round(lines / cpu_seconds), "load_avg": round(load, 1),
            "reimport_lines_per_s": round(lines / reimport_seconds),
            "rss_before_mb": round(rss_before, 1), "peak_rss_mb": round(peak, 1)}


def _measure(orders: int, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="as-bench-") as tmp:
        env = dict(os.environ, AFTERSALES_VAR_DIR=tmp)
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        proc = subprocess.run(
            [sys.executable, "-m", "bench.bench_import", "--child", "--orders", str(orders)],
            env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
            check=False)
        if proc.returncode:
            raise RuntimeError(f"bench child failed ({orders} orders):\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def _postgres_url() -> str | None:
    """Create a throwaway database; None (with a message) when PostgreSQL is not reachable."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}"')
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    except Exception as exc:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        print(f"# bench import: PostgreSQL not reachable at {PG_ADMIN_URL} ({exc}); "
              "skipping the PostgreSQL figures", file=sys.stderr)
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def _drop_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}" WITH (FORCE)')


def _figures(db: str, results: list[dict]) -> list[dict]:
    large = results[-1]
    target = f">= {TARGET_LINES_PER_S}" if db == "sqlite" else None
    # the machines are shared: the load average says how much the wall-clock figure is worth;
    # lines per CPU-second of the importing process is steadier (on PostgreSQL it leaves out
    # the server's own time).
    extra = {"db": db, "orders": large["orders"], "lines": large["lines"],
             "load_avg": large["load_avg"]}
    figures = [
        figure(NAME, "lines_per_s", large["lines_per_s"], "lines/s", target, **extra),
        figure(NAME, "lines_per_cpu_s", large["lines_per_cpu_s"], "lines/s", None, **extra),
        figure(NAME, "orders_per_s", large["orders_per_s"], "orders/s", None, **extra),
        figure(NAME, "seconds", large["seconds"], "s", None, **extra),
        figure(NAME, "reimport_unchanged_lines_per_s", large["reimport_lines_per_s"],
               "lines/s", None, **extra),
    ]
    for r in results:  # two sizes: the growth during the import must not scale with the file
        figures.append(figure(NAME, f"peak_rss_mb_{r['orders']}_orders", r["peak_rss_mb"], "MiB",
                              None, db=db, orders=r["orders"], lines=r["lines"],
                              file_mb=r["file_mb"]))
        figures.append(figure(NAME, f"import_rss_growth_mb_{r['orders']}_orders",
                              round(r["peak_rss_mb"] - r["rss_before_mb"], 1), "MiB",
                              "flat in the file size", db=db, orders=r["orders"],
                              lines=r["lines"], file_mb=r["file_mb"]))
    return figures


def run(quick: bool | None = None) -> list[dict]:
    sizes = QUICK_SIZES if (quick if quick is not None else quick_mode()) else SIZES
    figures = _figures("sqlite", [_measure(n, None) for n in sizes])
    if _postgres_url():
        results = []
        try:
            for n in sizes:
                results.append(_measure(n, _postgres_url()))  # a fresh database each time
        finally:
            _drop_postgres()
        figures += _figures("postgresql", results)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--orders", type=int, default=QUICK_SIZES[0])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.orders)))
    else:
        for fig in run():
            print(json.dumps(fig, ensure_ascii=False))


if __name__ == "__main__":
    main()
