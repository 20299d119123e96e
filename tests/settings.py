"""Test settings: the sandbox shop, with an in-memory SQLite database by default.

LIFECYCLE_TEST_DB=postgresql runs the same suite on PostgreSQL (127.0.0.1:5432,
trust auth, or PG* environment variables), as CI does.
"""

import os

from oscar_lifecycle.conf import DEFAULTS as LIFECYCLE_DEFAULTS
from sandbox.settings import *  # noqa: F401,F403

if os.environ.get("LIFECYCLE_TEST_DB") == "postgresql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("PGDATABASE", "test"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "TEST": {"NAME": os.environ.get("LIFECYCLE_TEST_DB_NAME", "test_oscar_lifecycle")},
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# Nothing is indexed: the products tests create would outlive each test's rollback in a search
# index. test_sandbox_shop.py gives the sandbox's own backend an index in a temporary folder.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
# No minimum gap between marketing emails: most tests send several steps in a row; the gap's own
# tests (test_minimum_gap.py) and the sandbox's programme tests turn it on.
# Every rule the app ships, and the tests' own (tests/rules.py).
OSCAR_LIFECYCLE = {
    "SITE_URL": "https://shop.test",
    "MINIMUM_GAP": None,
    "RULES": [*LIFECYCLE_DEFAULTS["RULES"], "tests.rules.JoinedWithinRule", "tests.rules.InSegmentRule"],
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
SILENCED_SYSTEM_CHECKS = ["oscar_lifecycle.W002"]
