"""Proof of consent: for any marketing message the admin shows on what consent it was sent, and
the shop is told while its footer lacks the postal address the law asks for."""

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from oscar_lifecycle.contacts import contact_for, record_change
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, LifecycleSettings, Message
from tests.shop import create_journey

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    return client


def test_the_log_shows_the_consent_each_marketing_message_was_sent_on(owner, outbox):
    create_journey("News", steps=[{"delay_hours": 0}])
    create_journey("Account", category="relational", steps=[{"delay_hours": 0}])
    subscriber, customer = contact_for("fan@example.com"), contact_for("buyer@example.com")
    record_change(subscriber, source="newsletter form", consent=Contact.Consent.GRANTED)
    Contact.objects.filter(pk=customer.pk).update(last_order_at=timezone.now())
    for contact in Contact.objects.all():
        enroll("registration", contact)
    run_lifecycle()

    bases = dict(Message.objects.filter(journey__name="News").values_list("to_email", "consent_basis"))
    assert bases["fan@example.com"].startswith("opt-in given on ") and bases["fan@example.com"].endswith(
        "(newsletter form)")
    assert bases["buyer@example.com"].startswith("soft opt-in: a customer since an order on ")
    assert set(Message.objects.filter(journey__name="Account").values_list("consent_basis", flat=True)) == {""}
    message = Message.objects.get(journey__name="News", to_email="fan@example.com")
    page = owner.get(reverse("oscar_lifecycle_messages:inspect", args=[message.pk])).content.decode()
    assert "(newsletter form)" in page


def test_an_empty_postal_address_is_reported_by_a_check_and_on_the_settings_page(owner):
    assert "oscar_lifecycle.W007" in [message.id for message in run_checks(databases=["default"])]
    site = Site.objects.get(is_default_site=True)
    settings_page = reverse("wagtailsettings:edit", args=["oscar_lifecycle", "lifecyclesettings", site.pk])
    assert "The shop's postal address is empty." in owner.get(settings_page).content.decode()

    LifecycleSettings.objects.update_or_create(site=site, defaults={"postal_address": "1 rue du Café, 75002 Paris"})

    assert "oscar_lifecycle.W007" not in [message.id for message in run_checks(databases=["default"])]
    assert "The shop's postal address is empty." not in owner.get(settings_page).content.decode()
