"""A system check's hint names a fix that exists: the task W004 tells a shop to schedule is one
Celery knows, and every check oscar_lifecycle registers says, in its hint, what to do."""

import re
from pathlib import Path

import pytest
from django.core.checks import registry

import oscar_lifecycle.checks
from oscar_lifecycle.checks import check_runner
from oscar_lifecycle.conf import DEFAULTS
from tests.celery_app import app
from tests.shop import create_journey


def test_the_runner_warning_names_the_task_celery_registers(settings):
    settings.CELERY_BROKER_URL = None
    [warning] = check_runner(None)
    app.loader.import_default_modules()
    named = [name for name in app.tasks if name.startswith("oscar_lifecycle.") and name in warning.hint]
    assert named == ["oscar_lifecycle.run"], warning.hint


def lifecycle(settings, **options):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, **options}


def oscar_templates_only(settings):
    """The shop's templates are Oscar's own, without the includes the README adds."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]


def live_journey_without_its_trigger(settings):
    create_journey("Orphan", trigger="order_placed")
    lifecycle(settings, TRIGGERS=[path for path in DEFAULTS["TRIGGERS"] if not path.endswith("OrderPlacedTrigger")])


def no_locale_middleware(settings):
    settings.MIDDLEWARE = [path for path in settings.MIDDLEWARE if not path.endswith("LocaleMiddleware")]


# (check id, a misconfiguration that makes it speak): every id checks.py raises, and both ways
# E004 is raised.
MISCONFIGURATIONS = [
    ("oscar_lifecycle.E001", lambda settings: lifecycle(settings, TRIGGERS=["nowhere.Trigger"])),
    ("oscar_lifecycle.E002", lambda settings: lifecycle(settings, PRESSURE_CAP=0)),
    ("oscar_lifecycle.E003", lambda settings: setattr(settings, "DEFAULT_FROM_EMAIL", "Shop <Shop <shop@example>>")),
    ("oscar_lifecycle.E004", lambda settings: lifecycle(settings, CONSENT_RULE="whatever the law")),
    ("oscar_lifecycle.E004", lambda settings: lifecycle(settings, PROSPECT_OPT_IN=True)),
    ("oscar_lifecycle.W001", lambda settings: lifecycle(settings, SITE_URL=None)),
    ("oscar_lifecycle.W002", lambda settings: setattr(settings, "OSCAR_SEND_REGISTRATION_EMAIL", True)),
    ("oscar_lifecycle.W003", lambda settings: setattr(settings, "ANYMAIL", {})),
    ("oscar_lifecycle.W004", lambda settings: setattr(settings, "CELERY_BROKER_URL", None)),
    ("oscar_lifecycle.W005", live_journey_without_its_trigger),
    ("oscar_lifecycle.W006", lambda settings: lifecycle(settings, DELIVERED_STATUSES=[])),
    ("oscar_lifecycle.W007", lambda settings: None),  # the test database's shop has no postal address
    ("oscar_lifecycle.W008", lambda settings: setattr(settings, "ROOT_URLCONF", "tests.urls_without_anymail")),
    ("oscar_lifecycle.W009", lambda settings: lifecycle(settings, CONSENT_RULE="soft_opt_in_for_all")),
    ("oscar_lifecycle.W010", no_locale_middleware),
    ("oscar_lifecycle.W011", oscar_templates_only),
    ("oscar_lifecycle.W012", oscar_templates_only),
]


def lifecycle_messages():
    """What every check oscar_lifecycle registers says, as `check --deploy --database default` runs them."""
    return [
        message
        for check in registry.registry.get_checks(include_deployment_checks=True)
        if check.__module__ == oscar_lifecycle.checks.__name__
        for message in check(app_configs=None, databases=["default"])
    ]


def test_every_check_is_made_to_speak_below():
    raised = set(re.findall(r'id="(oscar_lifecycle\.[EW]\d+)"', Path(oscar_lifecycle.checks.__file__).read_text()))
    assert raised == {check_id for check_id, _misconfigure in MISCONFIGURATIONS}


@pytest.mark.django_db
@pytest.mark.parametrize("check_id, misconfigure", MISCONFIGURATIONS,
                         ids=[check_id for check_id, _misconfigure in MISCONFIGURATIONS])
def test_every_check_names_its_fix(settings, check_id, misconfigure):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "user:password"}
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    misconfigure(settings)

    messages = [message for message in lifecycle_messages() if message.id == check_id]

    assert messages, f"{check_id} did not speak"
    for message in messages:
        assert message.hint and len(message.hint) > 20, f"{check_id} has no hint: {message.msg}"
