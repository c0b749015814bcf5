"""Policy engine benchmarks (issue 3 item 9).

    from bench.bench_policy import run; run()  ->  [{"bench": "policy", "figure": ...}, ...]
    python -m bench.bench_policy                  (prints the figures as JSON lines)

Figures: decisions/s of the in-process evaluator (parse + evaluate, the merged documents
resolved once, as policy_evaluate caches them) over 10 000 generated mixed requests across the
six shipped policies; decisions/s through the full service (resolve S9.7 + evaluate + log row);
start-up time of `aftersales policy evaluate FILE` (median of 5 runs).

When Django is not set up yet, it runs on a fresh temporary SQLite database (migrated, which
loads the shipped policies and seeds the calendar) so the developer's database is not touched;
BENCH_DATABASE_URL overrides that.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICIES = ["cn-consumer-law", "online-shop", "member-store", "outsourced-manufacturer",
            "electronics-rework", "machinery-dealer"]
N_REQUESTS = 10_000

_CATALOG = {
    "cn-consumer-law": ("online", "consumer", ["apparel", "shoes", "mobile_phone", "computer",
                                               "television", "refrigerator", "periodical"]),
    "online-shop": ("online", "consumer", ["apparel", "shoes", "accessories", "small_appliance",
                                           "cosmetics", "mobile_phone", "fresh_food"]),
    "member-store": ("offline", "member", ["drinkware", "tableware", "cookware", "water_machine",
                                           "air_purifier", "filter", "health_food", "tea"]),
    "outsourced-manufacturer": ("b2b", "business", ["pump", "valve", "motor"]),
    "electronics-rework": ("b2b", "business", ["camera_module", "sensor_module", "lens", "fpc",
                                               "display_module"]),
    "machinery-dealer": ("dealer", "dealer", ["tractor", "harvester", "farm_implement"]),
}
_KINDS = ["return", "exchange", "repair", "refund_only"]
_REASONS = ["no_reason", "quality", "damaged_in_transit", "wrong_item", "missing_part",
            "not_as_described", "other"]
_METHODS = ["wechat_pay", "alipay", "card", "bank_transfer", "cash", "balance"]


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def generate_requests(n: int = N_REQUESTS, seed: int = 7) -> list[dict]:
    """n POLICY-API requests spread over the six policies, kinds, reasons and conditions."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        policy = POLICIES[i % len(POLICIES)]
        channel, customer_type, categories = _CATALOG[policy]
        placed = datetime(2025, 1, 2, 9, tzinfo=SHANGHAI) + timedelta(
            days=rng.randrange(0, 300), minutes=rng.randrange(0, 600))
        signed = placed + timedelta(days=rng.randrange(1, 5), hours=rng.randrange(0, 8))
        asked = signed + timedelta(days=rng.choice([0, 1, 3, 6, 7, 8, 15, 30, 90, 200]),
                                   hours=rng.randrange(0, 10))
        lines = []
        for j in range(rng.randrange(1, 4)):
            price = rng.choice(["19.90", "99.00", "300.00", "1299.00", "4999.00"])
            lines.append({"sku": f"SKU-{policy[:3]}-{j}", "name": f"商品{j}",
                          "category": rng.choice(categories),
                          "tags": rng.sample(["consumable", "key_product", "promo_bundle"],
                                             rng.choice([0, 0, 0, 1])),
                          "unit_price": price, "points": rng.choice([0, 0, 100]),
                          "quantity": rng.randrange(1, 4)})
        total = sum(float(ln["unit_price"]) * ln["quantity"] for ln in lines)
        method = rng.choice(_METHODS)
        payments = [{"method": method, "amount": f"{total:.2f}", "paid_at": _iso(placed)}]
        items = [{"line": k, "quantity": rng.randrange(1, ln["quantity"] + 1),
                  "condition": {"unused": rng.random() < 0.7,
                                "packaging_intact": rng.random() < 0.8,
                                "all_parts_present": rng.random() < 0.9}}
                 for k, ln in enumerate(lines) if k == 0 or rng.random() < 0.5]
        history = {}
        if rng.random() < 0.2:
            sent = (signed + timedelta(days=10)).date()
            history["repairs"] = [{"fault": "no_power", "sent_at": sent.isoformat(),
                                   "returned_at": (sent + timedelta(days=20)).isoformat(),
                                   "fixed": rng.random() < 0.5}]
        if policy == "machinery-dealer" and rng.random() < 0.7:
            history["warranty_card_returned_at"] = (placed + timedelta(
                days=rng.randrange(1, 30))).date().isoformat()
        out.append({
            "policy": policy, "asked_at": _iso(asked), "kind": rng.choice(_KINDS),
            "reason": rng.choice(_REASONS),
            "order": {"number": f"BENCH-{i}", "placed_at": _iso(placed), "paid_at": _iso(placed),
                      "signed_at": _iso(signed), "channel": channel,
                      "customer": {"type": customer_type, "key_account": rng.random() < 0.1},
                      "payments": payments, "shipping_fee": rng.choice(["0.00", "10.00"]),
                      "promotions": [], "lines": lines},
            "items": items, "history": history,
            "evidence": rng.sample(["photos", "inspection_report"], rng.randrange(0, 3)),
        })
    return out


