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
