"""Settings for Renewal, read from environment variables.

Defaults make `make run` work on SQLite with tasks run eagerly. Production is whatever runs with
DEBUG off: it refuses to start without a real SECRET_KEY.
"""

import os
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
INSECURE_DEV_KEY = "insecure-development-key-do-not-use-in-production"


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from exc
    if not number > 0 or number == float("inf"):
        raise ImproperlyConfigured(f"{name} must be a positive number, not {value!r}")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY") or ""
if not SECRET_KEY or SECRET_KEY == INSECURE_DEV_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or is the development default. Set a long random SECRET_KEY "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))') or DEBUG=true."
        )
    SECRET_KEY = INSECURE_DEV_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # The account surface (sign-in, second factors, single sign-on): django-allauth, README "Accounts".
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # Listed so the API docs use django-ninja's bundled Swagger UI, not a CDN the CSP refuses.
    "ninja",
    "renewal",
    "organisations",
    "initiatives",
    "metrics",
    "funding",
    "reports",
    "notifications",
    "api",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits, then the second factor some roles must have (accounts/).
    "accounts.middleware.SessionBoundsMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "renewal.middleware.HtmxVaryMiddleware",
    "renewal.middleware.AuditActorMiddleware",
    "renewal.middleware.UserLanguageMiddleware",
]

