"""The models and the shipped migrations agree (the suite itself runs with --nomigrations)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_no_missing_migrations(settings):
    settings.MIGRATION_MODULES = {}  # undo --nomigrations for this check
    output = StringIO()
    try:
        call_command("makemigrations", "oscar_lifecycle", "--check", "--dry-run", stdout=output)
    except SystemExit:
        pytest.fail(f"Models changed without a migration:\n{output.getvalue()}")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="make sandbox migrates SQLite; once per CI run is enough")
def test_a_new_shop_migrates_from_an_empty_database(tmp_path):
    """What `make sandbox` does first: every migration and every system check `migrate` runs
    (database checks included) must work before our tables exist."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    manage = Path(__file__).resolve().parent.parent / "sandbox" / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "migrate", "--noinput", "-v0"],
        env={**os.environ, "SANDBOX_DB": str(tmp_path / "new-shop.sqlite3"),
             "DJANGO_SETTINGS_MODULE": "sandbox.settings"},
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
