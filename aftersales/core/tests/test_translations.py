"""The Chinese catalogue is whole: no message left untranslated or as makemessages' fuzzy guess
(a fuzzy entry is not compiled, so users would read English), and the compiled file is current."""

import shutil
import subprocess
from pathlib import Path

import pytest

import aftersales

ROOT = Path(aftersales.__file__).parent
# The project's catalogue and each app's own (an app may keep its messages beside its code).
CATALOGUES = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))

needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None,
                                   reason="GNU gettext (msgfmt) is not installed")


@needs_gettext
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_has_its_chinese_and_none_is_a_fuzzy_guess(po):
    # msgfmt --statistics: "N translated messages, M fuzzy translations, K untranslated messages."
    out = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
                         capture_output=True, text=True, check=True).stderr
    assert "fuzzy" not in out and "untranslated" not in out, out


@needs_gettext
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_the_source(po, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), (
        "django.po changed without compilemessages")


def _messages(po: Path) -> dict[str, str]:
    """msgid → msgstr of a catalogue's plain entries (no context, no plural), strings joined."""
    out: dict[str, str] = {}
    entry: dict[str, str] = {}
    key = ""
    for line in [*po.read_text("utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ", "msgctxt ", "msgid_plural ")):
            key, _sep, value = line.partition(" ")
            entry[key] = value[1:-1]
        elif line.startswith('"') and key:
            entry[key] += line[1:-1]
        elif not line.strip():
            if entry.get("msgid") and "msgctxt" not in entry and "msgid_plural" not in entry:
                out[entry["msgid"]] = entry.get("msgstr", "")
            entry, key = {}, ""
    return out


def test_the_project_catalogue_does_not_change_an_apps_translation():
    # Django looks in LOCALE_PATHS (the project's catalogue) before the apps' own: an entry
    # there with the same English and another Chinese silently replaces the app's wording
    # (an RMA export's 收件方 became 收货人 that way). Give such a text its own English.
    project = _messages(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po")
    clashes = [f"{po.relative_to(ROOT)}: {msgid!r} is {text!r} there, {project[msgid]!r} in "
               "the project's catalogue"
               for po in CATALOGUES if not str(po).startswith(str(ROOT / "locale"))
               for msgid, text in _messages(po).items()
               if msgid in project and text and project[msgid] and project[msgid] != text]
    assert not clashes, "\n".join(clashes)
