"""Newsmap settings, read from the environment; every variable is listed in README.md."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything unrecognised is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value; use 1/0, true/false or on/off"
    )


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list, dropping blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_number(name: str, default: float, cast: type = float) -> float:
    """Read a number; a non-number is a configuration error naming the variable."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set; it is required when DJANGO_DEBUG is off. "
            "Set it to a long random string, or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - debug only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "newsmap.apps.NewsmapStaticFilesConfig",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Rebuilds the status periods a request's writes touched once, at the end of the request.
    "articles.timeline.deferred_per_request",
    # Axes last, as its documentation asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsmap.urls"
WSGI_APPLICATION = "newsmap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The database: SQLite under var/ unless DATABASE_URL names another.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsmap.sqlite3'}")
try:
    # Connections are kept for a minute between requests, checked before each is reused.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
except (ValueError, dj_database_url.UnknownSchemeError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web app reads while an import writes: WAL lets readers go on during a write, the busy
    # timeout makes a second writer wait instead of failing, and IMMEDIATE transactions take the
    # write lock up front so a read-then-write transaction never deadlocks on upgrade.
    # Connections are kept between requests here too: opening one (Django's SQL functions, the
    # pragmas below) cost more than serving a cached API answer, and a kept one keeps its page
    # cache warm. Between requests no transaction is open, so a kept connection never holds
    # back an import's writes or the WAL's checkpoints.
    DATABASES["default"]["OPTIONS"] = {
        # A 64 MB page cache (the default is 2 MB) keeps an import's index updates in memory.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file, not memory, so concurrency tests exercise the real journal; one file
    # per test process, so two suites on one machine never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: lock an account-and-address pair after repeated failures.
AXES_FAILURE_LIMIT = int(env_number("NEWSMAP_LOGIN_FAILURE_LIMIT", 5, int))
AXES_COOLOFF_TIME = env_number("NEWSMAP_LOGIN_COOLOFF_HOURS", 1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Leaflet and its marker clusters come from their PyPI packages, never copied into the repo.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production hardening; each can be relaxed by its variable behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env_number("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000, int))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Newsmap's own settings.
NEWSMAP_SOURCE_TIMEZONE = os.environ.get("NEWSMAP_SOURCE_TIMEZONE", "Asia/Baghdad")
NEWSMAP_MAX_REPORT_BYTES = int(env_number("NEWSMAP_MAX_REPORT_BYTES", 5 * 1024 * 1024, int))
# A report that names places more often than this is refused: every mention is a row that keeps
# its sentence, so a few megabytes repeating one name would otherwise become a gigabyte.
NEWSMAP_MAX_MENTIONS_PER_REPORT = int(env_number("NEWSMAP_MAX_MENTIONS_PER_REPORT", 10_000, int))
# Worker processes that read, parse and geoparse during a long import; unset: one per core;
# 0: none.
NEWSMAP_IMPORT_WORKERS = (
    int(env_number("NEWSMAP_IMPORT_WORKERS", 0, int))
    if os.environ.get("NEWSMAP_IMPORT_WORKERS", "").strip()
    else None
)
NEWSMAP_GEOCODER = os.environ.get("NEWSMAP_GEOCODER", "none").strip().lower() or "none"
NEWSMAP_GEOCODER_USER_AGENT = os.environ.get(
    "NEWSMAP_GEOCODER_USER_AGENT", "newsmap/0.1 (+https://github.com/newsmap/newsmap)"
)
NEWSMAP_GEOCODER_DOMAIN = os.environ.get("NEWSMAP_GEOCODER_DOMAIN", "")
NEWSMAP_GEOCODER_SCHEME = os.environ.get("NEWSMAP_GEOCODER_SCHEME", "https")
NEWSMAP_GEOCODER_TIMEOUT = env_number("NEWSMAP_GEOCODER_TIMEOUT", 5.0)
NEWSMAP_GEOCODER_MIN_DELAY = env_number("NEWSMAP_GEOCODER_MIN_DELAY", 1.0)
NEWSMAP_AREA_COUNTRY_CODES = env_list("NEWSMAP_AREA_COUNTRY_CODES", "iq")
# south-west and north-east corners, "lat,lon,lat,lon": the Mosul campaign by default.
NEWSMAP_AREA_VIEWBOX = os.environ.get("NEWSMAP_AREA_VIEWBOX", "35.3,41.8,36.9,44.0")
NEWSMAP_TILE_URL = os.environ.get(
    "NEWSMAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
NEWSMAP_TILE_ATTRIBUTION = os.environ.get(
    "NEWSMAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
NEWSMAP_EMBED_FRAME_ANCESTORS = env_list("NEWSMAP_EMBED_FRAME_ANCESTORS", "*")
# How often a process checks whether the gazetteer changed under its cached name matcher.
NEWSMAP_MATCHER_CHECK_SECONDS = env_number("NEWSMAP_MATCHER_CHECK_SECONDS", 2.0)

_tile_origin = "/".join(NEWSMAP_TILE_URL.split("/")[:3]).replace("{s}.", "*.")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", _tile_origin],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"articles": {"level": os.environ.get("NEWSMAP_LOG_LEVEL", "INFO")}},
}
