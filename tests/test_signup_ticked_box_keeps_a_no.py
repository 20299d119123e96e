"""A no stands until the address's owner lifts it: a contact who unsubscribed, then ticks the
consent box at registration or at the checkout gateway, stays unsubscribed, with consent withdrawn,
until they follow the link emailed to them; the box is kept as their request, with its proof."""

import pytest
from django.core import mail
from django.urls import reverse

from oscar_lifecycle.contacts import unsubscribe
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact
from tests.shop import PASSWORD, add_to_basket, confirm_subscription, start_guest_checkout, subscriber

pytestmark = pytest.mark.django_db
SHOPPER = "changed-her-mind@example.com"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"


def confirmations():
    return [email for email in mail.outbox if "lifecycle-confirmation" in getattr(email, "tags", [])]


@pytest.fixture
def unsubscribed(db):
    """A subscriber the shop brought from its former tool, who unsubscribed."""
    contact = subscriber(SHOPPER)
    unsubscribe(contact, source="unsubscribe link")
    assert (contact.status, contact.consent) == (Contact.Status.UNSUBSCRIBED, Contact.Consent.WITHDRAWN)
    return contact


def test_ticking_the_box_at_the_gateway_keeps_the_no_until_the_link_is_followed(unsubscribed, client_class,
                                                                                 catalogue):
    guest = client_class()
    add_to_basket(guest, catalogue[0])
    guest.defaults.update(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.7")
    start_guest_checkout(guest, SHOPPER, consent=True)
    run_lifecycle()

    unsubscribed.refresh_from_db()
    assert (unsubscribed.status, unsubscribed.consent) == (Contact.Status.UNSUBSCRIBED, Contact.Consent.WITHDRAWN)
    asked = unsubscribed.consent_events.last()
    assert (asked.consent, asked.source, asked.ip_address, asked.user_agent) == (
        Contact.Consent.WITHDRAWN, "checkout form, confirmation asked", "198.51.100.7", BROWSER)
    assert [email.to for email in confirmations()] == [[SHOPPER]]

    confirm_subscription(client_class(), SHOPPER)
    unsubscribed.refresh_from_db()
    assert (unsubscribed.status, unsubscribed.consent) == (Contact.Status.ACTIVE, Contact.Consent.GRANTED)


def test_an_old_confirmation_link_does_not_lift_a_later_no(client, client_class):
    """The link of the confirmation she followed before she unsubscribed confirms nothing."""
    client.post(reverse("customer:register"), {"email": SHOPPER, "password1": PASSWORD, "password2": PASSWORD,
                                                "lifecycle_marketing_consent": "yes"})
    run_lifecycle()
    confirm_subscription(client_class(), SHOPPER)
    contact = Contact.objects.get(email=SHOPPER)
    unsubscribe(contact, source="unsubscribe link")

    confirm_subscription(client_class(), SHOPPER)
    contact.refresh_from_db()
    assert (contact.status, contact.consent) == (Contact.Status.UNSUBSCRIBED, Contact.Consent.WITHDRAWN)
