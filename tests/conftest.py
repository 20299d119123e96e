from collections.abc import Sequence

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import translation

from tests import shop
from tests.live_server import serve_one_request_at_a_time

serve_one_request_at_a_time()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The suite's tables are made from the models (--nomigrations): add the indexes our migration
    puts on Oscar's tables, as a shop's database has them."""
    from django.apps import apps
    from django.db import connection

    from oscar_lifecycle.models.oscar_indexes import add_oscar_indexes

    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        add_oscar_indexes(apps, editor)


@pytest.fixture(autouse=True)
def wagtail_root(request):
    """What Wagtail's migrations would create (the suite runs with --nomigrations):
    the default locale, the root page, the default site and the root collection (where images
    go), for every test that uses the database:
    marked django_db, or asking for db, transactional_db or live_server (the last two empty the
    tables after each test, so this runs again for the next)."""
    uses_database = not {"db", "transactional_db", "live_server"}.isdisjoint(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not uses_database:
        return
    request.getfixturevalue("_django_db_helper")
    from wagtail.models import Collection, Locale, Page, Site

    Locale.objects.get_or_create(language_code="en")
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Page.objects.exists():
        root = Page.add_root(title="Root", slug="root")
        home = root.add_child(title="Home", slug="home")
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request through LocaleMiddleware leaves
    the thread in the language it asked for (a French shopper's checkout, say)."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def anymail_test_backend(settings):
    """Send through anymail's test backend (pytest-django swaps in locmem otherwise)."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []


class LifecycleOutbox(Sequence):
    """The emails of journey steps oscar_lifecycle sent, leaving out Oscar's own (order
    confirmations...) and our notices (the double opt-in confirmation)."""

    def _emails(self):
        return [email for email in mail.outbox
                if "lifecycle_message" in getattr(email, "metadata", {})
                and any(tag.startswith("journey:") for tag in getattr(email, "tags", []))]

    def __getitem__(self, index):
        return self._emails()[index]

    def __len__(self):
        return len(self._emails())

    def __eq__(self, other):
        return self._emails() == list(other)


@pytest.fixture
def soft_opt_in_for_all(settings):
    """The legacy consent rule, for tests about something else whose shoppers never tick a box:
    marketing reaches prospects who have not said no (by default they must confirm a yes first)."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CONSENT_RULE": "soft_opt_in_for_all"}


@pytest.fixture
def outbox():
    return LifecycleOutbox()


@pytest.fixture
def catalogue(db):
    return shop.create_catalogue()


@pytest.fixture
def client_class(client):
    """Make a second, independent browser (e.g. a shopper beside a logged-in editor)."""
    return client.__class__
