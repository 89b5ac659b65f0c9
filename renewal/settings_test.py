"""Test settings: the real settings with a throwaway key, fast hashing and a memory outbox.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs against real services.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-7f3c1e0b9a2d4c6e8f1a3b5c7d9e0f2a4b6c8d")

from renewal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files through Django's finders; WhiteNoise would warn about STATIC_ROOT.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405

# RENEWAL_TEST_DB_SUFFIX: a test database of one's own on a shared PostgreSQL (test_<name>_<suffix>),
# so two runs at the same time do not drop each other's. pytest-xdist adds _gw0, _gw1, ... itself.
_TEST_DB_SUFFIX = os.environ.get("RENEWAL_TEST_DB_SUFFIX", "")
if _TEST_DB_SUFFIX and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"test_{DATABASES['default']['NAME']}_{_TEST_DB_SUFFIX}"  # noqa: F405
    }

# Under pytest-xdist (`-n 2`) each worker has its own Redis database, as it has its own test
# database: the cache a test clears (a FLUSHDB), the rate limits and the Celery queues are then
# the worker's own. The number is fixed by the worker's name (gw0: 1, gw1: 2, ...; a second run
# beside the first sets RENEWAL_TEST_REDIS_DB=3 for 3, 4, ...), so the Celery worker a test starts
# with these settings and this environment lands on the same one.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _XDIST_WORKER.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _redis = urlsplit(REDIS_URL)  # noqa: F405
    _redis_first = int(os.environ.get("RENEWAL_TEST_REDIS_DB") or 1)
    _redis_db = (_redis_first + int(_XDIST_WORKER.removeprefix("gw")) - 1) % 15 + 1
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_redis_db}"))
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
    CACHES = {"default": {**CACHES["default"], "LOCATION": REDIS_URL}}  # noqa: F405
