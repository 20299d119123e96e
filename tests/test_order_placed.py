"""Orders placed through Oscar's checkout enroll order journeys and end journeys whose goal is an order."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Enrollment
from tests.shop import checkout, create_journey, register, register_subscriber

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


def test_checkout_enrolls_the_customer_in_order_journeys(client, catalogue, outbox):
    create_journey("Thank you", trigger="order_placed", category="relational",
                   steps=[{"delay_days": 2, "subject": "How is your order?"}])
    register(client, "buyer@example.com")
    run_lifecycle()
    response = checkout(client, catalogue[0])
    run_lifecycle()
    assert response.status_code == 302 and response.url == reverse("checkout:thank-you")

    order = Order.objects.get()
    enrollment = Enrollment.objects.get(journey__name="Thank you")
    assert enrollment.order == order
    assert Contact.objects.get(email="buyer@example.com").last_order_at == order.date_placed

    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1), tick=False):
        run_lifecycle()
    assert [(email.to, email.subject) for email in outbox] == [(["buyer@example.com"], "How is your order?")]


def test_guest_checkout_enrolls_the_guest_email(client, catalogue):
    create_journey("Thank you", trigger="order_placed", steps=[{"delay_days": 2}])
    checkout(client, catalogue[1], guest_email="Guest@Example.com")
    run_lifecycle()

    enrollment = Enrollment.objects.get()
    assert enrollment.contact.email == "guest@example.com"
    assert enrollment.contact.user is None


def test_an_order_ends_journeys_whose_goal_is_an_order(client, catalogue, outbox):
    create_journey("Welcome", goal="order_placed", steps=[{"delay_hours": 0}, {"delay_days": 3}])
    register_subscriber(client, "shopper@example.com")
    run_lifecycle()
    assert len(outbox) == 1

    checkout(client, catalogue[0])
    run_lifecycle()
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        run_lifecycle()

    assert len(outbox) == 1, "the second welcome email is not sent after an order"
    enrollment = Enrollment.objects.get()
    assert enrollment.state == Enrollment.State.EXITED
    assert enrollment.reason == "goal reached: order_placed"


def test_customers_only_audience_skips_prospects(client, catalogue):
    create_journey("Customers only", trigger="order_placed", audience="customers")
    create_journey("Prospects only", trigger="order_placed", audience="prospects")
    checkout(client, catalogue[0], guest_email="first@example.com")
    run_lifecycle()

    assert list(Enrollment.objects.values_list("journey__name", flat=True)) == ["Customers only"]


def test_reentry_policy(client, catalogue):
    create_journey("Once", trigger="order_placed", reentry="once")
    create_journey("Always", trigger="order_placed", reentry="always")
    register(client, "twice@example.com")
    for product in catalogue[:2]:
        checkout(client, product)
        run_lifecycle()

    assert Enrollment.objects.filter(journey__name="Once").count() == 1
    assert Enrollment.objects.filter(journey__name="Always").count() == 2


def test_a_guest_gets_the_language_they_shopped_in(client, catalogue):
    create_journey("Thank you", trigger="order_placed", steps=[{"delay_days": 2}])
    client.cookies["django_language"] = "fr"
    checkout(client, catalogue[0], guest_email="invitee@example.fr")
    run_lifecycle()
    assert Contact.objects.get(email="invitee@example.fr").locale == "fr"


def test_a_journey_with_days_before_entering_again_lets_a_frequent_customer_in_once_in_that_time(
    client, catalogue
):
    create_journey("After the order", trigger="order_placed", reentry="always", reentry_after_days=60)
    register(client, "weekly@example.com")
    start = timezone.now()
    customer = get_user_model().objects.get(email="weekly@example.com")
    for days in (0, 7, 21, 59, 61):
        with time_machine.travel(start + timedelta(days=days), tick=False):
            client.force_login(customer)  # a session lasts two weeks
            checkout(client, catalogue[days % 3])
            run_lifecycle()
    assert Order.objects.count() == 5

    entered = Enrollment.objects.filter(journey__name="After the order").order_by("created_at")
    assert [(enrollment.created_at - start).days for enrollment in entered] == [0, 61]
