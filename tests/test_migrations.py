"""The models and the shipped migrations agree (the suite itself runs with --nomigrations)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations(settings):
    settings.MIGRATION_MODULES = {}  # undo --nomigrations for this check
    output = StringIO()
    try:
        call_command("makemigrations", "oscar_lifecycle", "--check", "--dry-run", stdout=output)
    except SystemExit:
        pytest.fail(f"Models changed without a migration:\n{output.getvalue()}")
