"""Browse abandonment: a member who looked at a product and left gets one email about it, two hours
later, with what goes well with it; never about what they put in a basket, bought, or cannot buy."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.conf import DEFAULTS
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Activity
from tests.shop import (
    add_to_basket,
    checkout,
    create_journey,
    link_destinations,
    place_order,
    recommend,
    register_subscriber,
)

pytestmark = pytest.mark.django_db
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

VIEWED_HEADING = "You looked at"
RECOMMENDED_HEADING = "Goes well with it"


def grid(source, heading):
    return ("product_grid", {
        "heading": heading, "source": source, "products": [], "category": None,
        "max_products": 3, "columns": "3",
    })


def browse_step(*, delay_hours=0):
    return {
        "delay_hours": delay_hours,
        "subject": "Still thinking about it?",
        "body": [
            ("heading", "Hello {{ first_name|default:\"there\" }}"),
            grid("viewed", VIEWED_HEADING),
            grid("recommendations", RECOMMENDED_HEADING),
        ],
    }


@pytest.fixture
def browse_journey():
    return create_journey("Browse abandonment", trigger="browse_abandonment", reentry="always",
                          steps=[browse_step()])


@pytest.fixture
def delayed_browse_journey():
    """The email waits three more hours after the contact enters the journey."""
    return create_journey("Browse abandonment", trigger="browse_abandonment", reentry="always",
                          steps=[browse_step(delay_hours=3)])


@pytest.fixture
def kettle_and_friends(catalogue):
    """Product 1 recommends Product 2 and Product 3 (Product 2 ranked first)."""
    kettle, filters, mug = catalogue
    recommend(kettle, filters, mug)
    return kettle, filters, mug


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_lifecycle(moment)


def view(client, product):
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200, response.content[:2000]


def view_at(moment, client, product):
    with time_machine.travel(moment, tick=False):
        view(client, product)


def grids(email):
    """{heading: [product titles]} of each product grid the email's HTML part shows."""
    html = email.alternatives[0][0]
    shown = {}
    for heading, table in re.findall(
        r'<h2 [^>]*class="heading"[^>]*>([^<]*)</h2>\s*<table [^>]*class="product-grid"[^>]*>(.*?)</table>',
        html, re.DOTALL,
    ):
        shown[heading.strip()] = re.findall(r'class="product-title"[^>]*>([^<]*)<', table)
    return shown


def go_out_of_stock(product):
    StockRecord.objects.filter(product=product).update(num_in_stock=0)


def test_a_member_gets_one_email_about_the_product_two_hours_after_viewing_it(
    browse_journey, client, kettle_and_friends, outbox
):
    kettle, _, _ = kettle_and_friends
    register_subscriber(client, "ada@example.com")
    viewed_at = timezone.now()
    view_at(viewed_at, client, kettle)

    run_at(viewed_at + timedelta(minutes=119))
    assert len(outbox) == 0, "not before two hours"
    run_at(viewed_at + timedelta(minutes=130))

    [email] = outbox
    assert email.to == ["ada@example.com"]
    assert email.subject == "Still thinking about it?"
    assert grids(email) == {VIEWED_HEADING: ["Product 1"], RECOMMENDED_HEADING: ["Product 2", "Product 3"]}
    assert f"https://shop.test{kettle.get_absolute_url()}" in link_destinations(email)


def test_the_email_is_sent_once_and_the_next_waits_for_the_hours_between_emails(
    browse_journey, client, catalogue, outbox
):
    first, second, third = catalogue
    register_subscriber(client, "ada@example.com")
    viewed_at = timezone.now()
    view_at(viewed_at, client, first)
    run_at(viewed_at + timedelta(hours=2, minutes=5))
    assert len(outbox) == 1

    run_at(viewed_at + timedelta(hours=2, minutes=30))
    run_at(viewed_at + timedelta(hours=3))
    view_at(viewed_at + timedelta(hours=3, minutes=5), client, second)
    run_at(viewed_at + timedelta(hours=5, minutes=10))
    run_at(viewed_at + timedelta(hours=30))
    assert len(outbox) == 1, "at most one browse email per contact in 72 hours"

    view_at(viewed_at + timedelta(hours=72), client, third)
    run_at(viewed_at + timedelta(hours=74, minutes=5))
    assert [grids(email)[VIEWED_HEADING] for email in outbox] == [["Product 1"], ["Product 3"]]


