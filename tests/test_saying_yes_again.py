"""Saying yes again: an unsubscribed customer who says yes on their logged-in account page, or who
ticks the consent box and follows the confirmation link sent to their address, gets marketing
again, with a ConsentEvent that says so; an address that bounced or whose owner reported our
mail as spam stays suppressed, and the page says why instead of pretending."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Enrollment, Journey, Message, Suppression
from tests.shop import PASSWORD, checkout, create_journey, register_subscriber
from tests.test_esp_feedback import an_hour_after, sendgrid

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]

SHOPPER = "reader@example.com"
ALL_TOPICS = ["recommendations", "offers", "news"]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"


def link(email, page):
    """The path of the footer's ``page`` link (unsubscribe, preferences) in ``email``."""
    return re.search(rf'href="https://shop\.test(/lifecycle/{page}/[^"]+)"', email.alternatives[0][0]).group(1)


def subjects(outbox):
    return [email.subject for email in outbox]


def marketing_box(page):
    return re.search(r'<input[^>]*name="marketing"[^>]*>', page).group(0)


@pytest.fixture
def welcomed(client, outbox):
    """A shopper who registered ticking the consent box (and is still logged in), confirmed it and
    got the first of two welcome emails; the second is due two days later."""
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome"},
                                     {"delay_days": 2, "subject": "Our best sellers"}])
    register_subscriber(client, SHOPPER)
    run_lifecycle()
    assert subjects(outbox) == ["Welcome"]
    return Message.objects.get(kind=Message.Kind.STEP)


def the_second_email_falls_due():
    enrollment = Enrollment.objects.get(journey__name="Welcome")
    with time_machine.travel(enrollment.next_run_at + timedelta(minutes=1), tick=False):
        run_lifecycle()


def test_an_unsubscribed_customer_who_says_yes_on_their_account_page_gets_marketing_again(welcomed, client,
                                                                                          outbox):
    client.post(link(outbox[0], "unsubscribe"), {"List-Unsubscribe": "One-Click"})
    contact = Contact.objects.get()
    assert contact.status == Contact.Status.UNSUBSCRIBED

    page = client.get(reverse("oscar_lifecycle:account")).content.decode()
    assert "checked" not in marketing_box(page) and "disabled" not in marketing_box(page)
    response = client.post(reverse("oscar_lifecycle:account"),
                           {"marketing": "on", "frequency": "every", "topics": ALL_TOPICS},
                           HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.status, contact.consent) == (Contact.Status.ACTIVE, Contact.Consent.GRANTED)
    yes = contact.consent_events.last()
    assert (yes.source, yes.status, yes.consent, yes.ip_address) == (
        "account preferences", "active", "granted", "203.0.113.7")
    assert not Suppression.objects.exists()
    the_second_email_falls_due()
    assert subjects(outbox) == ["Welcome", "Our best sellers"]


@pytest.mark.parametrize("no, status, why", [
    (sendgrid("spamreport"), Contact.Status.COMPLAINED, "was reported as spam, so we no longer send any to it"),
    (sendgrid("bounce"), Contact.Status.BOUNCED, "could not be delivered, so we no longer send any to it"),
], ids=["complained", "bounced"])
def test_an_address_that_complained_or_bounced_stays_suppressed_and_the_page_says_why(no, status, why, welcomed,
                                                                                      client, outbox):
    at = an_hour_after(welcomed)
    with time_machine.travel(at, tick=False):
        no(client, welcomed, at)

    page = client.get(reverse("oscar_lifecycle:account")).content.decode()
    assert why in page
    assert "disabled" in marketing_box(page)
    events = Contact.objects.get().consent_events.count()
    client.post(reverse("oscar_lifecycle:account"), {"marketing": "on", "frequency": "every", "topics": ALL_TOPICS})

    contact = Contact.objects.get()
    assert contact.status == status and contact.consent_events.count() == events
    assert Suppression.objects.get().status == status
    assert why in client.get(reverse("oscar_lifecycle:account")).content.decode()
    the_second_email_falls_due()
    assert subjects(outbox) == ["Welcome"]


def confirmation_emails():
    return [email for email in mail.outbox if "lifecycle-confirmation" in getattr(email, "tags", [])]


def test_an_unsubscribed_guest_who_registers_ticking_the_box_and_confirms_gets_marketing_again(
        client, client_class, catalogue, outbox):
    create_journey("You may also like", trigger="order_placed", reentry=Journey.Reentry.ALWAYS,
                   steps=[{"delay_hours": 0, "subject": "You may also like"}])
    checkout(client, catalogue[0], guest_email=SHOPPER)
    run_lifecycle()
    client.post(link(outbox[0], "unsubscribe"), {"List-Unsubscribe": "One-Click"})
    assert Contact.objects.get().status == Contact.Status.UNSUBSCRIBED

    shopper = client_class()
    shopper.post(reverse("customer:register"), {"email": SHOPPER, "password1": PASSWORD, "password2": PASSWORD,
                                                "lifecycle_marketing_consent": "yes"})
    run_lifecycle()
    [confirmation] = confirmation_emails()
    path = re.search(r"https://shop\.test(/lifecycle/confirm/[^/\s]+/)", confirmation.body).group(1)
    assert b"Yes, I confirm" in shopper.get(path).content
    shopper.post(path, HTTP_USER_AGENT=BROWSER)

    contact = Contact.objects.get()
    assert (contact.status, contact.consent) == (Contact.Status.ACTIVE, Contact.Consent.GRANTED)
    assert contact.consent_events.last().source == "confirmation link"
    assert not Suppression.objects.exists()
    checkout(shopper, catalogue[1])
    run_lifecycle()
    assert subjects(outbox) == ["You may also like", "You may also like"]
