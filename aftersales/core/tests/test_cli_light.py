"""The light path of the `aftersales` command: `policy evaluate` and `calendar add` start with
only the apps they need, and answer exactly as Django's full command line does."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from aftersales.cli import LIGHT_COMMANDS, light_command
from aftersales.policy.tests.samples import SAMPLE_REQUEST


@pytest.mark.parametrize("argv, light", [
    (["policy", "evaluate", "req.json"], True),
    (["policy", "evaluate", "-"], True),
    (["calendar", "add", "2026-01-05", "--working-days", "3"], True),
    (["calendar", "show", "2026"], False),
    (["policy", "list"], False),
    (["migrate"], False),
    ([], False),
    (["policy", "evaluate", "--help"], False),
    (["calendar", "add", "2026-01-05", "--days", "1", "--settings=other.settings"], False),
])
def test_only_the_two_everyday_commands_take_the_light_path(argv, light):
    assert (light_command(argv) is not None) is light


@pytest.mark.parametrize("command", sorted(LIGHT_COMMANDS))
def test_the_light_apps_hold_every_model_their_models_point_at(command):
    """A relation to a model of an app left out would fail only when followed: the light app
    list must be closed under the relations of its models (and hold the user model)."""
    _module, names = LIGHT_COMMANDS[command]
    labels = {apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in names}
    assert settings.AUTH_USER_MODEL.split(".")[0] in labels
    missing = set()
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if field.is_relation and field.concrete and field.related_model is not None:
                    related = field.related_model._meta.app_label
                    if related not in labels:
                        missing.add(f"{model._meta.label}.{field.name} -> {related}")
    assert not missing


def _run(args: list[str], env: dict, *, full: bool) -> subprocess.CompletedProcess:
    # The full path is Django's own command line with every app and the system checks.
    entry = ["-m", "django"] if full else ["-m", "aftersales.cli"]
    return subprocess.run([sys.executable, *entry, *args], capture_output=True, text=True,
                          timeout=120, env=env, input="{nope")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, django_db_setup, django_db_blocker):
    """A migrated embedded database of its own, for the subprocesses (they can't see the
    in-memory test database): a copy of the freshly migrated test database, made with
    sqlite3's backup API — running `migrate` in a subprocess took ten seconds."""
    if connection.vendor != "sqlite":
        pytest.skip("the subprocesses use an embedded database of their own; once is enough")
    var = tmp_path_factory.mktemp("cli-light")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(AFTERSALES_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="aftersales.settings")
    with django_db_blocker.unblock():
        connection.ensure_connection()
        with sqlite3.connect(var / "aftersales.sqlite3") as copy:
            connection.connection.backup(copy)
        copy.close()
    bad = dict(SAMPLE_REQUEST, kind="teleport")
    (var / "req.json").write_text(json.dumps(SAMPLE_REQUEST), "utf-8")
    (var / "bad.json").write_text(json.dumps(bad), "utf-8")
    return var, env


@pytest.mark.duration(11)  # both command lines, several times each, as subprocesses
@pytest.mark.django_db  # so that the test database exists to be copied
def test_light_and_full_path_answer_alike(migrated):
    if connection.vendor != "sqlite":
        pytest.skip("the subprocesses use an embedded database of their own; once is enough")
    var, env = migrated
    cases = [
        ["policy", "evaluate", str(var / "req.json")],
        ["policy", "evaluate", str(var / "bad.json")],
        ["policy", "evaluate", "-"],                      # not JSON (standard input)
        ["calendar", "add", "2026-01-05", "--working-days", "3"],
        ["calendar", "add", "2026-02-13T17:00", "--business-hours", "3", "--department", "x"],
        ["calendar", "add", "2099-01-05", "--working-days", "3"],  # a year without data
        ["calendar", "add", "2026-13-01", "--working-days", "3"],
    ]
    for args in cases:
        light, full = _run(args, env, full=False), _run(args, env, full=True)
        assert (light.returncode, light.stdout, light.stderr) == \
            (full.returncode, full.stdout, full.stderr), args
    assert json.loads(_run(cases[0], env, full=False).stdout)["allowed"] is True


@pytest.mark.django_db
def test_calendar_add_loads_neither_the_api_nor_the_schemas_nor_other_apps(migrated):
    if connection.vendor != "sqlite":
        pytest.skip("the subprocess uses an embedded database of its own; once is enough")
    _var, env = migrated
    heavy = ("ninja", "pydantic", "django.contrib.admin", "aftersales.cases", "aftersales.api")
    code = ("import atexit, sys\n"
            f"atexit.register(lambda: print(sorted(m for m in {heavy!r} if m in sys.modules)))\n"
            "sys.argv = ['aftersales', 'calendar', 'add', '2026-01-05', '--working-days', '3']\n"
            "from aftersales.cli import main\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["2026-01-08", "[]"]
