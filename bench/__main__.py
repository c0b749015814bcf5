"""`python -m bench [--only NAME] [--quick] [--list]`: run every bench/bench_*.py module.

The run starts with the calibration figures (bench "calibration": the Python loop, the
machine_factor, a batch of single-row inserts per database). Each figure is printed as one JSON
line {"bench", "figure", "value", "unit", "target", "db", "at", ...} — time and rate figures
also with "normalized" (on a machine of factor 1.0) and "meets" (the target checked against the
normalized figure) — and appended to var/bench/results.jsonl. Exit status 1 if a benchmark
module failed.
"""

import argparse
import importlib
import inspect
import json
import os
import sys
import traceback
from pathlib import Path

from bench import QUICK_ENV, calibrate, machine_factor, normalize, now_iso

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = Path(os.environ.get("AFTERSALES_VAR_DIR", BENCH_DIR.parent / "var")) / "bench" \
    / "results.jsonl"


def discover() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this benchmark (bench_NAME.py); repeatable")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    names = discover()
    if args.list:
        print("\n".join(names))
        return 0
    if args.only:
        unknown = set(args.only) - set(names)
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(names)})")
        names = [n for n in names if n in args.only]
    if args.quick:
        os.environ[QUICK_ENV] = "1"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    print("# calibration…", file=sys.stderr, flush=True)
    _emit(calibrate(), quick=args.quick)
    failed = []
    for name in names:
        print(f"# bench {name}{' (quick)' if args.quick else ''}…", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"bench.bench_{name}")
            run = module.run
            params = inspect.signature(run).parameters
            figures = run(quick=args.quick) if "quick" in params else run()
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        for fig in figures:
            fig.setdefault("bench", name)
        _emit(figures, quick=args.quick)
    if failed:
        print(f"# failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def meets(fig: dict) -> bool | None:
    """The target (">= 0.5", "<= 100", "< 0.5") checked against the normalized figure, or
    against the value where there is none (ratios)."""
    target = str(fig.get("target") or "").split()
    if len(target) != 2:
        return None
    value = fig.get("normalized", fig.get("value"))
    op, bound = target[0], float(target[1])
    return {">=": value >= bound, "<=": value <= bound, ">": value > bound,
            "<": value < bound}.get(op)


def _emit(figures: list[dict], *, quick: bool) -> None:
    at, factor = now_iso(), machine_factor()
    with RESULTS.open("a", encoding="utf-8") as out:
        for fig in figures:
            fig.setdefault("target", None)
            normalize(fig, factor)
            if fig["target"] is not None:
                fig["meets"] = meets(fig)
            fig.setdefault("at", at)
            if quick:
                fig.setdefault("quick", True)
            line = json.dumps(fig, ensure_ascii=False)
            print(line, flush=True)
            out.write(line + "\n")


if __name__ == "__main__":
    sys.exit(main())
