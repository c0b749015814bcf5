"""Production settings (DEBUG off): HSTS, Secure/HttpOnly/SameSite cookies, a CSP without
inline scripts or other hosts, the proxy SSL header, a working-day session, API docs from
vendored files — the headers a standard security check looks for."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from aftersales.accounts.tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_DIRS = [p for p in (ROOT / "aftersales").rglob("templates") if p.is_dir()]


def _settings_under(env: dict) -> dict:
    """The settings module's values in a fresh process with ``env``."""
    code = ("import json, aftersales.settings as s; print(json.dumps({k: getattr(s, k, None) "
            "for k in ('DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
            "'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_AGE', "
            "'SECURE_SSL_REDIRECT')}))")
    base = {k: v for k, v in os.environ.items() if not k.startswith("AFTERSALES_")}
    out = subprocess.run([sys.executable, "-c", code], env={**base, **env}, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_debug_off_turns_the_https_settings_on():
    on = _settings_under({"AFTERSALES_DEBUG": "0"})
    assert on["SESSION_COOKIE_SECURE"] and on["CSRF_COOKIE_SECURE"]
    assert on["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert on["SESSION_COOKIE_AGE"] == 9 * 3600
    assert on["SECURE_SSL_REDIRECT"] is False  # the proxy redirects; AFTERSALES_SSL_REDIRECT=1
    assert _settings_under({"AFTERSALES_DEBUG": "0", "AFTERSALES_SSL_REDIRECT": "1",
                            "AFTERSALES_SESSION_HOURS": "4"}) == {
        **on, "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_AGE": 4 * 3600}
    # a plain-HTTP demo on the loopback (make run) and development turn them off
    for env in ({"AFTERSALES_DEBUG": "0", "AFTERSALES_HTTPS": "0"}, {"AFTERSALES_DEBUG": "1"}):
        off = _settings_under(env)
        assert not off["SESSION_COOKIE_SECURE"] and not off["SECURE_HSTS_SECONDS"]


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_pages_send_the_security_headers(client):
    r = client.get("/accounts/login/", secure=True)
    assert r.status_code == 200
    assert r["Strict-Transport-Security"].startswith("max-age=31536000")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Frame-Options"] == "DENY"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = dict(d.strip().split(" ", 1) for d in r["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'"
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert not re.search(r"https?:|\*", r["Content-Security-Policy"])


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_cookies_are_secure_httponly_samesite_and_last_a_working_day(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(roles=["customer_service"])
    client.get("/accounts/login/", secure=True)
    r = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD},
                    secure=True)
    assert r.status_code == 302
    session = r.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == 9 * 3600
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_the_api_docs_load_only_vendored_files(client):
    r = client.get("/api/v1/docs", secure=True)
    page = r.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith(("/static/vendor/", "data:")) for s in sources)
    assert "Content-Security-Policy" in r
    for src in sources:
        if src.startswith("/static/"):
            assert client.get(src).status_code == 200, src


def test_no_template_has_an_inline_script_or_an_event_handler_attribute():
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text("utf-8")
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and "application/json" not in tag:
                    offenders.append(f"{path}: {tag}")
            offenders += [f"{path}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
            offenders += [f"{path}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert not offenders