ROOT_URLCONF = "renewal.urls"
WSGI_APPLICATION = "renewal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "initiatives:my_work"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fi", _("Finnish")), ("sv", _("Swedish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Helsinki")
USE_I18N = True
USE_TZ = True
# English in day-month-year and the 24-hour clock (renewal/formats/en); Finnish and Swedish as Django has them.
FORMAT_MODULE_PATH = ["renewal.formats"]

MEDIA_URL = "media/"
# Generated reports are stored here and served only through a view that checks access.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Effective working hours in one full-time equivalent year: 1,600 is the usual planning figure
# for Finnish public administration (about 7.25 h × 220 working days, less training and leave).
HOURS_PER_FTE_YEAR = env_int("HOURS_PER_FTE_YEAR", 1600)
# A measured value further than this many times the width of what a KPI has known (baseline,
# target, milestones, recent values) beyond it is implausible: the form asks to confirm it.
MEASUREMENT_PLAUSIBLE_SPAN = env_float("MEASUREMENT_PLAUSIBLE_SPAN", 2.0)

# Uploaded CSV/XLSX files (metrics/imports.py read_table): refused beyond these.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ZIP_RATIO = env_int("IMPORT_MAX_ZIP_RATIO", 100)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)
# An import or report job with no sign of life from its worker this long lost it (issue 15).
IMPORT_STALE_AFTER_SECONDS = env_int("IMPORT_STALE_AFTER_SECONDS", 15 * 60)
REPORT_JOB_STALE_AFTER_SECONDS = env_int("REPORT_JOB_STALE_AFTER_SECONDS", 15 * 60)

# The accessibility statement (/accessibility/, Act 306/2019): keep these true after each assessment.
# Known gaps are separated by ";"; empty keeps the built-in, translated list (renewal/accessibility.py).
ACCESSIBILITY_KNOWN_GAPS = [
    gap.strip() for gap in env("ACCESSIBILITY_KNOWN_GAPS", "").split(";") if gap.strip()
]
ACCESSIBILITY_ASSESSED_ON = date.fromisoformat(env("ACCESSIBILITY_ASSESSED_ON", "2026-12-02"))
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL", "")
# Who receives the feedback form's messages; empty: the ADMINS.
ACCESSIBILITY_FEEDBACK_EMAIL = env_list("ACCESSIBILITY_FEEDBACK_EMAIL")
# Empty name: the Regional State Administrative Agency for Southern Finland, in the reader's language.
ACCESSIBILITY_AUTHORITY_NAME = env("ACCESSIBILITY_AUTHORITY_NAME", "")
ACCESSIBILITY_AUTHORITY_WEB = env("ACCESSIBILITY_AUTHORITY_WEB", "saavutettavuusvaatimukset.fi")
ADMINS = env_list("ADMINS")

# The paradox radar's thresholds (initiatives/signals.py; README "The paradox radar").
RADAR_SPEND_MONTHS = env_int("RADAR_SPEND_MONTHS", 3)
RADAR_REMEASURE_MONTHS = env_int("RADAR_REMEASURE_MONTHS", 3)
RADAR_LEAD_TIME_GAIN = env_float("RADAR_LEAD_TIME_GAIN", 0.10)
RADAR_REALLOCATION_DELAY_DAYS = env_int("RADAR_REALLOCATION_DELAY_DAYS", 60)
RADAR_BUDGET_GRACE_DAYS = env_int("RADAR_BUDGET_GRACE_DAYS", 30)
RADAR_FAILING_SHARE = env_float("RADAR_FAILING_SHARE", 0.5)
RADAR_SCALE_REALISED_SHARE = env_float("RADAR_SCALE_REALISED_SHARE", 0.5)


def env_phase_days(name: str, default: str) -> dict[int, int]:
    """ "1:90,2:90" → {1: 90, 2: 90}: how many days in each phase is the norm."""
    text = env(name, default)
    try:
        pairs = [item.split(":") for item in text.split(",") if item.strip()]
        norms = {int(phase): int(days) for phase, days in pairs}
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must look like 1:90,2:90,3:120, not {text!r}") from exc
    if not set(norms) <= {1, 2, 3, 4, 5} or min(norms.values(), default=1) < 1:
        raise ImproperlyConfigured(f"{name}: phases 1-5, at least one day each, not {text!r}")
    return norms


RADAR_PHASE_NORM_DAYS = env_phase_days("RADAR_PHASE_NORM_DAYS", "1:90,2:90,3:120,4:365,5:365")

# Redis is optional: without it Celery runs tasks in-process, which is what `make run` uses.
REDIS_URL = env("REDIS_URL") or ""
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Exactly one beat runs this. The sweep decides from the database what is due, so a run that is
# late, doubled or missed is harmless; `expires` drops sweeps that queued up while workers were down.
CELERY_BEAT_SCHEDULE = {
    "send-due-reminders": {
        "task": "notifications.send_due_reminders",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    # The month's portfolio snapshots: daily, so the first night of a month stores them and a
    # missed night is caught up the next; a night that already has them stores nothing.
    "snapshot-portfolio": {
        "task": "initiatives.snapshot_portfolio",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 20 * 60 * 60},
    },
    # Imports and report jobs whose worker died are queued again once, then failed (issue 15).
    "recover-stale-imports": {
        "task": "metrics.recover_stale_imports",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    "recover-stale-report-jobs": {
        "task": "reports.recover_stale_jobs",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    "forget-old-submissions": {
        "task": "renewal.forget_old_submissions",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 20 * 60 * 60},
    },
}

# A create form's one-time key (renewal.SubmissionToken) is kept this many days: long enough to
# recognise a double click or a replayed request, then deleted by the nightly beat task.
SUBMISSION_KEYS_KEPT_DAYS = env_int("SUBMISSION_KEYS_KEPT_DAYS", 2)

# Reminders (notifications/): review reminders go out this many days before the review; nothing
# is sent between the quiet hours' start and end (whole hours, recipient's local time; equal
# values turn quiet hours off); the monthly portfolio digest goes out from this day of the month.
REMINDERS_REVIEW_LEAD_DAYS = env_int("REMINDERS_REVIEW_LEAD_DAYS", 1)
REMINDERS_QUIET_HOURS_START = env_int("REMINDERS_QUIET_HOURS_START", 20)
REMINDERS_QUIET_HOURS_END = env_int("REMINDERS_QUIET_HOURS_END", 8)
REMINDERS_DIGEST_DAY = env_int("REMINDERS_DIGEST_DAY", 1)
REMINDERS_COMMITMENT_LEAD_DAYS = env_int("REMINDERS_COMMITMENT_LEAD_DAYS", 14)
if not (
    0 <= REMINDERS_QUIET_HOURS_START <= 23
    and 0 <= REMINDERS_QUIET_HOURS_END <= 23
    and 0 <= REMINDERS_REVIEW_LEAD_DAYS <= 27
    and 1 <= REMINDERS_DIGEST_DAY <= 28
    and 0 <= REMINDERS_COMMITMENT_LEAD_DAYS <= 365
):
    raise ImproperlyConfigured(
        "REMINDERS_QUIET_HOURS_START/END must be hours 0-23, REMINDERS_REVIEW_LEAD_DAYS 0-27 "
        "REMINDERS_DIGEST_DAY 1-28 and REMINDERS_COMMITMENT_LEAD_DAYS 0-365."
    )

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Renewal <renewal@localhost>")
# Seconds to wait for the SMTP server, so a hung server cannot stall the reminder sweep.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# The directory the file backend (django.core.mail.backends.filebased.EmailBackend) writes to.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH") or None
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend" and not EMAIL_FILE_PATH:
    raise ImproperlyConfigured("EMAIL_FILE_PATH must name a directory for the file e-mail backend.")

# Everything is served from our own origin: scripts and styles are static files, never inline.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# Accounts (README "Accounts"): django-allauth for sign-in, second factors, single sign-on,
# re-authentication, password reset and rate limits; accounts/ for sessions and the security log.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("REAUTHENTICATION_TIMEOUT_SECONDS", 300)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Renewal: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Failed sign-ins per address and per account name (whether or not it exists); then refused
# with the same message for every name until the window passes (allauth's rate limits).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("SIGN_IN_FAILURE_LIMITS", "20/15m/ip,5/15m/key"),
    "reset_password": "20/m/ip,5/5m/key",
    "reauthenticate": "10/m/user",
}
# A reset link works once (its hash covers the password and the last sign-in) and for an hour.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 60 * 60)
# Password sign-in can be switched off where everyone signs in through the identity provider.
SOCIALACCOUNT_ONLY = not env_bool("PASSWORD_SIGN_IN", True)
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _oidc_app(prefix: str, provider_id: str, organisation: str = "") -> dict | None:
    issuer = env(f"{prefix}ISSUER", "")
    if not issuer:
        return None
    client_id, secret = env(f"{prefix}CLIENT_ID", ""), env(f"{prefix}CLIENT_SECRET", "")
    if not client_id or not secret:
        raise ImproperlyConfigured(
            f"{prefix}ISSUER needs {prefix}CLIENT_ID and {prefix}CLIENT_SECRET."
        )
    return {
        "provider_id": provider_id,
        "name": env(f"{prefix}NAME", "") or _("your organisation's account"),
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": issuer,
            "oauth_pkce_enabled": True,
            "organisation": organisation,
        },
    }


