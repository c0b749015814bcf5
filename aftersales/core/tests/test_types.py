"""The pure engines (policy decisions, workflow rules) type-check under mypy --strict; the
files and options are [tool.mypy] in pyproject.toml."""

import os
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[3]


def test_the_engines_pass_mypy_strict():
    cwd = os.getcwd()
    os.chdir(ROOT)  # mypy reads [tool.mypy] and resolves its file list from the repository root
    try:
        out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml")])
    finally:
        os.chdir(cwd)
    assert status == 0, out + err
    assert "Success: no issues found" in out
