"""Django settings for Aftersales.

Everything a deployment changes comes from the environment:
DATABASE_URL (default: embedded SQLite under var/), AFTERSALES_SECRET_KEY, AFTERSALES_DEBUG,
AFTERSALES_ALLOWED_HOSTS, AFTERSALES_VAR_DIR; for HTTPS and abuse limits see "Production" in
the README (AFTERSALES_HTTPS, AFTERSALES_SSL_REDIRECT, AFTERSALES_HSTS_SECONDS,
AFTERSALES_PROXY_COUNT, AFTERSALES_SESSION_HOURS, AFTERSALES_LOGIN_FAILURE_LIMIT…).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("AFTERSALES_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("AFTERSALES_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


SECRET_KEY = _secret_key()
DEBUG = _env_bool("AFTERSALES_DEBUG")
ALLOWED_HOSTS = os.environ.get(
    "AFTERSALES_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]"
).split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("AFTERSALES_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    # Django's admin for superusers only (aftersales/administration/site.py; docs/settings.md)
    "aftersales.administration.site.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    # reference data
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.parties",
    "aftersales.catalog",
    "aftersales.sales",
    "aftersales.imports",
    # rules
    "aftersales.calendars",
    "aftersales.policy",
    "aftersales.workflow",
    # cases and around them
    "aftersales.documents",
    "aftersales.cases",
    "aftersales.notify",
    # execution: goods and money after the agreement
    "aftersales.logistics",
    "aftersales.quality",
    "aftersales.finance",
    "aftersales.charges",
    # the demo company: uses every other app, no app uses it. Not last: post_migrate skips an app
    # without models, and the role groups are synced when the last app's post_migrate arrives.
    "aftersales.demo",
    # faces
    "aftersales.administration",
    "aftersales.portal",
    "aftersales.workbench",
    "aftersales.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aftersales.core.cache.ScopeMiddleware",  # in-process caches: one stamp read per request
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "aftersales.core.middleware.EdgeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: embedded SQLite (WAL) unless DATABASE_URL names another.
SQLITE_PATH = VAR_DIR / "aftersales.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("AFTERSALES_TEST_SQLITE") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's own prepared statements, through Django's documented OPTIONS: parameters
    # bound by the server (server_side_binding), and a statement run more than
    # prepare_threshold times on a connection parsed and planned once. Off by default: once
    # PostgreSQL switches a prepared statement to its generic plan, a filter it can no longer
    # match to a partial index gets slow (measured at 1 000 000 cases: the overdue list went
    # from 42 to 253 ms p50), which costs more than intake gains (intake/ping 0.22 against
    # 0.20). AFTERSALES_DB_PREPARE=1 turns them on; never behind a transaction-pooling proxy
    # (PgBouncer in transaction mode: AFTERSALES_DB_POOLER=transaction keeps them off).
    _POOLED = os.environ.get("AFTERSALES_DB_POOLER", "").strip().lower() == "transaction"
    if os.environ.get("AFTERSALES_DB_PREPARE", "0") == "1" and not _POOLED:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 2})

# Reports may read from a streaming replica (issue 12 item 5): DATABASE_REPLICA_URL names it, and
# aftersales.core.routers sends the reads of a report page, its export and its API call there
# (never a business action's reads, which must see their own writes). Tests mirror it.
if _replica := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {**dj_database_url.parse(_replica, conn_max_age=60),
                            "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["aftersales.core.routers.ReportReadsRouter"]

# The company's name at the top of printed reports (the forms take it from the policy).
COMPANY_NAME = os.environ.get("AFTERSALES_COMPANY_NAME", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Wrong logins are throttled by django-axes before any password is hashed (its backend comes
# first): 5 failures per username from one address, and 30 per address across usernames
# (password spraying), for 15 minutes. accounts.throttle picks the limit that applies.
LOGIN_FAILURE_LIMIT = _env_int("AFTERSALES_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = _env_int("AFTERSALES_LOGIN_FAILURE_LIMIT_PER_ADDRESS", 30)
AXES_FAILURE_LIMIT = "aftersales.accounts.throttle.failure_limit"
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "aftersales.core.ratelimit.client_ip"

# The client's address: REMOTE_ADDR, or behind N reverse proxies (AFTERSALES_PROXY_COUNT) the
# N-th address from the right of X-Forwarded-For, the one the outermost proxy saw.
PROXY_COUNT = _env_int("AFTERSALES_PROXY_COUNT", 0)

# Portal order lookups (order number + phone): failed guesses per address and per order
# number within a window; past either limit every lookup is refused until the window ends.
PORTAL_LOOKUP_FAILURES_PER_ADDRESS = _env_int("AFTERSALES_PORTAL_FAILURES_PER_ADDRESS", 20)
PORTAL_LOOKUP_FAILURES_PER_ORDER = _env_int("AFTERSALES_PORTAL_FAILURES_PER_ORDER", 5)
PORTAL_LOOKUP_WINDOW_SECONDS = _env_int("AFTERSALES_PORTAL_WINDOW_SECONDS", 15 * 60)
# The one-time SMS code (portal/codes.py): asked for where customers get SMS, unless turned off.
PORTAL_SMS_CODE = os.environ.get("AFTERSALES_PORTAL_SMS_CODE", "1") != "0"
PORTAL_CODE_TTL_SECONDS = _env_int("AFTERSALES_PORTAL_CODE_TTL_SECONDS", 5 * 60)
PORTAL_CODE_ATTEMPTS = _env_int("AFTERSALES_PORTAL_CODE_ATTEMPTS", 5)
PORTAL_CODE_RESEND_SECONDS = _env_int("AFTERSALES_PORTAL_CODE_RESEND_SECONDS", 60)

# The cache behind the abuse limits: a table in the database, shared by every gunicorn process
# and host (created at migrate by the core app).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "aftersales_cache",
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": os.environ.get("AFTERSALES_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "AFTERSALES_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("AFTERSALES_FROM_EMAIL", "aftersales@localhost")

# Messages (docs/notifications.md): the site's address for the links in them, the SMS provider
# (aliyun, tencent, or console for development; empty: no SMS) with its credentials, sign name
# and approved templates, and the WeCom group robot that hears the staff's escalations.
AFTERSALES_BASE_URL = os.environ.get("AFTERSALES_BASE_URL", "")
NOTIFY_SMS_PROVIDER = os.environ.get("AFTERSALES_SMS_PROVIDER", "").strip().lower()
NOTIFY_CUSTOMER_CHANNELS = ("email", "sms") if NOTIFY_SMS_PROVIDER else ("email",)
NOTIFY_SMS_SIGN_NAME = os.environ.get("AFTERSALES_SMS_SIGN_NAME", "")
NOTIFY_SMS_TEMPLATES = os.environ.get("AFTERSALES_SMS_TEMPLATES", "")  # JSON: topic -> code
NOTIFY_ALIYUN_SMS = {k: os.environ.get(f"AFTERSALES_ALIYUN_SMS_{k.upper()}", "") for k in (
    "access_key_id", "access_key_secret", "endpoint")}
NOTIFY_TENCENT_SMS = {k: os.environ.get(f"AFTERSALES_TENCENT_SMS_{k.upper()}", "") for k in (
    "secret_id", "secret_key", "app_id", "region", "endpoint")}
NOTIFY_WECOM_ROBOT_URL = os.environ.get("AFTERSALES_WECOM_ROBOT_URL", "")

# ---------------------------------------------------------------- HTTPS and browser security
# With DEBUG off the product assumes HTTPS at a reverse proxy (README "Production"): cookies are
# Secure, HSTS is sent on HTTPS answers, the proxy's X-Forwarded-Proto is trusted. A plain-HTTP
# demo on the loopback (`make run`) sets AFTERSALES_HTTPS=0.
HTTPS = _env_bool("AFTERSALES_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx and the API docs get the token rendered into the page
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = _env_int("AFTERSALES_SESSION_HOURS", 9) * 3600  # a working day
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _env_int("AFTERSALES_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("AFTERSALES_HSTS_SUBDOMAINS", False)
# The proxy usually redirects http:// to https://; the app can do it too.
SECURE_SSL_REDIRECT = HTTPS and _env_bool("AFTERSALES_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]  # load balancers probe over plain HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (Django's own): scripts only from this site's static files (htmx,
# Swagger UI, each page's script file; no inline script anywhere), nothing from other hosts.
# Inline styles stay allowed: templates use style attributes and htmx adds its indicator style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Money: every amount is a Decimal rounded to the fen (0.01 yuan), ROUND_HALF_UP, in one place:
# aftersales.core.money.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AFTERSALES_LOG_LEVEL", "WARNING")},
    # aftersales.audit: who exported which list with which filters (INFO, kept whatever the
    # root level).
    "loggers": {"axes": {"level": "ERROR"}, "aftersales.audit": {"level": "INFO"}},
}
