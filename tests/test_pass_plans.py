"""A runner's pass reads the enrollments it works on, not every enrollment the shop ever had."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Contact, Enrollment
from tests.backends import SlowEspBackend
from tests.shop import create_journey

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans"),
    pytest.mark.django_db,
]

ENROLLMENTS = Enrollment._meta.db_table
PAST_ENROLLMENTS = 20_000
PAST_CONTACTS = 5_000


def years_of_journeys(journey, now):
    """PAST_ENROLLMENTS enrollments in ``journey`` that ended before ``now``, over 3 years, of PAST_CONTACTS contacts."""
    contacts = Contact.objects.bulk_create(
        Contact(email=f"past{number}@example.com") for number in range(PAST_CONTACTS)
    )
    Enrollment.objects.bulk_create(
        Enrollment(
            contact=contacts[number % PAST_CONTACTS], journey=journey,
            state=Enrollment.State.EXITED if number % 4 == 0 else Enrollment.State.COMPLETED,
            created_at=now - timedelta(days=3 * 365) + timedelta(hours=number),
            ended_at=now - timedelta(days=3 * 365) + timedelta(hours=number, days=2),
        )
        for number in range(PAST_ENROLLMENTS)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ENROLLMENTS}, {Contact._meta.db_table}")


def index_names(plan, table):
    """For each node of ``plan`` (EXPLAIN's JSON) reading ``table``: the index it reads it
    through, or None when it reads the whole table (an UPDATE's own node reads nothing)."""
    reads = []
    if plan.get("Relation Name") == table and plan["Node Type"] != "ModifyTable":
        if plan["Node Type"] == "Bitmap Heap Scan":
            reads.append(plan["Plans"][0].get("Index Name"))
        else:
            reads.append(plan.get("Index Name"))
    for child in plan.get("Plans", []):
        reads += index_names(child, table)
    return reads


def enrollment_reads(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        [[[explained]]] = cursor.fetchall()
    return index_names(explained["Plan"], ENROLLMENTS)


def test_renewing_a_claim_and_loading_a_batch_use_an_index_among_years_of_enrollments(settings, outbox):
    """The ESP takes 25 s an email, so the runner renews its claim between sends (every third of the
    30 s lease): neither that nor loading the claimed batch reads the 20,000 ended enrollments."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CLAIM_LEASE": timedelta(seconds=30),
                                "SEND_CONCURRENCY": 1}
    settings.EMAIL_BACKEND = "tests.backends.SlowEspBackend"
    journey = create_journey(steps=[{"delay_hours": 0}])
    years_of_journeys(journey, timezone.now())
    for number in range(3):
        enroll("registration", contact_for(f"due{number}@example.com"))

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        SlowEspBackend.traveller, SlowEspBackend.seconds, SlowEspBackend.meanwhile = traveller, 25, lambda: None
        with CaptureQueriesContext(connection) as the_pass:
            assert dispatch_due().sent == 3 == len(outbox)

    statements = [query["sql"] for query in the_pass.captured_queries]
    renewals = [sql for sql in statements if sql.startswith(f'UPDATE "{ENROLLMENTS}" SET "claimed_at"')]
    batch_loads = [sql for sql in statements
                   if sql.startswith("SELECT") and f'FROM "{ENROLLMENTS}"' in sql and '"claim_token" =' in sql]
    assert len(renewals) >= 2 and len(batch_loads) == 1
    for sql in [*renewals, *batch_loads]:
        assert None not in enrollment_reads(sql), sql
    for sql in statements:
        if ENROLLMENTS in sql and not sql.startswith(("SAVEPOINT", "RELEASE", "INSERT")):
            assert None not in enrollment_reads(sql), f"reads every enrollment: {sql}"
