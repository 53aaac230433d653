"""One settings module, driven by environment variables (healthchecks style)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

DEFAULT_SECRET_KEY = "insecure-demo-key-change-me"


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default)
    if value not in ("True", "False", "1", "0", "true", "false"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")
    return value in ("True", "1", "true")


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


DEBUG = envbool("DEBUG", "False")
DEMO = envbool("DEMO", "False")
TESTING = envbool("TESTING", "False")
SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Production (neither DEBUG, DEMO nor TESTING) refuses a default secret; the demo-account check
# runs as a system check in core.checks because it needs the database.
PRODUCTION = not (DEBUG or DEMO or TESTING)
if PRODUCTION and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production (DEBUG, DEMO and TESTING are off).")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "emergency.core",
    "emergency.accounts",
    "emergency.api",
    "emergency.plan_supervision",
    "emergency.enterprises",
    "emergency.prevention",
    "emergency.resources",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "emergency.core.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "emergency.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "emergency.accounts.middleware.SecurityPolicyMiddleware",
    "emergency.core.refusals.RefusalAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "emergency.urls"
WSGI_APPLICATION = "emergency.wsgi.application"
ASGI_APPLICATION = "emergency.asgi.application"

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
                "csp.context_processors.nonce",
                "emergency.core.context_processors.shell",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'emergency.sqlite3'}")
# Persistent connections (issue 12): opening a connection per request, and running the SQLite pragmas on each,
# cost /healthz 80 % of its throughput (gunicorn -w 2 --threads 4, wrk -c32 on loopback: 670 rps with 0, 3,584
# with 600). Health checks drop a connection the database closed before a request reuses it.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", "600"),
                                              conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "emergency.accounts.validators.PolicyPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout values come from the rules table (core.rules); axes calls these per request.
AXES_FAILURE_LIMIT = "emergency.accounts.policy.axes_failure_limit"
AXES_COOLOFF_TIME = "emergency.accounts.policy.axes_cooloff"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# axes keeps the POST body of failed attempts; the password-change check counts as one, so its
# password fields are masked along with axes' defaults.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1", "new_password2"]

# Idle timeout: the session cookie lives 30 minutes and is renewed by every request.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", "1800")
SESSION_SAVE_EVERY_REQUEST = True
# Rules (core.rules) are cached per process this long: a changed rule reaches every worker within a minute.
# Tests keep them for the whole run (a fixture that changes a rule calls rules.forget), so that an entry
# expiring in the middle of a test on a slow machine cannot add rule reads to one side of a query-count
# comparison.
RULES_CACHE_SECONDS = 3600 if TESTING else 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and not DEMO and not TESTING
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")

# django-csp 4: no inline script anywhere; JSON config rides in <script type="application/json">.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"] + [u for u in [os.environ.get("MAP_TILE_ORIGIN", "")] if u],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
try:
    import xstatic.pkg.leaflet as _xleaflet
    import xstatic.pkg.leaflet_markercluster as _xcluster

    STATICFILES_DIRS += [("vendor/leaflet", _xleaflet.BASE_DIR), ("vendor/leaflet-markercluster", _xcluster.BASE_DIR)]
except ImportError:  # pragma: no cover - the packages are hard dependencies
    raise
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = None  # media is never served directly: attachments go through a scoped view
STORAGES = {
    # No explicit location: the storage follows MEDIA_ROOT, so override_settings(MEDIA_ROOT=...) works in tests.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "emergency.core.storage.StaticStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@emergency.local")

# Background jobs: django-tasks with the database backend; no broker needed.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        )
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Our own tokens (hashed, expiring, revoked with the password or role), not DRF's authtoken.
        "emergency.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "emergency.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "emergency.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "emergency.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Emergency platform API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page are for logged-in users only (session or API token): the list of routes
    # is reconnaissance on a government network. The docs page also sends a browser to the login page.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # A field that may not be blank says so (minLength 1) in the schema.
    "ENFORCE_NON_BLANK_FIELDS": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Map: blank background by default (air-gapped); an intranet tile service can be configured.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# Attachments: type and size limits.
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
ATTACHMENT_ALLOWED_TYPES = {
    ".jpg": "image", ".jpeg": "image", ".png": "image", ".gif": "image", ".webp": "image",
    ".pdf": "document", ".docx": "document", ".xlsx": "document", ".txt": "document",
    ".mp3": "audio", ".m4a": "audio", ".wav": "audio", ".mp4": "video", ".mov": "video",
}

# Spreadsheet imports larger than this many rows run as a background job with a progress bar.
IMPORT_BACKGROUND_ROWS = envint("IMPORT_BACKGROUND_ROWS", "500")

def _refusal_without_traceback(record) -> bool:
    """django.request logs every 403 ("Forbidden (Permission denied)") with the PermissionDenied traceback: a
    refusal is expected, one line is enough (it is audited anyway). Other answers, 500s above all, keep theirs."""
    if getattr(record, "status_code", None) == 403:
        record.exc_info = None
        record.exc_text = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal_one_line": {"()": lambda: _refusal_without_traceback}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusal_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Lockout is per account, as 等保 asks: office networks sit behind one NAT address, so an IP lock
# would lock out a whole building.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
