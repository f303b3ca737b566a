"""SEND Portal settings: one module, every value read from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# --- Core -------------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment to a random string of 50 or more "
            "characters (for example from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=True for local development only."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production-0123456789"
# Earlier keys, still accepted for what they signed (sessions, password reset and calendar links) while
# SECRET_KEY is rotated: comma-separated, newest first.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The partnership that runs the plan, shown in the header of every page.
PARTNERSHIP_NAME = env.str("PARTNERSHIP_NAME", default="Lancashire SEND Partnership")
SERVICE_NAME = env.str("SERVICE_NAME", default="SEND Portal")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tables2",
    "django_filters",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files: the CSP allows no other site's script
    "send_portal",
    "actions",
    "indicators",
    "governance",
    "reporting",
    "notifications",
    "public_site",
    "django_tasks_db",
    "api",
]

MIDDLEWARE = [
    "send_portal.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "public_site.middleware.PublicSiteMiddleware",  # before sessions: the public site reads no cookie
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "send_portal.middleware.RequestSizeMiddleware",  # before anything reads the body (the CSRF check)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "send_portal.urls"
WSGI_APPLICATION = "send_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "send_portal.context_processors.portal",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people at once (docs/reliability.md, bench/sqlite_writers.sh): every transaction takes the
    # write lock when it begins (the task worker's claim of a task every second included) (a transaction that read first and then wants to write would otherwise be
    # refused at once, "database is locked", without waiting), waits up to SQLITE_TIMEOUT seconds for it,
    # and readers never wait for the writer (write-ahead log). A lock still held after that answers 503.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------------
# Indicator charts and digests (docs/performance.md). The default lives in each process's memory; with
# several gunicorn workers use a cache they share, e.g. filecache:///var/tmp/send-portal-cache?max_entries=5000
# (a file cache culls a third of its files past max_entries, 300 by default: a plan has 3 charts per indicator).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- People and sign-in -----------------------------------------------------------------------------
AUTH_USER_MODEL = "send_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the session expires after SESSION_COOKIE_AGE of inactivity

# Lock the username+address pair, never a whole council building behind one NAT address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
# The address is the one that connected (REMOTE_ADDR), or behind a reverse proxy the one the proxy saw:
# each of AXES_PROXY_COUNT proxies in a row appends the address it saw to X-Forwarded-For (nginx:
# `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`), so the client is that many entries from
# the right, and whatever a client wrote there itself (further left) is ignored. ipware counts only the
# proxies listed in the header, not the nearest one (REMOTE_ADDR), and must accept a longer header.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1)
    if PROXY_COUNT < 1:
        raise ImproperlyConfigured("AXES_PROXY_COUNT must be 1 or more with BEHIND_PROXY=True.")
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # a reset link works for three hours

# --- Mail -------------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="send-portal@localhost")
if env.str("SMTP_HOST", default=""):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("SMTP_HOST"),
                "port": env.int("SMTP_PORT", default=587),
                "use_tls": env.bool("SMTP_USE_TLS", default=True),
                "username": env.str("SMTP_USER", default=""),
                "password": env.str("SMTP_PASSWORD", default=""),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# The portal's own address, for links in mail (which has no request to build them from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- The public site for families (docs/public-site.md) ------------------------------------------------
# Served under /public/; with PUBLIC_HOST (e.g. progress.example.org, also added to ALLOWED_HOSTS) that
# host serves the public site at its root and nothing else. Links in mail to families use PUBLIC_SITE_URL.
PUBLIC_HOST = env.str("PUBLIC_HOST", default="")
if PUBLIC_HOST and PUBLIC_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(PUBLIC_HOST)
PUBLIC_SITE_URL = env.str(
    "PUBLIC_SITE_URL", default=f"https://{PUBLIC_HOST}" if PUBLIC_HOST else f"{SITE_URL}/public"
).rstrip("/")

# --- Background tasks -------------------------------------------------------------------------------
# django.tasks with django-tasks-db: tasks wait in the database until `manage.py db_worker` runs them
# (`make run` starts one beside the web server). Tests run them at once (tests/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A task RUNNING for longer than this is taken to have lost its worker and is run again (reclaim_tasks).
TASK_RECLAIM_AFTER_MINUTES = env.int("TASK_RECLAIM_AFTER_MINUTES", default=30)

# --- Reminders --------------------------------------------------------------------------------------
REMINDER_DAYS_AHEAD = env.int("REMINDER_DAYS_AHEAD", default=14)  # "due in the next N days"
REMINDER_BOARD_DAYS = env.int("REMINDER_BOARD_DAYS", default=7)  # "before each Board": this many days before

# --- Security headers -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "send_portal.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Static and uploaded files ----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Request bodies. A page's largest file (evidence: EVIDENCE_MAX_BYTES; a CSV of indicator values: 1 MB,
# indicators.uploads.MAX_BYTES) plus its other fields, at most DATA_UPLOAD_MAX_MEMORY_SIZE (a CSV preview's
# signed rows fit), is all a request may send: send_portal.middleware.RequestSizeMiddleware refuses a larger
# one, by its Content-Length, before reading it (413). Files over FILE_UPLOAD_MAX_MEMORY_SIZE are streamed
# to a temporary file rather than held in memory. Let the reverse proxy refuse larger bodies too (README).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, stated here because the limits add up
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Forms and tables -------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# Widgets crispy-forms-gds does not style by itself.
CRISPY_CLASS_CONVERTERS = {
    "numberinput": "govuk-input",
    "urlinput": "govuk-input",
    "dateinput": "govuk-input",
    "datetimeinput": "govuk-input",
    "timeinput": "govuk-input",
    "fileinput": "govuk-file-upload",
    "radioselect": "govuk-radios__input",
}
DJANGO_TABLES2_TEMPLATE = "django_tables2/gds.html"

# --- API (docs/api.md) -------------------------------------------------------------------------------
# Read-only, under /api/v1/: personal access tokens (django-rest-knox, stored hashed) or the browser's
# session; JSON, or CSV with ?format=csv; each token (or signed-in person) limited to API_RATE_LIMIT.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadsAsOnThePages"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.CSVRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env.str("API_RATE_LIMIT", default="1200/hour")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,  # values are numbers, as Power BI and Excel expect
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
KNOX_TOKEN_MODEL = "api.AccessToken"
# knox's own AuthToken is swapped for api.AccessToken, but its migrations would still make an empty table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_PREFIX": "sendp_",  # recognisable by secret scanners
    "TOKEN_TTL": None,  # each token gets the expiry its owner chose (api.models.EXPIRY_CHOICES)
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SEND Portal API",
    "DESCRIPTION": "Read-only data of the Priority Action Plan: priorities, actions, progress updates, "
    "indicators and their values, meetings, decisions, the action log, escalations and changes. "
    "Send a personal access token as `Authorization: Token <token>`. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_refusals",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "actions.models.Status",
        "MeetingStatusEnum": "governance.models.MeetingStatus",
        "MeetingActionStatusEnum": "governance.models.MeetingActionStatus",
        "IndicatorStatusEnum": "indicators.status.IndicatorStatus",
        "DatePrecisionEnum": "actions.models.DatePrecision",
        "PeriodStatusEnum": "reporting.models.PeriodStatus",
    },
}

# --- Locale -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"  # dates and numbers are formatted as in the UK either way
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
# The portal is in English only, so Django's translation machinery is off: every variable a template shows
# asked it for the active language, about a fifth of a list page's rendering time (docs/performance.md).
# Pages, the admin included, render byte for byte the same (tests/send_portal/test_english_only.py).
USE_I18N = False
USE_TZ = True

# --- Logging ----------------------------------------------------------------------------------------
# One JSON object a line on standard error (LOG_FORMAT=text for people reading a terminal): a line for each
# request (send_portal/request_log.py) with its id, route, status, time and user id, and every other log
# line with the id of the request it belongs to. No path, query string, body, header or cookie is logged.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "send_portal.request_log.RequestIdFilter"},
        "redact_path": {"()": "send_portal.request_log.RedactPathFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "{asctime}{levelname}{name}{message}{request_id}",
            "style": "{",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "{asctime} {levelname} {name} [{request_id}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_path"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
