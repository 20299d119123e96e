"""Price drop: a member who viewed a product, or put it in their basket, lately is told once it
costs at least the journey's percent less than when they saw it; once for that price."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Activity, Journey
from tests.shop import add_to_basket, create_journey, register_subscriber
from tests.test_scan_queries import create_contacts, create_members, scan, statements

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def price_drop_journey():
    return create_journey("Price drop", trigger="price_drop", reentry="always",
                          trigger_settings={"days": 7, "percent": 20}, steps=[{
                              "delay_hours": 0, "subject": "It costs less now",
                              "body": [("product_grid", {
                                  "heading": "Now cheaper", "source": "viewed", "products": [], "category": None,
                                  "max_products": 3, "columns": "3"})],
                          }])


def set_price(product, price):
    """The shop's staff change the price in Oscar's dashboard."""
    stock_record = StockRecord.objects.get(product=product)
    stock_record.price = Decimal(price)
    stock_record.save()


def run_in(hours):
    moment = timezone.now() + timedelta(hours=hours)
    with time_machine.travel(moment, tick=False):
        run_lifecycle(moment)


def price_emails(outbox):
    return sorted(email.to[0] for email in outbox)


def grid_titles(email):
    return re.findall(r'class="product-title"[^>]*>([^<]*)<', email.alternatives[0][0])


def test_a_viewer_and_a_basket_holder_are_told_once_when_the_price_drops_enough(
    price_drop_journey, client_class, catalogue, outbox
):
    product = catalogue[0]  # 10.00
    viewer, holder, elsewhere = client_class(), client_class(), client_class()
    register_subscriber(viewer, "viewer@example.com")
    register_subscriber(holder, "holder@example.com")
    register_subscriber(elsewhere, "elsewhere@example.com")
    assert viewer.get(product.get_absolute_url()).status_code == 200
    assert elsewhere.get(catalogue[1].get_absolute_url()).status_code == 200
    add_to_basket(holder, product)
    run_lifecycle()  # the runner notes the price the view saw

    set_price(product, "8.50")
    run_in(1)
    assert price_emails(outbox) == [], "15 % less: the journey asks for 20 %"

    set_price(product, "7.90")
    run_in(2)
    run_in(3)
    assert price_emails(outbox) == ["holder@example.com", "viewer@example.com"]
    assert grid_titles(outbox[0]) == ["Product 1"]


def test_the_price_a_view_saw_is_the_price_then_not_after(price_drop_journey, client, catalogue, outbox):
    product = catalogue[0]
    register_subscriber(client, "late@example.com")
    set_price(product, "7.00")
    client.get(product.get_absolute_url())
    run_lifecycle()
    run_in(1)
    assert price_emails(outbox) == [], "seen at 7.00, still 7.00"


def test_a_view_older_than_the_days_does_not_count(price_drop_journey, client, catalogue, outbox):
    product = catalogue[0]
    register_subscriber(client, "old@example.com")
    client.get(product.get_absolute_url())
    run_lifecycle()
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        set_price(product, "5.00")
        run_lifecycle()
    assert price_emails(outbox) == []


@pytest.mark.parametrize("stored, message", [
    ({"percent": 0}, "Price lower by at least (%) must be between 1 and 90."),
    ({"days": "soon"}, "Seen in the last (days) must be a whole number."),
])
def test_a_journey_refuses_settings_naming_the_setting(stored, message):
    journey = Journey(name="Drop", trigger="price_drop", trigger_settings=stored)
    with pytest.raises(ValidationError) as refused:
        journey.full_clean()
    assert message in refused.value.messages


def views_at_ten_euros(prefix, count, product, viewed_at):
    members = create_members(f"{prefix}v-", count)
    contacts = create_contacts([user.email for user in members], members)
    Activity.objects.bulk_create([
        Activity(kind=Activity.Kind.PRODUCT_VIEWED, user_id=contact.user_id, contact=contact, product=product,
                 price_seen=Decimal("10.00"), created_at=viewed_at, processed_at=viewed_at)
        for contact in contacts
    ])


def test_the_scan_costs_the_same_queries_for_ten_as_for_a_thousand_viewers(price_drop_journey, catalogue):
    now = timezone.now()
    first, second = catalogue[0], catalogue[1]
    StockRecord.objects.filter(product__in=[first, second]).update(price=Decimal("5.00"))
    scan("price_drop", now - timedelta(hours=2))  # the journey's first scan, before anyone is due
    views_at_ten_euros("ten-", 10, first, now - timedelta(hours=1))
    for_ten, enrolled = scan("price_drop", now)
    assert enrolled == 10
    views_at_ten_euros("thousand-", 1000, second, now)
    for_a_thousand, enrolled = scan("price_drop", now + timedelta(hours=1))
    assert enrolled == 1000
    assert len(statements(for_a_thousand)) == len(statements(for_ten)), "\n\n".join(for_a_thousand)
