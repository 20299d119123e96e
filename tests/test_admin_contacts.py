"""The Contacts listing filters the way a shop owner asks questions, and a contact's page tells their story."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.contacts import contact_for, unsubscribe
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact
from tests.shop import checkout, create_journey, register_subscriber

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    return client


def listed_emails(admin_client, **filters):
    response = admin_client.get(reverse("oscar_lifecycle_contacts:index"), filters)
    assert response.status_code == 200
    return {contact.email for contact in response.context["object_list"]}


def test_filters_by_status_consent_orders_and_engagement(admin_client):
    buyer = contact_for("buyer@example.com")
    buyer.last_order_at = timezone.now()
    buyer.last_engagement_at = timezone.now() - timedelta(days=5)
    buyer.save()
    unsubscribe(contact_for("gone@example.com"), source="test")
    sleeper = contact_for("sleeper@example.com")
    sleeper.last_engagement_at = timezone.now() - timedelta(days=200)
    sleeper.save()

    assert listed_emails(admin_client, status="unsubscribed") == {"gone@example.com"}
    assert listed_emails(admin_client, consent="withdrawn") == {"gone@example.com"}
    assert listed_emails(admin_client, has_ordered="true") == {"buyer@example.com"}
    assert listed_emails(admin_client, has_ordered="false") == {"gone@example.com", "sleeper@example.com"}
    assert listed_emails(admin_client, engaged="30") == {"buyer@example.com"}
    assert listed_emails(admin_client, engaged="never_90") == {"gone@example.com", "sleeper@example.com"}


def test_a_contacts_page_shows_enrollments_messages_orders_and_consent(admin_client, client_class, catalogue):
    create_journey("Welcome", goal="order_placed", steps=[{"delay_hours": 0, "subject": "Hello there"},
                                                          {"delay_days": 2}])
    shopper = client_class()
    register_subscriber(shopper, "story@example.com")
    run_lifecycle()
    checkout(shopper, catalogue[0])
    run_lifecycle()
    contact = Contact.objects.get(email="story@example.com")
    unsubscribe(contact, source="unsubscribe link")

    page = admin_client.get(reverse("oscar_lifecycle_contacts:inspect", args=[contact.pk])).content.decode()

    assert "Entered “Welcome”" in page
    assert "Sent: “Hello there”" in page
    assert "Left “Welcome”: Exited (goal reached: order_placed)" in page
    assert f"Order {Order.objects.get().number}" in page
    assert "by unsubscribe link" in page


def test_the_contacts_list_exports_to_csv(admin_client):
    contact_for("export@example.com")
    response = admin_client.get(reverse("oscar_lifecycle_contacts:index"), {"export": "csv"})
    assert response.status_code == 200
    assert "export@example.com" in b"".join(response.streaming_content).decode()
