"""The dispatcher's cost: a fixed number of queries per batch plus a few per email."""

import pytest

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db

# Claim (2 statements + savepoint pair), load enrollments, journeys, steps, their
# translations (one more query when any exist), earlier messages, lifecycle settings
# what the contacts bought, the suppression list and pressure (9), save the batch's progress (1).
QUERIES_PER_BATCH = 14
# Insert the Message (inside a savepoint pair, as the suite runs in a transaction) and record its outcome.
QUERIES_PER_EMAIL = 4


@pytest.mark.parametrize("emails", [1, 10, 50])
def test_queries_grow_by_a_constant_per_email(emails, django_assert_num_queries, outbox):
    create_journey("One", steps=[{"delay_hours": 0}, {"delay_days": 1}])
    create_journey("Two", steps=[{"delay_hours": 0}])
    for number in range(emails):
        enroll("registration", subscriber(f"c{number}@example.com"))
    expected_emails = emails * 2

    with django_assert_num_queries(QUERIES_PER_BATCH + QUERIES_PER_EMAIL * expected_emails):
        report = dispatch_due()

    assert report.sent == expected_emails == len(outbox)
