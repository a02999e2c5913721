"""Django settings, written out in full; the environment sets what differs per deployment.

Environment:
    PROVIDERDESK_DATA_DIR      folder for the SQLite file, uploads and the secret key (set by the CLI)
    DATABASE_URL               e.g. postgres://user@host:5432/db; SQLite in the data folder without it
    REDIS_URL                  shared cache for throttles and login failure counters across processes;
                               `serve` refuses to start when it cannot be reached (exit status 2)
    DJANGO_DEBUG=1             debug pages (never in production; the CLI sets it with --debug)
    ALLOWED_HOSTS              comma-separated host names clients reach the server by; default the
                               loopback names (127.0.0.1, localhost, [::1]), never "*". `python -m server
                               serve` bound to another address refuses to start without it (exit status 2),
                               except in demo mode, where it defaults to "*"
    NUM_PROXIES                number of trusted reverse proxies in front (for the client IP); 0 (the
                               default): X-Forwarded-For is never trusted, by any WSGI server
    JWT_ACCESS_LIFETIME_SECONDS, JWT_REFRESH_LIFETIME_SECONDS   token lifetimes (15 min / 7 days)
    JWT_ROTATE_REFRESH_TOKENS=1 rotate (and blacklist) refresh tokens on refresh
    THROTTLE_LOGIN_FAILURES    failed sign-ins allowed per account+address per minute (5)
    LOGIN_ADDRESS_FAILURES, LOGIN_ADDRESS_WINDOW_SECONDS  failed sign-ins allowed per address,
                               whatever the accounts, per window (30 per 600 s)
    THROTTLE_REGISTER          registration rate per IP (DRF rate syntax, "20/hour")
    THROTTLE_ANON, THROTTLE_USER  general rates ("300/minute", "6000/minute")
    DROPDOWN_CACHE_BYTES       rendered dropdown bodies kept in memory, in all (48 MB: three of 100,000)
    DOCUMENT_STORAGE           where license documents are kept: database (the default on PostgreSQL, shared
                               by every process on every machine) or files (the data folder; SQLite's default)
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from contract.choices import Decision, FlagDecision, choices, values
from server import __version__
from server.common.files import data_dir_private


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


def _data_dir() -> Path:
    raw = os.environ.get("PROVIDERDESK_DATA_DIR")
    if raw:
        path = Path(raw)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("ProviderDesk", appauthor=False)) / "server"
    data_dir_private(path)  # 0700, and what an earlier version left readable tightened
    return path


def _secret_key(data_dir: Path) -> str:
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        # written whole under a temporary name, then linked: a process starting at the same
        # moment either sees no key or the complete one, and exactly one key wins
        temporary = data_dir / f".secret_key.{os.getpid()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(temporary, key_file)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return key_file.read_text().strip()


DATA_DIR = _data_dir()
BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = _secret_key(DATA_DIR)
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
LOOPBACK_HOSTS = "127.0.0.1,localhost,[::1]"
ALLOWED_HOSTS = [h.strip() for h in (os.environ.get("ALLOWED_HOSTS") or LOOPBACK_HOSTS).split(",") if h.strip()]
VERSION = __version__

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "server.accounts",
    "server.directory",
    "server.credentialing",
    "server.screening",
    "server.appointments",
]

MIDDLEWARE = [
    "server.common.middleware.OptionalTrailingSlashMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # the Django admin's CSS and scripts, straight from the installed apps (no collectstatic step)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
APPEND_SLASH = False

ROOT_URLCONF = "server.urls"
WSGI_APPLICATION = "server.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

if os.environ.get("DATABASE_URL"):
    # connections kept by each thread (checked before reuse), not opened per request
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600,
                                                  conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # The tables are in memory or on SSDs: at PostgreSQL's default random_page_cost (4, for spinning
        # disks) the planner scanned all providers (10 ms at 20,000) rather than use the search's trigram
        # index (2 ms). A `?options=...` in DATABASE_URL replaces this.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {
                # Several waitress threads write: WAL lets readers go on during a write,
                # IMMEDIATE takes the write lock at BEGIN (no lock upgrade deadlocks), and
                # the timeout makes a writer wait instead of answering "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES: dict[str, dict[str, Any]]
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's Redis cache, which counts in this process while Redis is away (common/cache.py)
            "BACKEND": "server.common.cache.FallbackRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "providerdesk",
        }
    }
else:
    # room for the sign-in counters of many addresses: at the default 300 an attacker rotating
    # addresses would push the counters of the ones it guesses from out of the cache
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 100_000}}}
# Rendered dropdown bodies (up to ~16 MB each at 100,000 providers) kept in this process, in all at most
# this many bytes (server/common/bodies.py; Django's caches would copy a body at every hit)
DROPDOWN_CACHE_BYTES = _env_int("DROPDOWN_CACHE_BYTES", 48 * 1024 * 1024)
# /fhir/ answers anonymous callers too, with the credentialed directory's public fields (docs/api.md, "FHIR")
FHIR_PUBLIC = os.environ.get("FHIR_PUBLIC") == "1"

AUTH_USER_MODEL = "accounts.User"
# Argon2id first (accounts/hashers.py says why); hashes stored by Django's PBKDF2 verify, then upgrade
PASSWORD_HASHERS = [
    "server.accounts.hashers.BoundedArgon2PasswordHasher",
    "server.accounts.hashers.BoundedPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Where license documents are kept: "database" (PostgreSQL's default: every process on every machine
# reaches them) or "files" (the data folder's media/: SQLite's default, one machine's disk)
DOCUMENT_STORAGE = os.environ.get("DOCUMENT_STORAGE", "").strip() or (
    "database" if DATABASES["default"]["ENGINE"].endswith("postgresql") else "files")
if DOCUMENT_STORAGE not in ("database", "files"):
    raise ValueError(f"DOCUMENT_STORAGE must be database or files, not {DOCUMENT_STORAGE!r}")
STORAGES = {
    "default": {"BACKEND": "server.credentialing.storage.DatabaseStorage" if DOCUMENT_STORAGE == "database"
                else "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The document itself (credentialing/services.py, 413); the request may be larger by its form fields.
LICENSE_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
LICENSE_DOCUMENTS_KEPT = 5  # earlier documents kept besides the current one; older ones are erased
LICENSE_DOCUMENT_UPLOADS_PER_HOUR = 10  # per provider (429 beyond)
# Multipart bodies above this are refused before Django reads them (the document plus form fields).
MAX_REQUEST_BYTES = LICENSE_DOCUMENT_MAX_BYTES + 256 * 1024
# The OIG's LEIE file is about 15 MB; its upload (a credentialing officer's) may be this large.
LEIE_UPLOAD_MAX_BYTES = 64 * 1024 * 1024
# Documents are the providers' private papers: readable by the server's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

NUM_PROXIES = _env_int("NUM_PROXIES", 0)
# Failed sign-ins (API, password change and Django admin alike; server/accounts/throttle.py):
# per account and address, and per address across accounts (password spraying). Nothing counts
# per account alone, so guesses from other addresses never lock the real user out.
LOGIN_FAILURES_PER_MINUTE = _env_int("THROTTLE_LOGIN_FAILURES", 5)
LOGIN_ADDRESS_FAILURES = _env_int("LOGIN_ADDRESS_FAILURES", 30)
LOGIN_ADDRESS_WINDOW_SECONDS = _env_int("LOGIN_ADDRESS_WINDOW_SECONDS", 10 * 60)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["server.accounts.authentication.SessionJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["server.common.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "server.common.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "server.common.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "server.common.exceptions.exception_handler",
    # an integer always: DRF trusts every X-Forwarded-For when this is None
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_CLASSES": [
        "server.common.throttles.AnonWindowThrottle",
        "server.common.throttles.UserWindowThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "300/minute"),
        "user": os.environ.get("THROTTLE_USER", "6000/minute"),
        "register": os.environ.get("THROTTLE_REGISTER", "20/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=_env_int("JWT_ACCESS_LIFETIME_SECONDS", 15 * 60)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=_env_int("JWT_REFRESH_LIFETIME_SECONDS", 7 * 24 * 3600)),
    "ROTATE_REFRESH_TOKENS": os.environ.get("JWT_ROTATE_REFRESH_TOKENS") == "1",
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "VERIFYING_KEY": "",
    "AUDIENCE": None,
    "ISSUER": "providerdesk",
    "JSON_ENCODER": None,
    "JWK_URL": None,
    "LEEWAY": 0,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_HEADER_NAME": "HTTP_AUTHORIZATION",
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "USER_AUTHENTICATION_RULE": "rest_framework_simplejwt.authentication.default_user_authentication_rule",
    "CHECK_USER_IS_ACTIVE": True,
    "CHECK_REVOKE_TOKEN": False,
    "AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.AccessToken",),
    "TOKEN_TYPE_CLAIM": "token_type",
    "TOKEN_USER_CLASS": "rest_framework_simplejwt.models.TokenUser",
    "JTI_CLAIM": "jti",
    "TOKEN_OBTAIN_SERIALIZER": "rest_framework_simplejwt.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "server.accounts.serializers.SessionTokenRefreshSerializer",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ProviderDesk API",
    "DESCRIPTION": "The provider directory and license credentialing API (docs/api.md).",
    "VERSION": __version__,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # two fields named `decision` (a license's, a screening flag's) with their own lists: each its own name
    "ENUM_NAME_OVERRIDES": {"DecisionEnum": list(values(Decision)), "FlagDecisionEnum": choices(FlagDecision)},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "server.common.schema.throttled_responses"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "server": {"handlers": ["console"], "level": "INFO"},
        "waitress": {"handlers": ["console"], "level": "WARNING"},
    },
}

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