def test_of_several_products_viewed_the_email_is_about_the_latest(browse_journey, client, catalogue, outbox):
    first, second, third = catalogue
    register_subscriber(client, "ada@example.com")
    started_at = timezone.now()
    view_at(started_at, client, second)
    view_at(started_at + timedelta(minutes=5), client, third)
    view_at(started_at + timedelta(minutes=10), client, first)

    run_at(started_at + timedelta(hours=2, minutes=15))

    [email] = outbox
    assert grids(email)[VIEWED_HEADING] == ["Product 1"]


def run_every_ten_minutes(start, until):
    """The runner as Celery beat drives it, from ``start`` to ``until``."""
    moment = start
    while moment <= until:
        run_at(moment)
        moment += timedelta(minutes=10)


@pytest.mark.parametrize("views", [
    pytest.param([(0, 0), (30, 1), (60, 2)], id="three products half an hour apart"),
    pytest.param([(0, 0), (90, 0)], id="the same product viewed again"),
])
def test_a_shopper_who_keeps_browsing_hears_about_the_last_product_two_hours_after_the_last_view(
    views, browse_journey, client, catalogue, outbox
):
    register_subscriber(client, "ada@example.com")
    started_at = timezone.now()
    for minutes, index in views:
        view_at(started_at + timedelta(minutes=minutes), client, catalogue[index])
    last_view_at = started_at + timedelta(minutes=views[-1][0])

    run_every_ten_minutes(started_at + timedelta(minutes=10), last_view_at + timedelta(minutes=115))
    assert len(outbox) == 0, "not before two hours after the last view"
    run_every_ten_minutes(last_view_at + timedelta(minutes=125), last_view_at + timedelta(hours=4))

    [email] = outbox
    assert grids(email)[VIEWED_HEADING] == [catalogue[views[-1][1]].title]


def test_an_anonymous_visitors_view_records_nothing(browse_journey, client, catalogue, outbox):
    view(client, catalogue[0])
    viewed_at = timezone.now()

    run_at(viewed_at + timedelta(hours=2, minutes=5))

    assert not Activity.objects.filter(kind=Activity.Kind.PRODUCT_VIEWED).exists()
    assert len(outbox) == 0


def buy(client, product):
    response = checkout(client, product)
    assert response.status_code == 302, response.content[:2000]


def bought_as_a_guest(product, address):
    """An order without an account, at ``address`` (placed from the dashboard or before registering)."""
    order = place_order((product, 1))
    order.guest_email = address
    order.save()


CHANGES = {
    "added to the basket": add_to_basket,
    "bought": buy,
    "bought as a guest, the address typed in capitals": (
        lambda client, product: bought_as_a_guest(product, "ADA@Example.com")),
    "out of stock": lambda client, product: go_out_of_stock(product),
}


@pytest.mark.parametrize("change", [None, *CHANGES])
def test_no_email_once_the_product_is_in_the_basket_bought_or_out_of_stock(
    change, browse_journey, client, catalogue, outbox
):
    product = catalogue[0]
    register_subscriber(client, "ada@example.com")
    viewed_at = timezone.now()
    view_at(viewed_at, client, product)

    if change is not None:
        with time_machine.travel(viewed_at + timedelta(minutes=30), tick=False):
            CHANGES[change](client, product)
    run_at(viewed_at + timedelta(hours=2, minutes=5))

    assert len(outbox) == (1 if change is None else 0)


@pytest.mark.parametrize("change", [None, *CHANGES])
def test_a_change_after_entering_the_journey_stops_the_waiting_email(
    change, delayed_browse_journey, client, catalogue, outbox
):
    product = catalogue[0]
    register_subscriber(client, "ada@example.com")
    viewed_at = timezone.now()
    view_at(viewed_at, client, product)
    run_at(viewed_at + timedelta(hours=2, minutes=5))
    assert len(outbox) == 0, "the step waits three hours after entry"

    if change is not None:
        with time_machine.travel(viewed_at + timedelta(hours=3), tick=False):
            CHANGES[change](client, product)
    run_at(viewed_at + timedelta(hours=5, minutes=10))

    assert len(outbox) == (1 if change is None else 0)