def _setup() -> str | None:
    """Django ready on a migrated database; returns the temp dir to remove, if any."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    from django.apps import apps

    tmp = None
    if not apps.ready:
        if os.environ.get("BENCH_DATABASE_URL"):
            os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        else:
            tmp = tempfile.mkdtemp(prefix="bench-policy-")
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        import django

        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from aftersales.policy.services import policies_load_directory

    policies_load_directory()
    return tmp


def _cli_startup(sample: dict) -> tuple[float, float]:
    """Median wall time and median CPU time (user + sys) of `aftersales policy evaluate FILE`
    over 5 runs, in seconds. CPU time doesn't grow when other processes load the machine."""
    import resource

    exe = Path(sys.executable).with_name("aftersales")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "aftersales.cli"]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(sample, fh, ensure_ascii=False)
        path = fh.name
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aftersales.settings"}
    times, cpu = [], []
    try:
        for _ in range(5):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            proc = subprocess.run(cmd + ["policy", "evaluate", path], env=env,
                                  capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if proc.returncode not in (0, 2):
                raise RuntimeError(f"policy evaluate failed: {proc.stderr[-500:]}")
    finally:
        os.unlink(path)
    return statistics.median(times), statistics.median(cpu)


def run(quick: bool = False) -> list[dict]:
    tmp = _setup()
    try:
        return _measure(n=2000 if quick else N_REQUESTS, own_db=tmp is not None)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _measure(*, n: int, own_db: bool) -> list[dict]:
    from django.db import transaction

    from aftersales.calendars.calendar import get_calendar
    from aftersales.core.errors import ApplicationError
    from aftersales.policy import engine
    from aftersales.policy.models import EvaluationChannel
    from aftersales.policy.services import policy_evaluate, policy_resolve
    from aftersales.policy.services.resolve import compiled

    requests = generate_requests(n)
    calendar = get_calendar()
    resolved = {}
    for name in POLICIES:
        version, merged = policy_resolve(name=name)
        resolved[name] = (version.label, compiled(version, merged))

    # Warm up (imports, caches), then time parse + evaluate over all 10 000 requests.
    invalid = 0
    for data in requests[:200]:
        try:
            label, doc = resolved[data["policy"]]
            engine.evaluate(engine.parse_request(data), doc, calendar=calendar,
                            version_label=label)
        except ApplicationError:
            pass
    t0, c0 = time.perf_counter(), time.process_time()
    for data in requests:
        label, doc = resolved[data["policy"]]
        try:
            engine.evaluate(engine.parse_request(data), doc, calendar=calendar,
                            version_label=label)
        except ApplicationError:
            invalid += 1
    engine_rate = len(requests) / (time.perf_counter() - t0)
    engine_cpu_rate = len(requests) / max(time.process_time() - c0, 1e-9)

    subset = requests[:1000]
    with transaction.atomic():  # on the configured database, the log rows are rolled back
        t0 = time.perf_counter()
        for data in subset:
            try:
                with transaction.atomic():
                    policy_evaluate(data=data, actor=None, channel=EvaluationChannel.CLI)
            except ApplicationError:
                pass
        service_rate = len(subset) / (time.perf_counter() - t0)
        transaction.set_rollback(not own_db)

    startup, startup_cpu = _cli_startup(requests[1])
    load = os.getloadavg()[0]
    return [
        {"bench": "policy",
         "figure": f"evaluator decisions/s ({len(requests)} mixed requests, 6 policies)",
         "value": round(engine_rate), "unit": "decisions/s", "target": ">= 5000",
         "note": f"{invalid} of {len(requests)} generated requests were refused as invalid; "
                 f"per CPU second: {round(engine_cpu_rate)}"},
        {"bench": "policy", "figure": "policy_evaluate decisions/s (resolve + evaluate + log row)",
         "value": round(service_rate), "unit": "decisions/s", "target": None},
        {"bench": "policy", "figure": "`aftersales policy evaluate` start-up (median of 5)",
         "value": round(startup, 3), "unit": "s", "target": "< 1",
         "note": f"load average {load:.1f} while measured"},
        {"bench": "policy", "figure": "`aftersales policy evaluate` CPU time (median of 5)",
         "value": round(startup_cpu, 3), "unit": "s", "target": "< 1"},
    ]


if __name__ == "__main__":
    for figure in run():
        print(json.dumps(figure, ensure_ascii=False))
