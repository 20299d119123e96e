"""The first-order trigger: a customer's first order, member or guest, counted by contact, starts
the new customer's welcome; their later orders do not, nor does an account opened without an order."""

import pytest
from django.contrib.auth import get_user_model

from oscar_lifecycle.engine.runner import run_lifecycle
from tests.shop import checkout, create_journey, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def welcome_customers():
    return create_journey("New customer", trigger="first_order", reentry="always",
                          steps=[{"delay_hours": 0, "subject": "Thank you for your first order"}])


def received(outbox, address):
    return [email.subject for email in outbox if email.to == [address]]


def test_a_members_first_order_starts_the_journey_and_the_second_does_not(client, catalogue, outbox,
                                                                          welcome_customers):
    register(client, "member@example.com")
    run_lifecycle()
    assert received(outbox, "member@example.com") == [], "registering is not an order"

    checkout(client, catalogue[0])
    run_lifecycle()
    checkout(client, catalogue[1])
    run_lifecycle()

    assert received(outbox, "member@example.com") == ["Thank you for your first order"]


def test_a_guests_first_order_counts_and_so_do_the_guest_orders_once_they_register(client, catalogue, outbox,
                                                                                   welcome_customers):
    checkout(client, catalogue[0], guest_email="Guest@Example.com")
    run_lifecycle()
    assert received(outbox, "guest@example.com") == ["Thank you for your first order"]

    client.cookies.clear()
    register(client, "guest@example.com")
    checkout(client, catalogue[1])
    run_lifecycle()

    assert received(outbox, "guest@example.com") == ["Thank you for your first order"]


def test_two_first_orders_in_one_batch_each_start_the_journey(client, catalogue, outbox, welcome_customers):
    checkout(client, catalogue[0], guest_email="first@example.com")
    client.cookies.clear()
    checkout(client, catalogue[1], guest_email="second@example.com")
    client.cookies.clear()
    checkout(client, catalogue[2], guest_email="first@example.com")
    run_lifecycle()

    assert received(outbox, "first@example.com") == ["Thank you for your first order"]
    assert received(outbox, "second@example.com") == ["Thank you for your first order"]
    assert get_user_model().objects.count() == 0