def create_teapot_in_two_colours(catalogue):
    """A parent product whose variants (blue, green) are what a shopper puts in a basket."""
    teapot = Product.objects.create(title="Teapot", upc="TEAPOT", structure=Product.PARENT,
                                    product_class=catalogue[0].product_class)
    partner = Partner.objects.get()
    variants = []
    for colour in ("blue", "green"):
        variant = Product.objects.create(title=f"Teapot, {colour}", upc=f"TEAPOT-{colour}",
                                         structure=Product.CHILD, parent=teapot)
        StockRecord.objects.create(product=variant, partner=partner, partner_sku=f"TEAPOT-{colour}",
                                   price="25.00", price_currency="EUR", num_in_stock=10)
        variants.append(variant)
    return teapot, variants


@pytest.mark.parametrize("variant_in_basket", [False, True])
def test_a_variant_in_the_basket_counts_as_the_product_viewed(
    variant_in_basket, browse_journey, client, catalogue, outbox
):
    teapot, (blue, _) = create_teapot_in_two_colours(catalogue)
    register_subscriber(client, "ada@example.com")
    viewed_at = timezone.now()
    view_at(viewed_at, client, teapot)

    if variant_in_basket:
        with time_machine.travel(viewed_at + timedelta(minutes=10), tick=False):
            add_to_basket(client, blue)
    run_at(viewed_at + timedelta(hours=2, minutes=5))

    assert [grids(email)[VIEWED_HEADING] for email in outbox] == ([] if variant_in_basket else [["Teapot"]])


def test_the_wait_is_the_editors_setting(client, catalogue, outbox):
    create_journey("Quick browse", trigger="browse_abandonment", trigger_settings={"hours": 1},
                   steps=[browse_step()])
    register_subscriber(client, "ada@example.com")
    viewed_at = timezone.now()
    view_at(viewed_at, client, catalogue[0])

    run_at(viewed_at + timedelta(minutes=59))
    assert len(outbox) == 0
    run_at(viewed_at + timedelta(minutes=70))
    assert len(outbox) == 1


def test_a_recommendation_gone_out_of_stock_before_the_send_is_left_out(
    delayed_browse_journey, client, kettle_and_friends, outbox
):
    kettle, filters, _ = kettle_and_friends
    register_subscriber(client, "ada@example.com")
    viewed_at = timezone.now()
    view_at(viewed_at, client, kettle)
    run_at(viewed_at + timedelta(hours=2, minutes=5))

    go_out_of_stock(filters)
    run_at(viewed_at + timedelta(hours=5, minutes=10))

    [email] = outbox
    assert grids(email) == {VIEWED_HEADING: ["Product 1"], RECOMMENDED_HEADING: ["Product 3"]}


def take_browse_abandonment_out_of_the_triggers(settings):
    settings.OSCAR_LIFECYCLE = {
        "SITE_URL": "https://shop.test",
        # With the other triggers that read product views (back in stock, price drop): none records them.
        "TRIGGERS": [path for path in DEFAULTS["TRIGGERS"]
                     if not path.endswith((".BrowseAbandonmentTrigger", ".BackInStockTrigger", ".PriceDropTrigger"))],
    }


def test_without_the_trigger_in_the_settings_views_are_not_recorded_and_nothing_is_sent(
    browse_journey, client, catalogue, outbox, settings, caplog
):
    take_browse_abandonment_out_of_the_triggers(settings)
    caplog.set_level(logging.WARNING)
    register_subscriber(client, "ada@example.com")
    viewed_at = timezone.now()
    view_at(viewed_at, client, catalogue[0])

    run_at(viewed_at + timedelta(hours=2, minutes=5))
    run_at(viewed_at + timedelta(hours=3))

    assert not Activity.objects.filter(kind=Activity.Kind.PRODUCT_VIEWED).exists()
    assert len(outbox) == 0
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_a_waiting_email_about_a_product_bought_since_is_not_sent_after_the_trigger_is_taken_out(
    delayed_browse_journey, client, catalogue, outbox, settings
):
    product = catalogue[0]
    register_subscriber(client, "ada@example.com")
    viewed_at = timezone.now()
    view_at(viewed_at, client, product)
    run_at(viewed_at + timedelta(hours=2, minutes=5))
    with time_machine.travel(viewed_at + timedelta(hours=3), tick=False):
        buy(client, product)

    take_browse_abandonment_out_of_the_triggers(settings)
    run_at(viewed_at + timedelta(hours=5, minutes=10))

    assert len(outbox) == 0
