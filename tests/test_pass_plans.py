"""A runner's pass reads the rows it works on, not every enrollment or order the shop ever had."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Contact, Enrollment
from tests.backends import SlowEspBackend
from tests.shop import create_catalogue, create_journey, subscriber

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans"),
    pytest.mark.django_db,
]

Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")

ENROLLMENTS = Enrollment._meta.db_table
ORDERS = Order._meta.db_table
PAST_ENROLLMENTS = 20_000
PAST_ORDERS = 20_000
PAST_CONTACTS = 5_000


def years_of_journeys(journey, now):
    """PAST_ENROLLMENTS enrollments in ``journey`` that ended over 3 years before ``now``, of
    PAST_CONTACTS contacts, and PAST_ORDERS guest orders of theirs (a product each), analyzed."""
    [product] = create_catalogue(1)
    contacts = Contact.objects.bulk_create(
        Contact(email=f"past{number}@example.com") for number in range(PAST_CONTACTS)
    )
    three_years_ago = now - timedelta(days=3 * 365)
    Enrollment.objects.bulk_create(
        Enrollment(
            contact=contacts[number % PAST_CONTACTS], journey=journey,
            state=Enrollment.State.EXITED if number % 4 == 0 else Enrollment.State.COMPLETED,
            created_at=three_years_ago + timedelta(hours=number),
            ended_at=three_years_ago + timedelta(hours=number, days=2),
        )
        for number in range(PAST_ENROLLMENTS)
    )
    orders = Order.objects.bulk_create(
        Order(number=f"PAST-{number}", guest_email=f"Past{number % PAST_CONTACTS}@Example.com",
              total_incl_tax=Decimal("10.00"), total_excl_tax=Decimal("10.00"),
              date_placed=three_years_ago + timedelta(hours=number))
        for number in range(PAST_ORDERS)
    )
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product=product, partner_sku="SKU-1", title=product.title,
                  line_price_incl_tax=Decimal("10.00"),
                  line_price_excl_tax=Decimal("10.00"), line_price_before_discounts_incl_tax=Decimal("10.00"),
                  line_price_before_discounts_excl_tax=Decimal("10.00"), num_allocated=1)
        for order in orders
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ENROLLMENTS}, {Contact._meta.db_table}, {ORDERS}, {OrderLine._meta.db_table}")


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


def reads_of(table, sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        [[[explained]]] = cursor.fetchall()
    return index_names(explained["Plan"], table)


def dispatch_pass(settings):
    """The statements of a pass sending 3 due steps among years of journeys and orders, through
    an ESP taking 25 s an email: the runner renews its claim between sends (every third of the
    30 s lease)."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CLAIM_LEASE": timedelta(seconds=30),
                                "SEND_CONCURRENCY": 1}
    settings.EMAIL_BACKEND = "tests.backends.SlowEspBackend"
    journey = create_journey(steps=[{"delay_hours": 0}], goal="order_placed", reentry="always")
    years_of_journeys(journey, timezone.now())
    for number in range(3):
        enroll("registration", subscriber(f"past{number}@example.com"), now=timezone.now() - timedelta(days=1))

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        SlowEspBackend.traveller, SlowEspBackend.seconds, SlowEspBackend.meanwhile = traveller, 25, lambda: None
        with CaptureQueriesContext(connection) as the_pass:
            assert dispatch_due().sent == 3
    return [query["sql"] for query in the_pass.captured_queries]


def test_renewing_a_claim_and_loading_a_batch_use_an_index_among_years_of_enrollments(settings):
    statements = dispatch_pass(settings)

    renewals = [sql for sql in statements if sql.startswith(f'UPDATE "{ENROLLMENTS}" SET "claimed_at"')]
    batch_loads = [sql for sql in statements
                   if sql.startswith("SELECT") and f'FROM "{ENROLLMENTS}"' in sql and '"claim_token" =' in sql]
    assert len(renewals) >= 2 and len(batch_loads) == 1
    for sql in [*renewals, *batch_loads]:
        assert None not in reads_of(ENROLLMENTS, sql), sql
    for sql in statements:
        if ENROLLMENTS in sql and not sql.startswith(("SAVEPOINT", "RELEASE", "INSERT")):
            assert None not in reads_of(ENROLLMENTS, sql), f"reads every enrollment: {sql}"


def test_what_a_batch_bought_and_its_goals_are_read_from_its_contacts_orders_only(settings):
    """The guest orders of a contact are those placed with their address, in any case."""
    statements = dispatch_pass(settings)

    order_reads = [sql for sql in statements if sql.startswith("SELECT") and f'"{ORDERS}"' in sql]
    assert len(order_reads) >= 2  # what the contacts bought; who reached the goal
    for sql in order_reads:
        assert None not in reads_of(ORDERS, sql), f"reads every order: {sql}"
