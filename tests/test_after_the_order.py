"""After an order: cross-sell (what goes with it) and up-sell (a step up in the same category),
only what is sold now and in stock, never what the contact already bought."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from oscar_lifecycle.engine.runner import run_lifecycle
from tests.shop import checkout, create_category, create_catalogue, create_journey, recommend, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(db):
    """Kettles from 10 to 50 EUR in one category, mugs in another; kettle 1 recommends mugs."""
    products = create_catalogue(6)  # Product N costs N x 10 EUR
    kettles, mugs = products[:4], products[4:]
    create_category("Kettles", kettles)
    create_category("Mugs", mugs)
    recommend(kettles[0], mugs[0], mugs[1], kettles[1])
    return products


def step(source):
    return {"delay_days": 3, "subject": source, "body": [("product_grid", {
        "heading": "", "source": source, "products": [], "category": None, "max_products": 3, "columns": "3",
    })]}


def grid_titles(email):
    html = email.alternatives[0][0]
    return [f"Product {number}" for number in range(1, 7) if f">Product {number}<" in html]


def three_days_later():
    moment = timezone.now() + timedelta(days=3, minutes=1)
    with time_machine.travel(moment, tick=False):
        run_lifecycle(moment)


def test_the_cross_sell_shows_recommendations_in_stock_never_bought(shelf, client, outbox):
    create_journey("Cross-sell", trigger="order_placed", reentry="always", steps=[step("recommendations")])
    register(client, "buyer@example.com")
    checkout(client, shelf[1])  # bought Product 2 once
    run_lifecycle()
    checkout(client, shelf[0])  # then Product 1, which recommends 5, 6 and 2
    run_lifecycle()
    stock = shelf[5].stockrecords.get()
    stock.num_in_stock = 0  # Product 6 sells out between the order and the email
    stock.save()

    three_days_later()

    cross_sell = [email for email in outbox if email.subject == "recommendations"][-1]
    assert grid_titles(cross_sell) == ["Product 5"]


def test_the_up_sell_shows_dearer_products_of_the_same_category(shelf, client, outbox):
    create_journey("Up-sell", trigger="order_placed", steps=[step("upsell")])
    register(client, "buyer@example.com")
    shelf[3].stockrecords.update(num_in_stock=0)  # Product 4: out of stock
    checkout(client, shelf[1])  # Product 2, 20 EUR
    run_lifecycle()

    three_days_later()

    assert [grid_titles(email) for email in outbox] == [["Product 3"]], (
        "dearer than 20 EUR, same category, in stock: Product 3 (30 EUR), not 1 (cheaper), "
        "4 (sold out), 5 or 6 (mugs)"
    )


def test_a_guests_name_comes_from_the_shipping_address(catalogue, client, outbox):
    create_journey("Thanks", trigger="order_placed", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Thank you {{ first_name|default:\"friend\" }}"}])
    checkout(client, catalogue[0], guest_email="ada@example.com")  # shipping to Ada Lovelace
    run_lifecycle()
    assert [email.subject for email in outbox] == ["Thank you Ada"]

