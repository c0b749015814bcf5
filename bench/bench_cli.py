"""Command-line start-up: how long `aftersales policy evaluate FILE` and `aftersales calendar add
DATE --working-days N` take from the shell prompt to the answer (target < 0.5 s normalized).

Each command runs as a subprocess on a freshly migrated embedded database, once to warm up and
then REPEAT times; the median is reported. Python's bytecode cache is on (as on an installed
machine; it goes to a temporary PYTHONPYCACHEPREFIX so the work tree stays clean). For
comparison, the same commands through Django's full command line (`python -m django`: every app,
every command, the system checks), and the light path without a bytecode cache (the first run
after an install or an upgrade).

    python -m bench --only cli
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import figure

NAME = "cli"
ROOT = Path(__file__).resolve().parent.parent
REPEAT = 5
TARGET = "< 0.5"


def _env(var: str, pycache: str | None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env.update(AFTERSALES_VAR_DIR=var, DJANGO_SETTINGS_MODULE="aftersales.settings")
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _seconds(argv: list[str], env: dict, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return statistics.median(times)


def _request() -> dict:
    """The POLICY-API request of the policy tests: a return within seven days."""
    from aftersales.policy.tests.samples import SAMPLE_REQUEST

    return SAMPLE_REQUEST


def run() -> list[dict]:
    python = sys.executable
    light = [str(Path(python).parent / "aftersales")]
    full = [python, "-m", "django"]
    commands = {
        "policy_evaluate": ["policy", "evaluate"],
        "calendar_add": ["calendar", "add", "2026-01-05", "--working-days", "3"],
    }
    figures = []
    with tempfile.TemporaryDirectory(prefix="as-bench-cli-") as tmp:
        var, pycache = str(Path(tmp) / "var"), str(Path(tmp) / "pycache")
        env = _env(var, pycache)
        subprocess.run(full + ["migrate", "-v0"], env=env, cwd=ROOT, check=True)
        request = Path(tmp) / "request.json"
        request.write_text(json.dumps(_request()), "utf-8")
        commands["policy_evaluate"].append(str(request))
        cold = _env(var, None)
        for name, args in commands.items():
            _seconds(light + args, env, repeat=1)  # writes the bytecode cache
            _seconds(full + args, env, repeat=1)
            extra = {"db": "sqlite", "repeat": REPEAT, "command": "aftersales " + " ".join(
                args[:2])}
            figures += [
                figure(NAME, f"{name}_seconds", round(_seconds(light + args, env), 3), "s",
                       TARGET, **extra),
                figure(NAME, f"{name}_full_path_seconds", round(_seconds(full + args, env), 3),
                       "s", None, **extra),
                figure(NAME, f"{name}_no_bytecode_cache_seconds",
                       round(_seconds(light + args, cold), 3), "s", None, **extra),
            ]
    return figures


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row, ensure_ascii=False))
