"""IBP-Kompas settings, driven by environment variables (documented in docs/operations.md)."""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KOMPAS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "")
    if raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, *, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    if raw not in choices:
        allowed = ", ".join(choices)
        raise ImproperlyConfigured(f"{name} must be one of {allowed}; not {raw!r}.")
    return raw


def env_date(name: str, *, default: datetime.date) -> datetime.date:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date as YYYY-MM-DD, not {raw!r}.") from None


def local_secret_key() -> str:
    """A key generated once per checkout, so local sessions survive a restart."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set DEBUG=true for local use "
            "(a key is then generated in var/secret_key)."
        )
    SECRET_KEY = local_secret_key()

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "kompas.core",  # before allauth: our templates override its layout
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "kompas.accounts",
    "kompas.boards",
    "kompas.audit",
    "kompas.frameworks",
    "kompas.assessments",
    "kompas.plans",
    "kompas.reports",
    "kompas.monitoring",
    "kompas.incidents",
    "kompas.notifications",
    "kompas.exports",
    "kompas.demo",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kompas.core.middleware.LanguageMiddleware",
    "kompas.core.middleware.ForbiddenCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kompas.boards.mfa.RequireMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kompas.boards.context_processors.navigation",
                "kompas.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kompas.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work side by side; the timeout waits for a busy writer.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "boards:mine"
LOGOUT_REDIRECT_URL = "home"

# Accounts (django-allauth): e-mail and password, no open sign-up (people join by invitation),
# second factor by TOTP with recovery codes, single sign-on by OpenID Connect.
ACCOUNT_ADAPTER = "kompas.boards.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "kompas.boards.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # the invitation link proved the address
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # a reset never signs in, so never skips the 2nd factor
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/5m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "IBP-Kompas"
REQUIRE_MFA = env_bool("REQUIRE_MFA", default=not DEBUG)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # SSO finds the invited account by verified e-mail
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if os.environ.get("OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": os.environ.get("OIDC_PROVIDER_ID", "sso"),
                "name": os.environ.get("OIDC_NAME", "Single sign-on"),
                "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": os.environ["OIDC_SERVER_URL"]},
            }
        ],
    }
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
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
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root

EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": (
            {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", default=25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "timeout": env_int("EMAIL_TIMEOUT", default=10),
            }
            if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IBP-Kompas <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

ADMIN_URL = os.environ.get("ADMIN_URL", "admin/")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Framework import limits.
FRAMEWORK_IMPORT_MAX_BYTES = env_int("FRAMEWORK_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# A framework or mapping file uploaded on the platform page waits here, under a random name,
# between its preview and the confirmation (docs/framework-format.md).
FRAMEWORK_UPLOAD_ROOT = VAR_DIR / "framework-uploads"
# A filled-in self-evaluation workbook is some 30 KB; these limits leave room and stop bombs.
EXCEL_IMPORT_MAX_BYTES = env_int("EXCEL_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
EXCEL_IMPORT_MAX_UNPACKED_BYTES = env_int(
    "EXCEL_IMPORT_MAX_UNPACKED_BYTES", default=20 * 1024 * 1024
)

# Evidence uploads (docs/evidence.md): kept outside the web root and MEDIA_ROOT, served only
# through the access layer.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", VAR_DIR / "evidence"))
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)

# The platform admin's restore of a board from its export (docs/board-export.md): the uploaded
# file waits here, under a random name, between the preview and the confirmation.
BOARD_RESTORE_ROOT = VAR_DIR / "restores"
BOARD_RESTORE_MAX_BYTES = env_int("BOARD_RESTORE_MAX_BYTES", default=200 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", default=14)
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "")

# Where people reach the application; links in e-mail sent outside a request start with it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (Django's tasks framework): tasks wait in the database until a worker
# (`manage.py db_worker`, started by `make run`) picks them up.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Sector figures: a cell is published only when it covers at least this many boards that did
# not share their results by name (docs/disclosure-control.md).
MONITORING_MIN_BOARDS = env_int("MONITORING_MIN_BOARDS", default=10)
if MONITORING_MIN_BOARDS < 2:
    raise ImproperlyConfigured("MONITORING_MIN_BOARDS must be 2 or more.")
# Releases of a round's figures while it is open; the final release comes when it closes.
MONITORING_INTERIM_RELEASES = env_int("MONITORING_INTERIM_RELEASES", default=2)

# What the Inspectorate sees beyond the signals, for boards that consented (docs/monitoring.md,
# "Inspectorate"); the legal basis is still being set, so the operator chooses.
INSPECTORATE_SHARING_LEVELS = ("signals", "signals_and_plan", "everything")
INSPECTORATE_SHARING = env_choice(
    "INSPECTORATE_SHARING", default="signals", choices=INSPECTORATE_SHARING_LEVELS
)
# By these dates every board has an approved self-evaluation and an approved plan (BRIEF 1).
MONITORING_EVALUATION_DEADLINE = env_date(
    "MONITORING_EVALUATION_DEADLINE", default=datetime.date(2027, 12, 31)
)
MONITORING_PLAN_DEADLINE = env_date("MONITORING_PLAN_DEADLINE", default=datetime.date(2027, 12, 31))

# Owners of open measures are reminded this many days before the due date, and once overdue.
PLAN_REMINDER_DAYS_BEFORE = env_int("PLAN_REMINDER_DAYS_BEFORE", default=14)
if PLAN_REMINDER_DAYS_BEFORE < 0:
    raise ImproperlyConfigured("PLAN_REMINDER_DAYS_BEFORE must be 0 or more.")
