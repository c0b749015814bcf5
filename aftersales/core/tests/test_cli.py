"""The `aftersales` console command (issue 2 item 1)."""

import os
import subprocess
import sys


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aftersales.cli", *args], capture_output=True, text=True,
        timeout=120, env=env if env is not None else dict(os.environ),
    )


def test_help_lists_what_the_product_can_do():
    result = _run("--help")
    assert result.returncode == 0
    for command in ("demo load", "import orders", "policy evaluate", "calendar add", "worker"):
        assert command in result.stdout
    assert "[policy]" in result.stdout  # and every management command behind it


def test_an_unmigrated_database_is_a_clear_message_not_a_traceback(tmp_path):
    # given an empty embedded database (a fresh var/ directory)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["AFTERSALES_VAR_DIR"] = str(tmp_path)
    # when a command needs its tables
    result = _run("policy", "list", env=env)
    # then it says what to do and exits 2
    assert result.returncode == 2
    assert "aftersales migrate" in result.stderr
    assert "Traceback" not in result.stderr
