import pytest
from django.core import mail

from tests import shop


@pytest.fixture(autouse=True)
def anymail_test_backend(settings):
    """Send through anymail's test backend (pytest-django swaps in locmem otherwise)."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []


@pytest.fixture
def outbox():
    return mail.outbox


@pytest.fixture
def catalogue(db):
    return shop.create_catalogue()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run the on_commit work a request queued, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
