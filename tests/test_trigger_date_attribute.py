"""A date the shop declared about its contacts starts a journey some days before, on or after it,
from a set hour of shop time: every year like a birthday, or once for a one-off date."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import ContactAttribute, ContactAttributeValue, Journey
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def early_december_2026():
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=PARIS), tick=False):
        yield


@pytest.fixture
def renewal():
    return ContactAttribute.objects.create(name="Contract renewal", key="renewal", kind=ContactAttribute.Kind.DATE)


def run_at(year, month, day, hour, minute=0):
    moment = datetime(year, month, day, hour, minute, tzinfo=PARIS)
    with time_machine.travel(moment, tick=False):
        return run_lifecycle(moment)


def with_date(email, attribute, value):
    contact = subscriber(email)
    ContactAttributeValue.objects.create(contact=contact, attribute=attribute, value_date=value)
    return contact


def reminder_journey(**trigger_settings):
    return create_journey("Renewal", trigger="date_attribute", reentry="always",
                          trigger_settings={"attributes": ["renewal"], "local_hour": 9, **trigger_settings},
                          steps=[{"delay_hours": 0, "subject": "Your renewal is coming"}])


def recipients(outbox):
    return [email.to[0] for email in outbox]


def test_a_week_before_a_one_off_date_from_the_shops_hour_once(renewal, outbox):
    reminder_journey(days_from_date=-7, recurrence=["once"])
    with_date("renews@example.com", renewal, date(2027, 3, 15))
    with_date("later@example.com", renewal, date(2027, 4, 15))

    run_at(2027, 3, 8, 8, 59)
    assert outbox == [], "not before 9:00 shop time"
    run_at(2027, 3, 8, 9, 1)
    run_at(2027, 3, 8, 17)
    run_at(2027, 3, 9, 9, 1)
    run_at(2028, 3, 8, 9, 1)
    assert recipients(outbox) == ["renews@example.com"], "once: not again the same day, nor a year later"


def test_a_yearly_date_comes_back_every_year_on_the_day(renewal, outbox):
    reminder_journey(days_from_date=0, recurrence=["yearly"])
    contact = with_date("yearly@example.com", renewal, date(2020, 4, 10))

    run_at(2027, 4, 10, 10)
    run_at(2027, 4, 10, 15)
    assert recipients(outbox) == ["yearly@example.com"]

    contact.last_engagement_at = datetime(2028, 1, 5, tzinfo=PARIS)  # still engaged: not sunset
    contact.save(update_fields=["last_engagement_at"])
    run_at(2028, 4, 10, 10)
    assert recipients(outbox) == ["yearly@example.com"] * 2


def test_days_after_the_date(renewal, outbox):
    reminder_journey(days_from_date=30, recurrence=["once"])
    with_date("after@example.com", renewal, date(2027, 1, 10))

    run_at(2027, 2, 8, 10)
    assert outbox == []
    run_at(2027, 2, 9, 10)
    assert recipients(outbox) == ["after@example.com"]


@pytest.mark.parametrize("stored, message", [
    ({}, "Date attributes: choose at least one."),
    ({"attributes": ["no_such_date"]}, "Date attributes: no_such_date is not one of the choices."),
    ({"attributes": ["renewal"], "days_from_date": 400},
     "Days from the date (negative: before it) must be between -365 and 365."),
    ({"attributes": ["renewal"], "recurrence": ["sometimes"]}, "How often: sometimes is not one of the choices."),
])
def test_a_journey_refuses_settings_naming_the_setting(renewal, stored, message):
    journey = Journey(name="Renewal", trigger="date_attribute", trigger_settings=stored)

    with pytest.raises(ValidationError) as refused:
        journey.full_clean()

    assert message in refused.value.messages
