"""What every benchmark needs: a database of its own built from the models (as the tests'
--nomigrations does), Wagtail's default locale, and a statement counter.

Import it after ``django.setup()``.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site


class NoMigrations:
    """MIGRATION_MODULES saying no app has migrations: tables come from the models, as with --nomigrations."""

    def __contains__(self, app_label):
        return True

    def __getitem__(self, app_label):
        return None


class QueryCounter:
    """An execute wrapper counting every statement, whatever DEBUG says, cheap enough to stay on
    while timing (CaptureQueriesContext keeps only the last 9,000 queries)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def benchmark_database(*, debug=None, keep=False):
    """A new test database for the block, dropped after it unless ``keep``."""
    settings.MIGRATION_MODULES = NoMigrations()
    setup_test_environment(debug=debug)
    old_database_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.close()
        if keep:
            print(f"Database {connection.settings_dict['NAME']} kept.")
        else:
            connection.creation.destroy_test_db(old_database_name, verbosity=0)
        teardown_test_environment()


def create_default_locale():
    """The Locale wagtailcore's migration 0054 creates: tables made from the models start without it."""
    Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))


def create_site():
    """The default locale, root page and site Wagtail's migrations would create (as tests/conftest.py)."""
    create_default_locale()
    root = Page.add_root(title="Root", slug="root")
    home = root.add_child(title="Home", slug="home")
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)


def print_report(rows):
    """Print ``rows`` of (label, value): a heading where the value is None, else an aligned line."""
    label_width = max(len(label) for label, value in rows if value is not None)
    for label, value in rows:
        print(label if value is None else f"  {label:<{label_width}}  {value}")
