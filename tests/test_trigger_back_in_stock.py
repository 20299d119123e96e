"""Back in stock: contacts who asked Oscar to tell them, had the product in their basket or viewed
it lately get the journey's email about it once it can be bought again; Oscar's own alert email
goes too, unless REPLACE_OSCAR_STOCK_ALERTS says the journey replaces it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Activity, Journey, ProductRestock
from tests.shop import add_to_basket, create_journey, register_subscriber
from tests.test_scan_queries import create_contacts, create_members, scan, statements

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")
OSCAR_ALERT_SUBJECT = "Product 1 is back in stock"


def back_in_stock_journey(**trigger_settings):
    return create_journey("Back in stock", trigger="back_in_stock", reentry="always",
                          trigger_settings=trigger_settings, steps=[{
                              "delay_hours": 0, "subject": "It is back",
                              "body": [("product_grid", {
                                  "heading": "Back in stock", "source": "viewed", "products": [], "category": None,
                                  "max_products": 3, "columns": "3"})],
                          }])


def set_stock(product, number):
    """The shop's staff change the stock in Oscar's dashboard: the stock record is saved."""
    stock_record = StockRecord.objects.get(product=product)
    stock_record.num_in_stock = number
    stock_record.save()


def ask_for_alert(client, product):
    response = client.post(reverse("customer:alert-create", args=[product.pk]), {})
    assert response.status_code == 302, response.content[:2000]


def shoppers(client_class, catalogue):
    """Ada asks for an alert, Bea has it in her basket, Cy viewed it; Dee viewed another product."""
    product, other, _ = catalogue
    ada, bea, cy, dee = (client_class() for _ in range(4))
    for client, email in ((ada, "ada@example.com"), (bea, "bea@example.com"), (cy, "cy@example.com"),
                          (dee, "dee@example.com")):
        register_subscriber(client, email)
    add_to_basket(bea, product)
    set_stock(product, 0)
    ask_for_alert(ada, product)
    assert cy.get(product.get_absolute_url()).status_code == 200
    assert dee.get(other.get_absolute_url()).status_code == 200


def run_in(minutes):
    moment = timezone.now() + timedelta(minutes=minutes)
    with time_machine.travel(moment, tick=False):
        run_lifecycle(moment)


def journey_emails():
    return sorted((email.to[0], email.subject) for email in mail.outbox if email.subject.startswith("It is back"))


def oscar_alert_recipients():
    return [email.to[0] for email in mail.outbox if email.subject == OSCAR_ALERT_SUBJECT]


def test_who_wanted_the_product_gets_the_journeys_email_when_it_is_back(client_class, catalogue):
    back_in_stock_journey()
    shoppers(client_class, catalogue)

    run_in(5)
    assert journey_emails() == [], "still out of stock"
    set_stock(catalogue[0], 20)
    assert oscar_alert_recipients() == ["ada@example.com"], "Oscar's own alert email, by default"
    run_in(15)
    run_in(30)

    # Oscar closed the alert it answered: the journey reaches the basket and the view.
    assert journey_emails() == [("bea@example.com", "It is back"),
                                ("cy@example.com", "It is back")]
    email = next(email for email in mail.outbox if email.to == ["cy@example.com"] and "back" in email.subject)
    assert re.findall(r'class="product-title"[^>]*>([^<]*)<', email.alternatives[0][0]) == ["Product 1"]


def test_with_replace_oscar_stock_alerts_the_journey_tells_who_asked_and_oscar_does_not(
    client_class, catalogue, settings
):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "REPLACE_OSCAR_STOCK_ALERTS": True}
    back_in_stock_journey(sources=["alert"])
    shoppers(client_class, catalogue)

    set_stock(catalogue[0], 20)
    run_in(15)

    assert oscar_alert_recipients() == []
    assert journey_emails() == [("ada@example.com", "It is back")]


def test_a_product_that_never_ran_out_or_a_view_too_old_starts_nothing(client_class, catalogue):
    back_in_stock_journey(sources=["viewed"], viewed_days=1)
    product = catalogue[0]
    cy = client_class()
    register_subscriber(cy, "cy@example.com")
    cy.get(product.get_absolute_url())
    set_stock(product, 50)  # saved, but it never ran out
    run_in(15)
    assert journey_emails() == []

    set_stock(product, 0)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        set_stock(product, 5)
        run_lifecycle()
    assert journey_emails() == [], "viewed two days before, the journey counts one"


@pytest.mark.parametrize("stored, message", [
    ({"sources": ["rumours"]}, "Who wanted the product: rumours is not one of the choices."),
    ({"viewed_days": 0}, "Viewed in the last (days) must be between 1 and 365."),
])
def test_a_journey_refuses_settings_naming_the_setting(stored, message):
    journey = Journey(name="Back", trigger="back_in_stock", trigger_settings=stored)
    with pytest.raises(ValidationError) as refused:
        journey.full_clean()
    assert message in refused.value.messages


def viewers(prefix, count, product, viewed_at):
    members = create_members(f"{prefix}v-", count)
    contacts = create_contacts([user.email for user in members], members)
    Activity.objects.bulk_create([
        Activity(kind=Activity.Kind.PRODUCT_VIEWED, user_id=contact.user_id, contact=contact, product=product,
                 created_at=viewed_at, processed_at=viewed_at)
        for contact in contacts
    ])


def test_the_scan_costs_the_same_queries_for_ten_as_for_a_thousand_who_wanted_it(catalogue):
    back_in_stock_journey()
    now = timezone.now()
    first, second = catalogue[0], catalogue[1]
    scan("back_in_stock", now - timedelta(minutes=30))  # the journey's first scan, before anything is back
    viewers("ten-", 10, first, now - timedelta(days=1))
    ProductRestock.objects.create(product=first, back_in_stock_at=now - timedelta(minutes=5))
    for_ten, enrolled = scan("back_in_stock", now)
    assert enrolled == 10
    viewers("thousand-", 1000, second, now - timedelta(days=1))
    ProductRestock.objects.create(product=second, back_in_stock_at=now + timedelta(minutes=5))
    for_a_thousand, enrolled = scan("back_in_stock", now + timedelta(minutes=15))
    assert enrolled == 1000
    assert len(statements(for_a_thousand)) == len(statements(for_ten)), "\n\n".join(for_a_thousand)
