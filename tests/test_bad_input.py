"""Bad input gets a clear error naming what is wrong; nothing is silently skipped."""

import logging

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.exceptions import InvalidContactEmail, UnknownTrigger
from oscar_lifecycle.models import Contact, Enrollment, Journey
from oscar_lifecycle.triggers import registered_triggers
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db


def test_a_journey_with_an_unknown_trigger_is_refused_with_the_known_ones():
    journey = Journey(name="Typo", trigger="registrashun")
    with pytest.raises(ValidationError) as raised:
        journey.full_clean()
    known = ", ".join(sorted(registered_triggers()))
    assert "order_placed, order_status, price_drop, registration" in known
    assert f"Unknown trigger “registrashun”. Choose one of: {known}." in raised.value.message_dict["trigger"]


def test_enrolling_with_an_unknown_trigger_raises_a_clear_error():
    with pytest.raises(UnknownTrigger, match="Unknown trigger 'no_such_trigger'"):
        enroll("no_such_trigger", subscriber("a@example.com"))


def test_a_trigger_setting_that_cannot_be_imported_fails_the_system_check(settings):
    settings.OSCAR_LIFECYCLE = {"TRIGGERS": ["oscar_lifecycle.triggers.NoSuchTrigger"]}
    errors = [message for message in run_checks() if message.id == "oscar_lifecycle.E001"]
    assert len(errors) == 1
    assert "OSCAR_LIFECYCLE['TRIGGERS'] lists 'oscar_lifecycle.triggers.NoSuchTrigger'" in errors[0].msg


def test_a_trigger_setting_that_is_not_a_trigger_is_refused(settings):
    settings.OSCAR_LIFECYCLE = {"TRIGGERS": ["oscar_lifecycle.models.Contact"]}
    with pytest.raises(Exception, match="not a subclass of oscar_lifecycle.triggers.base.Trigger"):
        registered_triggers()


def test_a_pressure_cap_of_zero_fails_the_system_check(settings):
    settings.OSCAR_LIFECYCLE = {"PRESSURE_CAP": 0}
    assert "oscar_lifecycle.E002" in [message.id for message in run_checks()]


def test_a_journey_without_steps_records_why_nobody_was_enrolled(caplog):
    create_journey("Empty", steps=[])
    with caplog.at_level(logging.WARNING, logger="oscar_lifecycle"):
        enroll("registration", subscriber("b@example.com"))
    enrollment = Enrollment.objects.get()
    assert (enrollment.state, enrollment.reason) == (Enrollment.State.EXITED, "journey has no steps")
    assert "Journey 'Empty' has no steps" in caplog.text


@pytest.mark.parametrize("address", ["", "not-an-address", "a@b", "two@@example.com"])
def test_an_invalid_email_address_creates_no_contact(address):
    with pytest.raises(InvalidContactEmail, match="is not a valid email address"):
        contact_for(address)
    assert not Contact.objects.exists()


def test_an_unknown_setting_names_the_setting_to_add():
    from oscar_lifecycle.conf import lifecycle_setting

    with pytest.raises(Exception, match=r"OSCAR_LIFECYCLE\['NO_SUCH'\]"):
        lifecycle_setting("NO_SUCH")


def test_a_live_journey_whose_trigger_left_the_settings_is_reported(settings):
    create_journey("Orphan", trigger="order_placed")
    settings.OSCAR_LIFECYCLE = {"TRIGGERS": ["oscar_lifecycle.triggers.registration.RegistrationTrigger"]}

    warnings = [message for message in run_checks(databases=["default"]) if message.id == "oscar_lifecycle.W005"]

    assert [warning.msg for warning in warnings] == [
        "Journey 'Orphan' is live but its trigger 'order_placed' is not in "
        "OSCAR_LIFECYCLE['TRIGGERS']: nobody will enter it."
    ]
