"""The app map holds: the import-linter contracts in pyproject.toml pass (layers, no cycles,
views kept apart), and docs/architecture.md draws the same layers in the same order."""

import re
import tomllib
from pathlib import Path

from importlinter import configuration
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "pyproject.toml"


def _layers() -> list[list[str]]:
    contracts = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"]["importlinter"][
        "contracts"]
    (app_map,) = [c for c in contracts if c["id"] == "app-map"]
    return [[name.strip("() ") for name in re.split(r"[|:]", layer)]
            for layer in app_map["layers"]]


def test_the_import_contracts_hold(capsys):
    configuration.configure()  # what the lint-imports command does first
    kept = lint_imports(config_filename=str(CONFIG), no_logo=True, cache_dir=None)
    assert kept, capsys.readouterr().out


def test_docs_draw_the_layers_the_contracts_check():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawing = text.split("## The app map", 1)[1].split("```")[1]
    known = {name for layer in _layers() for name in layer}
    rows = []
    for line in drawing.splitlines():
        # each row names its apps in the first 40 columns, then says what they are
        names = [word for word in line[:40].split() if word in known]
        if names:
            rows.append(names)
    assert rows == _layers()
