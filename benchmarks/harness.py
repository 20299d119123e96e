"""What every benchmark needs: a database of its own built from the models (as the tests'
--nomigrations does), Wagtail's default locale, a statement counter, and raw SQL to fill
tables with millions of rows in seconds (INSERT ... SELECT from generate_series).

Import it after ``django.setup()``.
"""

import time
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from oscar_lifecycle.models.oscar_indexes import add_oscar_indexes


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


class StatementLog:
    """An execute wrapper keeping each statement as the database ran it (values in place) and its
    time in seconds, to the microsecond (CaptureQueriesContext rounds to the millisecond)."""

    def __init__(self):
        self.statements = []  # (sql, seconds)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - started
            ran = context["connection"].ops.last_executed_query(context["cursor"].cursor, sql, params)
            self.statements.append((ran or sql, seconds))


@contextmanager
def benchmark_database(*, debug=None, keep=False, reuse=False):
    """A new test database for the block, dropped after it unless ``keep``; with the indexes our
    migration adds to Oscar's tables. ``reuse``: the database of an earlier run, when there is
    one (kept after the block too), so that a large one is built once."""
    settings.MIGRATION_MODULES = NoMigrations()
    setup_test_environment(debug=debug)
    old_database_name = connection.settings_dict["NAME"]
    keep = keep or reuse
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=reuse)
    with connection.schema_editor() as editor:
        add_oscar_indexes(apps, editor)
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


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


def sequence(model):
    return f"pg_get_serial_sequence('{model._meta.db_table}', 'id')"


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def insert_rows(model, source, params=(), /, **columns):
    """INSERT INTO ``model``'s table SELECT ``columns`` FROM ``source`` (with ``params``); a column is
    a field name and an SQL expression, or (expression, its params), and may be called ``source``.
    The other fields take their default (the primary key its sequence). Returns the rows written."""
    names, expressions, select_params = [], [], []
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if name not in columns and (model_field.primary_key or not (model_field.has_default() or not model_field.null)):
            continue
        names.append(connection.ops.quote_name(model_field.column))
        if name in columns:
            expression = columns.pop(name)
            expression, expression_params = (expression, []) if isinstance(expression, str) else expression
            expressions.append(expression)
            select_params += expression_params
        else:
            expressions.append("%s")
            select_params.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    if columns:
        raise ValueError(f"{model.__name__} has no fields {sorted(columns)}")
    return execute(
        f"INSERT INTO {table(model)} ({', '.join(names)}) SELECT {', '.join(expressions)} FROM {source}",
        [*select_params, *params],
    )


def print_report(rows):
    """Print ``rows`` of (label, value): a heading where the value is None, else an aligned line."""
    label_width = max(len(label) for label, value in rows if value is not None)
    for label, value in rows:
        print(label if value is None else f"  {label:<{label_width}}  {value}")
