"""Django settings for truyxuat, configured from TRUYXUAT_* environment variables."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("TRUYXUAT_DEBUG")
TESTING = "PYTEST_VERSION" in os.environ
DATA_DIR = Path(os.environ.get("TRUYXUAT_DATA_DIR", BASE_DIR / "var")).resolve()

SECRET_KEY = os.environ.get("TRUYXUAT_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "TRUYXUAT_SECRET_KEY is not set. In production mode (TRUYXUAT_DEBUG off) a secret key is "
            "required: export TRUYXUAT_SECRET_KEY to a long random string, or set TRUYXUAT_DEBUG=1 "
            "for local development. / Chưa đặt TRUYXUAT_SECRET_KEY: ở chế độ vận hành phải có khoá bí mật."
        )

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("TRUYXUAT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
if TESTING:
    ALLOWED_HOSTS.append("testserver")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("TRUYXUAT_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",  # login throttling and lockout (accounts.lockout)
    "django_otp",  # second factor (TOTP) for agency officers and platform admins (accounts.otp)
    "django_otp.plugins.otp_totp",
    "ninja",  # serves Swagger UI from its bundled static files, so /api/docs works offline
    "django_tasks",  # jobs outside the request (reports, deliveries, pushes); `truyxuat worker` runs them
    "django_tasks_db",  # …stored in the database by default: no extra server, nothing lost when a worker dies
    "core",
    "core.jobs",  # the workers' heartbeats: jobs of a killed worker run again (core.jobs.worker)
    "accounts",
    "catalog",
    "ledger",
    "events",
    "stamps",
    "portal",
    "feedback",
    "diary",
    "logistics",
    "rules",
    "workspace",
    "notifications",
    "reviews",
    "quality",
    "recalls",
    "reports",
    "complaints",
    "surveys",
    "demo",  # the demo province (`truyxuat demo`), built through the domain services
    "exchange",  # EUDR due diligence, the national portal, open data, FSMA 204 (issue 22)
    "oversight",
    "iot",  # sensors: devices, MQTT bridge, readings, thresholds (issue 21)
    "showcase",  # the public showcase of traced products, buyers' inquiries, the trade-fair catalogue (issue 25)
    "rfid",  # RFID: tags at packing, readers at gates, reads become events (issue 26)
    "federation",  # provinces' nodes trace, witness and recall across each other; the national hub (issue 23)
    "analysis",  # mass balance, copied stamps, anomalies, data-quality scores, forecasts (issue 24)
    "training",  # trainings, pilot models, monitored enterprises, self-study (issue 25)
    "guidance",  # short lessons per role with audio, offline in the PWA (issue 25)
    "news",  # news and guidance pages the agency edits (issue 25)
]

# Jobs: django-tasks with its database backend (the embedded default and the production one: a job row commits in
# the same transaction as the write that asks for it). Services enqueue; `truyxuat worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
# A RUNNING job whose worker has not written its heartbeat for this long (it beats every sixth of it) is run again.
TRUYXUAT_JOB_LEASE_SECONDS = float(os.environ.get("TRUYXUAT_JOB_LEASE_SECONDS", "60"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.replica.ReplicaMiddleware",  # reads of public GETs from the replica, when one is configured
    "core.head.HeadAsGetMiddleware",  # HEAD wherever GET works (issue 19)
    "csp.middleware.CSPMiddleware",
    "core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.otp.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into accounts.lockout's page
]

ROOT_URLCONF = "truyxuat.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "truyxuat.wsgi.application"


def _database_config() -> dict[str, Any]:
    url = os.environ.get("TRUYXUAT_DATABASE_URL")
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        # Connections persist between requests (opening one and running the PRAGMAs below cost more than a
        # cached page: bench/README.md, "Serving").
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "truyxuat.sqlite3"),
            "CONN_MAX_AGE": 600,
        }
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN,
            # so concurrent writers queue instead of failing half-way with "database is locked".
            # synchronous=FULL: every commit is on disk when it returns, surviving a power cut, not only a crash
            # of the process (NORMAL in WAL mode may lose the last commits), for a small cost (bench/README.md).
            # Captures are on disk before they answer too, but fsync after the write lock (core.storage.walsync).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # no JIT: compiling trace and recall reads of thousands of ids (estimated costly) took longer than running
        # them; this platform's queries are short (bench/README.md, "Serving")
        # random_page_cost 1.1: the tables live in memory or on SSD; at the default 4 the planner read the 431,000
        # shipments in parallel rather than probe their index for a hub lot's 5,034 lots (90 ms against 7 ms).
        # No parallel workers for these short statements: on a few cores they take the cores other requests need.
        config.setdefault("OPTIONS", {})["options"] = (
            "-c jit=off -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
        )
    return config


DATABASES = {"default": _database_config()}
# A streaming replica (PostgreSQL hot standby, e.g. made by `pg_basebackup -R`): public pages, traces, queries and
# exports read from it while a writer reads its own writes from the primary (core.replica). Tests mirror it.
TRUYXUAT_DATABASE_REPLICA_URL = os.environ.get("TRUYXUAT_DATABASE_REPLICA_URL", "").strip()
# After a write, the writer's browser reads from the primary for this long (a cookie); a replica further behind
# than MAX_LAG seconds (or unreachable) serves nothing until it catches up.
TRUYXUAT_REPLICA_STICKY_SECONDS = int(os.environ.get("TRUYXUAT_REPLICA_STICKY_SECONDS", "15"))
TRUYXUAT_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("TRUYXUAT_REPLICA_MAX_LAG_SECONDS", "5"))
if TRUYXUAT_DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **_database_config(),
        **dj_database_url.parse(TRUYXUAT_DATABASE_REPLICA_URL, conn_max_age=60),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account or address before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes, database handler: counts hold across worker processes and machines). An account
# is locked after AXES_FAILURE_LIMIT wrong passwords, an address after TRUYXUAT_LOGIN_ADDRESS_FAILURE_LIMIT (offices
# share one address), each for AXES_COOLOFF_TIME after its last failure; a success clears that account's count.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("TRUYXUAT_LOGIN_FAILURE_LIMIT", "5"))
TRUYXUAT_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("TRUYXUAT_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("TRUYXUAT_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, unless this many reverse proxies of ours stand in front and append to
# X-Forwarded-For (then the address the outermost of them saw). Default 1 with TRUYXUAT_HTTPS (TLS ends at the
# proxy), else 0: a client could otherwise write any address into the header and escape the per-address limit.
# Every address the portal records or limits (sign-in, scans, feedback, stamp checks) comes from here
# (accounts.lockout.client_ip). TRUYXUAT_TRUST_X_FORWARDED_FOR=1, the older switch that believed the leftmost hop
# (which any client can write), now means one trusted proxy.
TRUYXUAT_TRUSTED_PROXIES = int(
    os.environ.get(
        "TRUYXUAT_TRUSTED_PROXIES",
        "1" if _env_bool("TRUYXUAT_HTTPS") or _env_bool("TRUYXUAT_TRUST_X_FORWARDED_FOR") else "0",
    )
)
# Second factor: TOTP codes (django-otp); a wrong code doubles the wait before the next try (1 s, 2 s, 4 s, …).
OTP_TOTP_ISSUER = os.environ.get("TRUYXUAT_OTP_ISSUER", "truyxuat")
OTP_TOTP_THROTTLE_FACTOR = 1
# A demo node (`make run`) may keep the demo's published passwords; `truyxuat check --deploy` refuses them elsewhere.
TRUYXUAT_DEMO = _env_bool("TRUYXUAT_DEMO")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:after-login"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "core" / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    # uploads: an unguessable directory per file, served only through core.files (never MEDIA_URL)
    "default": {"BACKEND": "core.storage.files.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# Object storage (S3 API: MinIO, Ceph, a cloud's) for uploads and generated documents, via django-storages, when a
# bucket is named. The bucket stays private (no ACL, no public listing): files are streamed through core.files'
# permission-checked view, never linked to the store. Without it, MEDIA_ROOT on the local disk.
TRUYXUAT_S3_BUCKET = os.environ.get("TRUYXUAT_S3_BUCKET", "").strip()
if TRUYXUAT_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "core.storage.objects.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": TRUYXUAT_S3_BUCKET,
            "endpoint_url": os.environ.get("TRUYXUAT_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("TRUYXUAT_S3_REGION", "").strip() or None,
            "access_key": os.environ.get("TRUYXUAT_S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": os.environ.get("TRUYXUAT_S3_SECRET_ACCESS_KEY", "").strip() or None,
            "location": os.environ.get("TRUYXUAT_S3_PREFIX", "").strip().strip("/"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"  # in Vietnamese (English in English mode), with a way back
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): the portal loads nothing from outside and runs no inline script or
# event handler (page scripts live in static files; data for them in <script type="application/json">). Inline
# style attributes stay allowed (style-src-attr) for the templates' few layout tweaks and progress bars: with
# img-src and font-src 'self' they can load nothing, and <style> elements remain refused.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Permissions-Policy (core.headers.PermissionsPolicyMiddleware): every feature off, camera, geolocation and
# microphone for this origin only on the pages that need them (core.headers.DEFAULT_GRANTS).
# TRUYXUAT_HTTPS=1: the node is served over HTTPS by a reverse proxy.
if _env_bool("TRUYXUAT_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # behind the reverse proxy (which terminates TLS and sets X-Forwarded-Proto): plain HTTP is redirected and
    # browsers told to use HTTPS only for a year (preload is a commitment to browser vendors: opt in)
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("TRUYXUAT_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("TRUYXUAT_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("TRUYXUAT_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # preload is the operator's choice, not a defect

DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads are readable by this server's user only (and the process's umask is 077: see core.diskmodes).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

EMAIL_BACKEND = os.environ.get("TRUYXUAT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("TRUYXUAT_FROM_EMAIL", "truyxuat@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TRUYXUAT_LOG_LEVEL", "INFO")},
}

# --- truyxuat settings -------------------------------------------------------------------------
# Public base URL of this portal: Digital Links printed on stamps point here.
TRUYXUAT_PORTAL_URL = os.environ.get("TRUYXUAT_PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
# Province this node serves (vietnam-provinces code; 51 = Quảng Ngãi, which now includes former Kon Tum).
TRUYXUAT_PROVINCE_CODE = int(os.environ.get("TRUYXUAT_PROVINCE_CODE", "51"))
# GS1 company prefix under which producers without their own prefix get GTINs and GLNs.
TRUYXUAT_PROVINCIAL_GS1_PREFIX = os.environ.get("TRUYXUAT_PROVINCIAL_GS1_PREFIX", "8930000")
# Uploads: certificates and photos.
TRUYXUAT_MAX_UPLOAD_BYTES = int(os.environ.get("TRUYXUAT_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
# EPCIS capture limits.
TRUYXUAT_CAPTURE_MAX_EVENTS = int(os.environ.get("TRUYXUAT_CAPTURE_MAX_EVENTS", "10000"))
TRUYXUAT_CAPTURE_MAX_BYTES = int(os.environ.get("TRUYXUAT_CAPTURE_MAX_BYTES", str(20 * 1024 * 1024)))
# API tokens: how many active (unrevoked, unexpired) tokens an organisation may hold at once.
TRUYXUAT_MAX_TOKENS_PER_ORGANIZATION = int(os.environ.get("TRUYXUAT_MAX_TOKENS_PER_ORGANIZATION", "20"))
# Documents of at least MIN_EVENTS events are prepared (validated, hashed, indexed) partly by helper processes
# (events.epcis.parallel): one per serving process on a machine with several cores, none under tests or with 0
# (any value above 0 means that one helper, which prepares most of a document in parts stored as they come).
TRUYXUAT_CAPTURE_PREPARE_WORKERS = int(
    os.environ.get("TRUYXUAT_CAPTURE_PREPARE_WORKERS", "0" if TESTING or (os.cpu_count() or 1) < 2 else "1")
)
TRUYXUAT_CAPTURE_PREPARE_MIN_EVENTS = int(os.environ.get("TRUYXUAT_CAPTURE_PREPARE_MIN_EVENTS", "200"))
# Smaller captures (single events) that arrive while another of the same process is being stored are stored
# together next, in one transaction, each with its own job, duplicates and audit entry (core.storage.writelock
# .Combiner); 0 stores each in its own transaction.
TRUYXUAT_CAPTURE_COMBINE = os.environ.get("TRUYXUAT_CAPTURE_COMBINE", "1") != "0"
# SQLite: capture transactions commit without fsync under the write lock, then share one fsync of the log before
# they answer (core.storage.walsync); 0 makes each commit fsync itself (synchronous=FULL) as other writes do.
TRUYXUAT_SQLITE_GROUP_COMMIT = os.environ.get("TRUYXUAT_SQLITE_GROUP_COMMIT", "1") != "0"
# PostgreSQL: capture transactions commit without waiting for the log's flush (they hold the ledger head's row lock
# until COMMIT), then wait for it before they answer (core.storage.writelock); 0 makes each COMMIT wait for it.
TRUYXUAT_PG_GROUP_COMMIT = os.environ.get("TRUYXUAT_PG_GROUP_COMMIT", "1") != "0"
# Ledger: origin line of checkpoints and where the signing key lives (outside the database).
TRUYXUAT_LEDGER_ORIGIN = os.environ.get("TRUYXUAT_LEDGER_ORIGIN", "truyxuat.local/ledger")
TRUYXUAT_LEDGER_KEY_FILE = Path(os.environ.get("TRUYXUAT_LEDGER_KEY_FILE", DATA_DIR / "ledger-signer.key"))
# Federation (issue 23, federation/): this node's witness and request-signing keys (made on first use), the name peers
# and consumers see, hub mode (the national hub: aggregates published records, national search, witnesses every node),
# how long a peer may take to answer and how long a verified remote part of a trace is cached.
TRUYXUAT_FEDERATION_KEY_FILE = Path(os.environ.get("TRUYXUAT_FEDERATION_KEY_FILE", DATA_DIR / "federation.key"))
TRUYXUAT_FEDERATION_NAME = os.environ.get("TRUYXUAT_FEDERATION_NAME", "").strip()
TRUYXUAT_FEDERATION_HUB = _env_bool("TRUYXUAT_FEDERATION_HUB")
TRUYXUAT_FEDERATION_TIMEOUT = float(os.environ.get("TRUYXUAT_FEDERATION_TIMEOUT", "3"))
TRUYXUAT_FEDERATION_CACHE_SECONDS = int(os.environ.get("TRUYXUAT_FEDERATION_CACHE_SECONDS", "60"))

# --- plot maps (issue 15, helper 4) ------------------------------------------------------------
# Basemap under the growing-area maps: a Leaflet tile URL template such as
# https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png; empty (the default) draws plots on a plain background.
# Its host joins the Content-Security-Policy's img-src (core.maptiles; a template the CSP could not allow is refused
# here). TRUYXUAT_MAP_ATTRIBUTION is the credit line the tile provider requires (plain text).
TRUYXUAT_MAP_TILES = os.environ.get("TRUYXUAT_MAP_TILES", "").strip()
TRUYXUAT_MAP_ATTRIBUTION = os.environ.get("TRUYXUAT_MAP_ATTRIBUTION", "").strip()
if TRUYXUAT_MAP_TILES:
    from core.maptiles import with_tiles

    CONTENT_SECURITY_POLICY = with_tiles(CONTENT_SECURITY_POLICY, TRUYXUAT_MAP_TILES)
# --- end of plot maps -----------------------------------------------------------------------------

NINJA_PAGINATION_PER_PAGE = 50

# Caches: `portal` holds rendered lot pages and lot stories, `default` anything else. Never per-process memory
# outside tests: with TRUYXUAT_REDIS_URL (redis://[:password@]host:6379/0, rediss:// for TLS) every process of every
# machine shares one Redis (Django's RedisCache); without it, the processes of one machine share files under the data
# dir (FileBasedCache: as fast as Redis on loopback, several times faster than the database cache: bench/README.md).
# Either way public pages stay coherent: portal.cache keys every entry with generations read from the database per
# request (core.generations), so an entry made before a write is never served after it.
TRUYXUAT_REDIS_URL = os.environ.get("TRUYXUAT_REDIS_URL", "").strip()


def _cache(name: str, timeout: int) -> dict[str, Any]:
    if TRUYXUAT_REDIS_URL:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TRUYXUAT_REDIS_URL,
            "KEY_PREFIX": f"truyxuat:{name}",
            "TIMEOUT": timeout,
        }
    if TESTING:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name, "TIMEOUT": timeout}
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / name),
        "TIMEOUT": timeout,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }


CACHES = {"default": _cache("default", 300), "portal": _cache("portal", 600)}

# --- exchanges (issue 22: exchange/) ------------------------------------------------------------------------------
# EUDR: a forest-cover layer at the cut-off (31 December 2020) as a GeoJSON file in WGS84; none configured means the
# deforestation check says so instead of guessing. Declared and boundary areas may differ by this many percent.
TRUYXUAT_EUDR_FOREST_LAYER = os.environ.get("TRUYXUAT_EUDR_FOREST_LAYER", "").strip()
TRUYXUAT_EUDR_AREA_TOLERANCE = float(os.environ.get("TRUYXUAT_EUDR_AREA_TOLERANCE", "10"))
# The national traceability portal: its endpoint (empty: records are queued, nothing is sent), an API key and/or a
# client certificate (PEM files), and how many attempts before a record goes to the dead-letter list.
TRUYXUAT_NATIONAL_PORTAL_URL = os.environ.get("TRUYXUAT_NATIONAL_PORTAL_URL", "").strip()
TRUYXUAT_NATIONAL_PORTAL_KEY = os.environ.get("TRUYXUAT_NATIONAL_PORTAL_KEY", "").strip()
TRUYXUAT_NATIONAL_PORTAL_CERT = os.environ.get("TRUYXUAT_NATIONAL_PORTAL_CERT", "").strip()
TRUYXUAT_NATIONAL_PORTAL_CERT_KEY = os.environ.get("TRUYXUAT_NATIONAL_PORTAL_CERT_KEY", "").strip()
TRUYXUAT_NATIONAL_PORTAL_ATTEMPTS = int(os.environ.get("TRUYXUAT_NATIONAL_PORTAL_ATTEMPTS", "6"))
TRUYXUAT_NATIONAL_PORTAL_BACKOFF = float(os.environ.get("TRUYXUAT_NATIONAL_PORTAL_BACKOFF", "30"))
# Open data: where releases are written, and the licence they are published under.
TRUYXUAT_OPEN_DATA_DIR = Path(os.environ.get("TRUYXUAT_OPEN_DATA_DIR", DATA_DIR / "opendata")).resolve()
TRUYXUAT_OPEN_DATA_LICENSE = os.environ.get("TRUYXUAT_OPEN_DATA_LICENSE", "CC-BY-4.0").strip()
# Scheduled push of open data to the provincial warehouse (exchange/opendata/push.py); off without a URL.
TRUYXUAT_OPEN_DATA_PUSH_URL = os.environ.get("TRUYXUAT_OPEN_DATA_PUSH_URL", "").strip()
TRUYXUAT_OPEN_DATA_PUSH_KEY = os.environ.get("TRUYXUAT_OPEN_DATA_PUSH_KEY", "").strip()
TRUYXUAT_OPEN_DATA_PUSH_EVERY = int(os.environ.get("TRUYXUAT_OPEN_DATA_PUSH_EVERY", "3600"))

# --- settings that were read with getattr() and a default in code (issue 17) -------------------------------------
# Stamps: the key the check codes and scan-address hashes are derived from (empty: SECRET_KEY), and where an approved
# batch's plain check codes wait to be printed (0600 files, erased once the batch is printed).
TRUYXUAT_STAMP_KEY = os.environ.get("TRUYXUAT_STAMP_KEY", "")
TRUYXUAT_STAMP_CODES_DIR = Path(os.environ.get("TRUYXUAT_STAMP_CODES_DIR", DATA_DIR / "stamp-codes"))
# SQLite: checkpoint the write-ahead log in a background thread shortly after capture commits (off under tests,
# which ask for it where they test it).
TRUYXUAT_SQLITE_BACKGROUND_CHECKPOINT = _env_bool("TRUYXUAT_SQLITE_BACKGROUND_CHECKPOINT", not TESTING)
# EPCIS: at most this many subscriptions per named query.
TRUYXUAT_SUBSCRIPTIONS_PER_QUERY = int(os.environ.get("TRUYXUAT_SUBSCRIPTIONS_PER_QUERY", "100"))
# Ledger checkpoints: signed at least every INTERVAL seconds when the log grew, and after commits at most once per
# THROTTLE seconds per process (capped by INTERVAL; 0 under tests, so each test sees its checkpoint at once).
TRUYXUAT_LEDGER_CHECKPOINT_INTERVAL = float(os.environ.get("TRUYXUAT_LEDGER_CHECKPOINT_INTERVAL", "10"))
TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE = float(
    os.environ.get("TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE", "0" if TESTING else "1")
)
# Witnesses whose cosignatures the log accepts: cosignature/v1 verifier keys, separated by commas or spaces.
TRUYXUAT_LEDGER_WITNESS_KEYS = os.environ.get("TRUYXUAT_LEDGER_WITNESS_KEYS", "").replace(",", " ").split()
# Days an organisation has to answer, by kind ("complaint=5,counterfeit=2,feedback=10"; a kind not named keeps
# its default: complaints.services.DEFAULT_DAYS).
TRUYXUAT_COMPLAINT_RESPONSE_DAYS = {
    kind.strip(): int(days)
    for kind, _eq, days in (
        pair.partition("=") for pair in os.environ.get("TRUYXUAT_COMPLAINT_RESPONSE_DAYS", "").split(",") if "=" in pair
    )
}

# --- sensors (issue 21: iot/) ---------------------------------------------------------------------------------------
# Raw readings are kept RAW_DAYS days, per-minute aggregates MINUTE_DAYS days, hourly ones for ever (the maintenance
# job). A reading older than MAX_PAST_DAYS or more than MAX_FUTURE_SECONDS ahead is refused; a device clock off by
# more than SKEW_SECONDS is flagged on the reading.
TRUYXUAT_IOT_RAW_DAYS = int(os.environ.get("TRUYXUAT_IOT_RAW_DAYS", "30"))
TRUYXUAT_IOT_MINUTE_DAYS = int(os.environ.get("TRUYXUAT_IOT_MINUTE_DAYS", "90"))
TRUYXUAT_IOT_MAX_PAST_DAYS = int(os.environ.get("TRUYXUAT_IOT_MAX_PAST_DAYS", "45"))
TRUYXUAT_IOT_MAX_FUTURE_SECONDS = int(os.environ.get("TRUYXUAT_IOT_MAX_FUTURE_SECONDS", "300"))
TRUYXUAT_IOT_SKEW_SECONDS = int(os.environ.get("TRUYXUAT_IOT_SKEW_SECONDS", "120"))
# MQTT: the broker devices publish to and the bridge (`truyxuat iot bridge`) subscribes at; the directory where the
# platform writes the broker's password and ACL files from the device registry (Mosquitto's password_file and
# acl_file; `truyxuat iot broker` runs one with them). `truyxuat serve` starts both beside the server when
# MQTT_AUTOSTART (default: with TRUYXUAT_DEMO, i.e. `make run`) and Mosquitto is installed.
TRUYXUAT_MQTT_HOST = os.environ.get("TRUYXUAT_MQTT_HOST", "127.0.0.1")
TRUYXUAT_MQTT_PORT = int(os.environ.get("TRUYXUAT_MQTT_PORT", "1883"))
TRUYXUAT_MQTT_DIR = Path(os.environ.get("TRUYXUAT_MQTT_DIR", DATA_DIR / "mqtt")).resolve()
TRUYXUAT_MQTT_AUTOSTART = _env_bool("TRUYXUAT_MQTT_AUTOSTART", TRUYXUAT_DEMO)
