"""A system check's hint names a fix that exists: the task W004 tells a shop to schedule is one
Celery knows."""

from oscar_lifecycle.checks import check_runner
from tests.celery_app import app


def test_the_runner_warning_names_the_task_celery_registers(settings):
    settings.CELERY_BROKER_URL = None
    [warning] = check_runner(None)
    app.loader.import_default_modules()
    named = [name for name in app.tasks if name.startswith("oscar_lifecycle.") and name in warning.hint]
    assert named == ["oscar_lifecycle.run"], warning.hint
