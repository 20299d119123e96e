"""The runner's cost of what shoppers did: a batch of 100 activities of each kind (and of all
kinds mixed, several per person) takes the same statements as a batch of 10, whatever happens
to them (new contacts and existing ones, a suppressed address, a ticked consent box, a sunset
ended, a goal reached, an order attributed to an email, a backdated order, a loyalty offer)."""

import sqlite3

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oscar_lifecycle.engine.activities import process_activities
from oscar_lifecycle.models import Activity, Contact, Enrollment, Journey, Message
from tests.recorded_activities import (
    SCENARIOS,
    checkout_starts,
    create_programme,
    placed_orders,
    product_views,
    registrations,
    status_changes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(settings, catalogue):
    """Journeys on every event trigger, and one batch for everything the test records."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "ACTIVITY_BATCH_SIZE": 10_000}
    return create_programme(catalogue[0])


@pytest.fixture
def parameter_limit_of_this_sqlite(monkeypatch):
    """Django splits every bulk statement at 999 parameters on SQLite (a limit of builds before
    3.32), whatever the build allows: the count would then grow with the batch by Django's
    choice, not the runner's. Django is told this build's own limit instead."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


def process(activities):
    """Record ``activities``, process them in one batch; return (statements, outcomes)."""
    Activity.objects.bulk_create(activities)
    with CaptureQueriesContext(connection) as statements:
        outcomes = process_activities()
    assert not Activity.objects.filter(processed_at__isnull=True).exists()
    return len(statements), outcomes


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_batch_of_a_hundred_takes_the_statements_of_a_batch_of_ten(scenario, programme,
                                                                       parameter_limit_of_this_sqlite):
    statements_for_10, outcomes_for_10 = process(SCENARIOS[scenario]("ten-", 10, programme))
    statements_for_100, outcomes_for_100 = process(SCENARIOS[scenario]("hundred-", 100, programme))

    assert outcomes_for_100 == {outcome: count * 10 for outcome, count in outcomes_for_10.items()}, \
        "both batches met the same cases"
    assert statements_for_100 == statements_for_10
    assert statements_for_10 < 40


def test_what_the_batches_made(programme, parameter_limit_of_this_sqlite):
    """The cases the batches meet happened: a check that the counts above measured real work."""
    process(registrations("r-", 10, programme) + placed_orders("o-", 10, programme)
            + status_changes("s-", 10, programme) + checkout_starts("c-", 10, programme)
            + product_views("v-", 10, programme))

    assert Contact.objects.get(email="r-0@example.com").status == Contact.Status.UNSUBSCRIBED
    assert Contact.objects.get(email="r-1@example.com").user.username == "r-1"
    assert Contact.objects.get(email="r-1@example.com").locale == "fr"
    assert Message.objects.filter(kind=Message.Kind.CONFIRMATION).count() == 3  # r-2, r-7, one guest
    assert Contact.objects.get(email="o-0@example.com").status == Contact.Status.ACTIVE, "an order ends a sunset"
    assert Enrollment.objects.get(contact__email="o-1@example.com", journey=programme["welcome"]).reason == \
        "goal reached: order_placed"
    assert Contact.objects.get(email="o-2@example.com").conversions.count() == 1
    assert Enrollment.objects.filter(journey=programme["loyalty"]).get().contact.email == "o-3@example.com"
    guest = Contact.objects.get(email="o-guest0@example.com")
    assert (guest.first_name, guest.last_name, guest.last_order_at is not None) == ("Ada", "Lovelace", True)
    assert Enrollment.objects.filter(journey=programme["thanks"]).count() == 9, "the backdated order starts none"
    assert Enrollment.objects.filter(journey=programme["rating"]).count() == 5
    assert Contact.objects.filter(email__startswith="v-", locale="fr").count() == 10
    assert Journey.objects.count() == 5
