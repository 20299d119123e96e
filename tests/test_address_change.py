"""A customer who changes their email address in their Oscar account: the contact follows it,
their next order ends their journeys and starts the order ones, at the new address."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from oscar_lifecycle.contacts import contact_for, unsubscribe
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Enrollment
from tests.shop import checkout, create_journey, register, register_subscriber

pytestmark = pytest.mark.django_db


def change_address(client, new_email):
    response = client.post(reverse("customer:profile-update"),
                           {"email": new_email, "first_name": "Ada", "last_name": "Lovelace"})
    assert response.status_code == 302, response.content[:1000]


def test_the_contact_follows_the_new_address_and_the_order_ends_the_reminder(client, catalogue, outbox):
    create_journey("Welcome", goal="order_placed",
                   steps=[{"delay_hours": 0, "subject": "Welcome"}, {"delay_days": 3, "subject": "Still not ordered?"}])
    create_journey("Thanks", trigger="order_placed", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Thank you"}])
    register_subscriber(client, "old@example.com")
    run_lifecycle()
    change_address(client, "new@example.com")
    checkout(client, catalogue[0])
    run_lifecycle()
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        run_lifecycle()

    assert [(email.to[0], email.subject) for email in outbox] == [
        ("old@example.com", "Welcome"), ("new@example.com", "Thank you"),
    ]
    contact = Contact.objects.get()
    assert contact.email == "new@example.com" and contact.user.email == "new@example.com"
    assert Enrollment.objects.get(journey__name="Welcome").reason == "goal reached: order_placed"


def test_a_new_address_that_had_a_guest_contact_takes_the_account(client, catalogue):
    register(client, "member@example.com")
    run_lifecycle()
    guest = contact_for("guest-before@example.com")
    change_address(client, "guest-before@example.com")
    checkout(client, catalogue[0])
    run_lifecycle()

    guest.refresh_from_db()
    assert guest.user is not None and guest.last_order_at is not None
    assert Contact.objects.get(email="member@example.com").user is None


def test_an_address_that_said_no_keeps_its_no_when_a_member_moves_to_it(client, catalogue):
    unsubscribe(contact_for("said-no@example.com"), source="unsubscribe link")
    Contact.objects.filter(email="said-no@example.com").delete()
    register(client, "member@example.com")
    run_lifecycle()
    change_address(client, "said-no@example.com")
    checkout(client, catalogue[0])
    run_lifecycle()
    assert Contact.objects.get().status == Contact.Status.UNSUBSCRIBED
