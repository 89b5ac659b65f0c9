"""Settings for the Celery worker that tests/notifications/test_celery_round_trip.py starts:
the test settings, with e-mail written to files the test process reads."""

import os

from renewal.settings_test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["RENEWAL_TEST_EMAIL_DIR"]
