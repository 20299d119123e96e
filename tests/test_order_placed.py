"""Orders placed through Oscar's checkout enroll order journeys and end journeys whose goal is an order."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.models import Contact, Enrollment
from tests.shop import checkout, create_journey, register

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


def test_checkout_enrolls_the_customer_in_order_journeys(client, catalogue, outbox, after_commit):
    create_journey("Thank you", trigger="order_placed", category="relational",
                   steps=[{"delay_days": 2, "subject": "How is your order?"}])
    with after_commit():
        register(client, "buyer@example.com")
    with after_commit():
        response = checkout(client, catalogue[0])
    assert response.status_code == 302 and response.url == reverse("checkout:thank-you")

    order = Order.objects.get()
    enrollment = Enrollment.objects.get(journey__name="Thank you")
    assert enrollment.order == order
    assert Contact.objects.get(email="buyer@example.com").last_order_at == order.date_placed

    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1), tick=False):
        dispatch_due()
    assert [(email.to, email.subject) for email in outbox] == [(["buyer@example.com"], "How is your order?")]


def test_guest_checkout_enrolls_the_guest_email(client, catalogue, after_commit):
    create_journey("Thank you", trigger="order_placed", steps=[{"delay_days": 2}])
    with after_commit():
        checkout(client, catalogue[1], guest_email="Guest@Example.com")

    enrollment = Enrollment.objects.get()
    assert enrollment.contact.email == "guest@example.com"
    assert enrollment.contact.user is None


def test_an_order_ends_journeys_whose_goal_is_an_order(client, catalogue, outbox, after_commit):
    create_journey("Welcome", goal="order_placed", steps=[{"delay_hours": 0}, {"delay_days": 3}])
    with after_commit():
        register(client, "shopper@example.com")
    dispatch_due()
    assert len(outbox) == 1

    with after_commit():
        checkout(client, catalogue[0])
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        dispatch_due()

    assert len(outbox) == 1, "the second welcome email is not sent after an order"
    enrollment = Enrollment.objects.get()
    assert enrollment.state == Enrollment.State.EXITED
    assert enrollment.reason == "goal reached: order_placed"


def test_customers_only_audience_skips_prospects(client, catalogue, after_commit):
    create_journey("Customers only", trigger="order_placed", audience="customers")
    create_journey("Prospects only", trigger="order_placed", audience="prospects")
    with after_commit():
        checkout(client, catalogue[0], guest_email="first@example.com")

    assert list(Enrollment.objects.values_list("journey__name", flat=True)) == ["Customers only"]


def test_reentry_policy(client, catalogue, after_commit):
    create_journey("Once", trigger="order_placed", reentry="once")
    create_journey("Always", trigger="order_placed", reentry="always")
    register(client, "twice@example.com")
    for product in catalogue[:2]:
        with after_commit():
            checkout(client, product)

    assert Enrollment.objects.filter(journey__name="Once").count() == 1
    assert Enrollment.objects.filter(journey__name="Always").count() == 2


def test_a_guest_gets_the_language_they_shopped_in(client, catalogue, after_commit):
    create_journey("Thank you", trigger="order_placed", steps=[{"delay_days": 2}])
    client.cookies["django_language"] = "fr"
    with after_commit():
        checkout(client, catalogue[0], guest_email="invitee@example.fr")
    assert Contact.objects.get(email="invitee@example.fr").locale == "fr"
