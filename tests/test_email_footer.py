"""Every marketing email says why the contact gets it, where the shop is, and how to choose
or stop: the preferences page, and a one-click unsubscribe."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from wagtail.models import Site

from oscar_lifecycle.contacts import contact_for, record_change
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, LifecycleSettings
from tests.shop import create_journey, register

pytestmark = pytest.mark.django_db


def footer_of(email):
    return email.alternatives[0][0].split('class="footer"')[1]


@pytest.fixture
def journey(db):
    return create_journey("News", steps=[{"delay_hours": 0}])


def test_a_customer_is_told_they_are_a_customer(journey, outbox):
    customer = contact_for("customer@example.com")
    Contact.objects.filter(pk=customer.pk).update(last_order_at=timezone.now())
    enroll("registration", Contact.objects.get(pk=customer.pk))
    run_lifecycle()
    assert "because you are a customer of Lifecycle Sandbox." in footer_of(outbox[0])


def test_a_subscriber_is_told_when_and_where_they_subscribed(journey, outbox):
    subscriber = contact_for("fan@example.com")
    with_date = datetime(2026, 3, 14, 12, tzinfo=ZoneInfo("Europe/Paris"))
    record_change(subscriber, source="newsletter form", consent=Contact.Consent.GRANTED)
    Contact.objects.filter(pk=subscriber.pk).update(consent_changed_at=with_date)
    enroll("registration", Contact.objects.get(pk=subscriber.pk))
    run_lifecycle()
    assert "because you subscribed on March 14, 2026 (newsletter form)." in footer_of(outbox[0])


def test_a_member_is_told_they_have_an_account_and_every_footer_has_the_address_and_links(client, outbox):
    create_journey("Your account", category="relational", steps=[{"delay_hours": 0}])  # no consent asked
    LifecycleSettings.objects.create(site=Site.objects.get(is_default_site=True),
                                     postal_address="Lifecycle Sandbox SAS\n1 rue du Café, 75002 Paris")
    register(client, "member@example.com")
    run_lifecycle()
    footer = footer_of(outbox[0])
    assert "because you have an account at Lifecycle Sandbox." in footer
    assert re.search(r'href="https://shop\.test/lifecycle/preferences/[^"]+"[^>]*>Choose which emails you get', footer)
    assert re.search(r'href="https://shop\.test/lifecycle/unsubscribe/[^"]+"[^>]*>Unsubscribe', footer)
    assert "Lifecycle Sandbox SAS<br>1 rue du Café, 75002 Paris" in footer
