"""The scans' cost: finding and enrolling who is due takes the same queries for 10 contacts as
for 1,000, and a scan run again enrolls nobody twice."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import groupby

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.scan import run_scan
from oscar_lifecycle.models import Activity, Contact, Enrollment
from oscar_lifecycle.triggers import registered_triggers
from tests.shop import create_journey

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
User = get_user_model()


def create_members(prefix, count):
    User.objects.bulk_create([
        User(username=f"{prefix}{number}", email=f"{prefix}{number}@example.com", password="!")
        for number in range(count)
    ])
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


def create_contacts(emails, users=None):
    """Contacts who ticked a consent box and confirmed it."""
    users = users or [None] * len(emails)
    Contact.objects.bulk_create([Contact(email=email, user=user, consent=Contact.Consent.GRANTED)
                                 for email, user in zip(emails, users)])
    return list(Contact.objects.filter(email__in=emails).order_by("pk"))


def abandoned_baskets(prefix, count, product, *, idle_since):
    """``count`` open baskets holding ``product``, untouched since ``idle_since``: a third are
    members' with a contact, a third members' never seen before (no contact yet, so no consent),
    a third guests' who typed their address at checkout."""
    kinds = [("member", "new member", "guest")[number % 3] for number in range(count)]
    members = create_members(f"{prefix}m-", kinds.count("member"))
    new_members = create_members(f"{prefix}n-", kinds.count("new member"))
    create_contacts([user.email for user in members], members)
    guests = create_contacts([f"{prefix}g-{number}@example.com" for number in range(kinds.count("guest"))])

    baskets = Basket.objects.bulk_create(
        [Basket(owner=owner, status=Basket.OPEN) for owner in members + new_members]
        + [Basket(owner=None, status=Basket.OPEN) for _ in guests]
    )
    stockrecord = product.stockrecords.get()
    Line.objects.bulk_create([
        Line(basket=basket, product=product, stockrecord=stockrecord, quantity=1,
             line_reference=f"{product.pk}_{stockrecord.pk}", price_currency="EUR",
             price_excl_tax=Decimal("10.00"), price_incl_tax=Decimal("10.00"))
        for basket in baskets
    ])
    Line.objects.filter(basket__in=baskets).update(date_updated=idle_since)  # auto_now: set it afterwards
    Activity.objects.bulk_create([
        Activity(kind=Activity.Kind.CHECKOUT_STARTED, basket=basket, contact=guest, email=guest.email,
                 created_at=idle_since, processed_at=idle_since)
        for basket, guest in zip(baskets[len(members) + len(new_members):], guests)
    ])


def viewed_products(prefix, count, product, *, viewed_at):
    """``count`` members who viewed ``product`` at ``viewed_at``, their views already processed."""
    members = create_members(f"{prefix}v-", count)
    contacts = create_contacts([user.email for user in members], members)
    Activity.objects.bulk_create([
        Activity(kind=Activity.Kind.PRODUCT_VIEWED, user_id=contact.user_id, contact=contact, product=product,
                 created_at=viewed_at, processed_at=viewed_at)
        for contact in contacts
    ])


def quiet_customers(prefix, count, *, last_order_at):
    Contact.objects.bulk_create([
        Contact(email=f"{prefix}q-{number}@example.com", last_order_at=last_order_at) for number in range(count)
    ])


def birthdays(prefix, count, *, on):
    Contact.objects.bulk_create([
        Contact(email=f"{prefix}b-{number}@example.com", birth_date=on.replace(year=1990),
                consent=Contact.Consent.GRANTED)
        for number in range(count)
    ])


def create_due(trigger_name, prefix, count, product, now):
    """``count`` contacts who became due in the 5 minutes before ``now``: a scan since then finds them."""
    if trigger_name == "abandoned_basket":
        abandoned_baskets(prefix, count, product, idle_since=now - timedelta(minutes=65))
    elif trigger_name == "browse_abandonment":
        viewed_products(prefix, count, product, viewed_at=now - timedelta(hours=2, minutes=5))
    elif trigger_name == "winback":
        quiet_customers(prefix, count, last_order_at=now - timedelta(days=200))
    else:
        birthdays(prefix, count, on=timezone.localdate(now))


def reachable(trigger_name, count):
    """How many of ``count`` due contacts marketing may reach: not the members never seen before
    (every third basket, from the second), who never said yes."""
    return count - len(range(1, count, 3)) if trigger_name == "abandoned_basket" else count


def scan(trigger_name, now):
    """Run the trigger's scan at ``now``; return (the queries it issued, how many it enrolled)."""
    trigger = registered_triggers()[trigger_name]
    with CaptureQueriesContext(connection) as queries:
        enrolled = run_scan(trigger, now)
    return [query["sql"] for query in queries.captured_queries], enrolled


def statement(sql):
    """``sql`` without its values: what stays the same between the batches of one statement."""
    return re.sub(r"\bIN \([^()]*\)", "IN (...)", sql).split(" VALUES ")[0]


def statements(queries):
    """The statements the database was asked to run. SQLite takes at most 999 parameters a query,
    so Django splits one bulk_create() or in_bulk() into consecutive batches: they count once
    there. PostgreSQL has no such limit: there every query counts."""
    if connection.vendor != "sqlite":
        return queries
    return [sql for sql, _batches in groupby(queries, key=statement)]


SCAN_TRIGGERS = ["abandoned_basket", "browse_abandonment", "winback", "birthday"]


def noon_today():
    """Birthdays are due from the journey's local hour: a time of day all these tests are past."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))


@pytest.mark.parametrize("trigger_name", SCAN_TRIGGERS)
def test_a_scan_costs_the_same_queries_for_ten_as_for_a_thousand_due_contacts(trigger_name, catalogue):
    create_journey("Scanned", trigger=trigger_name, reentry="always", steps=[{"delay_hours": 0}])
    now = noon_today()
    scan(trigger_name, now - timedelta(minutes=15))  # the journey's first scan, before anyone is due
    create_due(trigger_name, "ten-", 10, catalogue[0], now)
    for_ten, enrolled = scan(trigger_name, now)
    assert enrolled == reachable(trigger_name, 10)

    later = now + timedelta(minutes=15)
    create_due(trigger_name, "thousand-", 1000, catalogue[1], later)
    for_a_thousand, enrolled = scan(trigger_name, later)

    assert enrolled == reachable(trigger_name, 1000)
    assert len(statements(for_a_thousand)) == len(statements(for_ten)), "\n\n".join(for_a_thousand)


@pytest.mark.parametrize("trigger_name", SCAN_TRIGGERS)
def test_a_scan_run_again_enrolls_nobody_twice(trigger_name, catalogue):
    create_journey("Scanned", trigger=trigger_name, reentry="always", steps=[{"delay_days": 5}])
    now = noon_today()
    create_due(trigger_name, "due-", 6, catalogue[0], now)

    _, first = scan(trigger_name, now)
    _, again = scan(trigger_name, now)
    _, an_hour_later = scan(trigger_name, now + timedelta(hours=1))

    assert (first, again, an_hour_later) == (reachable(trigger_name, 6), 0, 0)
    assert Enrollment.objects.count() == Enrollment.objects.values("contact").distinct().count() == first
