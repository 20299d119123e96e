"""What oscar_lifecycle costs a shopper's request: at most one INSERT on the product page, the
basket, the checkout gateway and the placed order; the runner does the rest."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oscar_lifecycle.models import Activity
from tests.shop import add_to_basket, checkout, create_journey, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_trigger_live(db):
    for trigger in ("registration", "order_placed", "order_status", "abandoned_basket", "browse_abandonment"):
        create_journey(trigger, trigger=trigger)


def queries_of(request):
    with CaptureQueriesContext(connection) as captured:
        request()
    return [query["sql"] for query in captured.captured_queries]


def our_queries(request):
    return [sql for sql in queries_of(request) if "oscar_lifecycle" in sql]


def test_a_product_page_view_costs_one_insert(every_trigger_live, client, catalogue):
    register(client, "browser@example.com")
    product_page = catalogue[0].get_absolute_url()
    client.get(product_page)

    ours = our_queries(lambda: client.get(product_page))

    assert len(ours) == 1 and ours[0].startswith('INSERT INTO "oscar_lifecycle_activity"')


def test_a_basket_addition_costs_nothing(every_trigger_live, client, catalogue):
    register(client, "adder@example.com")
    assert our_queries(lambda: add_to_basket(client, catalogue[0])) == []


@pytest.mark.parametrize("ticked", [{}, {"lifecycle_marketing_consent": "yes"}], ids=["box unticked", "box ticked"])
def test_the_checkout_gateway_costs_one_insert(ticked, every_trigger_live, client, catalogue):
    add_to_basket(client, catalogue[0])
    ours = our_queries(lambda: client.post(
        reverse("checkout:index"), {"username": "guest@example.com", "options": "anonymous", **ticked}
    ))
    assert len(ours) == 1 and ours[0].startswith("INSERT")
    activity = Activity.objects.get()
    assert activity.email == "guest@example.com"
    assert bool(activity.consent_request) == bool(ticked), "the ticked box travels in that one row"


def test_placing_an_order_costs_one_insert(every_trigger_live, client, catalogue):
    register(client, "buyer@example.com")
    Activity.objects.all().delete()
    orders_placed = []

    def place():
        orders_placed.append(checkout(client, catalogue[0]))

    ours = our_queries(place)
    assert orders_placed[0].url == reverse("checkout:thank-you")
    kinds = list(Activity.objects.values_list("kind", flat=True))
    assert kinds == [Activity.Kind.CHECKOUT_STARTED, Activity.Kind.ORDER_PLACED]
    inserts = [sql for sql in ours if sql.startswith("INSERT")]
    assert len(inserts) == 2, "one INSERT at the gateway, one when the order is placed"
    # Oscar writes the member's shipping address into their address book: their contact's address
    # follows it (contact_address.py), one UPDATE.
    [address_update] = [sql for sql in ours if not sql.startswith("INSERT")]
    assert address_update.startswith('UPDATE "oscar_lifecycle_contact" SET "country"')


def test_with_the_app_switched_off_the_shop_pays_nothing(every_trigger_live, client, catalogue, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "ENABLED": False}
    register(client, "off@example.com")
    assert our_queries(lambda: client.get(catalogue[0].get_absolute_url())) == []
    assert our_queries(lambda: checkout(client, catalogue[0])) == []
