from collections.abc import Sequence

import pytest
from django.core import mail

from tests import shop


@pytest.fixture(autouse=True)
def anymail_test_backend(settings):
    """Send through anymail's test backend (pytest-django swaps in locmem otherwise)."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []


class LifecycleOutbox(Sequence):
    """The emails oscar_lifecycle sent, leaving out Oscar's own (order confirmations...)."""

    def _emails(self):
        return [email for email in mail.outbox if "lifecycle_message" in getattr(email, "metadata", {})]

    def __getitem__(self, index):
        return self._emails()[index]

    def __len__(self):
        return len(self._emails())

    def __eq__(self, other):
        return self._emails() == list(other)


@pytest.fixture
def outbox():
    return LifecycleOutbox()


@pytest.fixture
def catalogue(db):
    return shop.create_catalogue()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run the on_commit work a request queued, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