# The installation's provider (OIDC_*), and one per organisation that brings its own:
# OIDC_ORGANISATIONS=12,14 reads OIDC_12_ISSUER, OIDC_12_CLIENT_ID, OIDC_12_CLIENT_SECRET, OIDC_12_NAME.
_oidc_apps = [
    app
    for app in [
        _oidc_app("OIDC_", "renewal"),
        *(
            _oidc_app(f"OIDC_{org}_", f"org{org}", organisation=org)
            for org in env_list("OIDC_ORGANISATIONS")
        ),
    ]
    if app is not None
]
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"APPS": _oidc_apps, "OAUTH_PKCE_ENABLED": True, "VERIFIED_EMAIL": False}
}
# Signing in posts a form here that redirects to the provider: the CSP must allow that target.
SECURE_CSP["form-action"] = [
    *SECURE_CSP["form-action"],
    *sorted({_origin(app["settings"]["server_url"]) for app in _oidc_apps}),
]
if SOCIALACCOUNT_ONLY and not _oidc_apps:
    raise ImproperlyConfigured(
        "PASSWORD_SIGN_IN=false needs an identity provider: set OIDC_ISSUER."
    )

# Second factors (allauth.mfa): TOTP and WebAuthn with recovery codes, offered to everyone and
# required of these roles and of staff; the demo (DEBUG) may skip the enrolment.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Renewal"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", DEBUG)
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "leader,funding_officer")
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", True)
MFA_ENROLMENT_SKIPPABLE = env_bool("MFA_ENROLMENT_SKIPPABLE", DEBUG)
# ID token `amr` values (RFC 8176) that mean the provider already asked for more than a password.
MFA_PROVIDER_AMR_VALUES = env_list("MFA_PROVIDER_AMR_VALUES", "mfa,otp,hwk,swk,fpt,face,sms")

# Sessions end when the browser closes, after SESSION_IDLE_MINUTES without activity and
# SESSION_MAX_HOURS after sign-in, whichever comes first (accounts.middleware); a warning comes
# SESSION_WARNING_SECONDS before the idle end.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_MAX_HOURS", 12) * 60 * 60
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
if SESSION_IDLE_TIMEOUT < 60 or SESSION_ABSOLUTE_TIMEOUT < SESSION_IDLE_TIMEOUT:
    raise ImproperlyConfigured(
        "SESSION_IDLE_MINUTES must be at least 1 and SESSION_MAX_HOURS cover it."
    )

# Rate limits (sign-in failures, API tokens) count in this cache: Redis when there is one, so
# every process counts together; otherwise this process's memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# API tokens: the expiry offered at creation (days), the longest allowed, and requests per minute.
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
API_TOKEN_RATE_PER_MINUTE = env_int("API_TOKEN_RATE_PER_MINUTE", 120)
