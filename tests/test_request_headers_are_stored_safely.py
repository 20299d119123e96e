"""What a browser sends in its headers is kept as proof of a consent change, and anyone can send
anything there: a NUL byte in the User-Agent, or a REMOTE_ADDR that is no address (a proxy's
"unknown", a list of addresses). PostgreSQL refuses both where SQLite takes them; the unsubscribe,
the confirmation, the preferences and the registration's consent must still be saved, with
the proof cleaned, never answered with a server error and lost."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact
from oscar_lifecycle.suppression import suppressed
from tests.shop import PASSWORD, create_journey, subscriber

pytestmark = pytest.mark.django_db

READER = "reader@example.com"
ALL_TOPICS = ["recommendations", "offers", "news"]
NUL_BROWSER = "Mozilla/5.0\x00 (X11; Linux x86_64) Firefox/133.0"
CLEANED_BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"
NOT_ADDRESSES = ["unknown", "203.0.113.7, 10.0.0.1", "203.0.113.999", "fe80::1%eth0", "\x00"]


@pytest.fixture
def first_email(outbox):
    create_journey("Tips", topic="news", steps=[{"delay_hours": 0, "subject": "Tips"}])
    enroll("registration", subscriber(READER))
    run_lifecycle()
    return outbox[0]


def link(email, page):
    return re.search(rf'href="https://shop\.test(/lifecycle/{page}/[^"]+)"', email.alternatives[0][0]).group(1)


def consent_proof():
    event = Contact.objects.get(email=READER).consent_events.get()
    return event.ip_address, event.user_agent


def test_an_unsubscribe_with_a_nul_byte_in_the_browser_name_unsubscribes(first_email, client):
    response = client.post(link(first_email, "unsubscribe"), {"List-Unsubscribe": "One-Click"},
                           HTTP_USER_AGENT=NUL_BROWSER, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    assert Contact.objects.get(email=READER).status == Contact.Status.UNSUBSCRIBED
    assert suppressed([READER]) == {READER: Contact.Status.UNSUBSCRIBED}
    assert consent_proof() == ("203.0.113.7", CLEANED_BROWSER)


@pytest.mark.parametrize("remote_addr", NOT_ADDRESSES)
def test_an_unsubscribe_from_no_address_unsubscribes_without_one(remote_addr, first_email, client):
    response = client.post(link(first_email, "unsubscribe"), {"List-Unsubscribe": "One-Click"},
                           HTTP_USER_AGENT=CLEANED_BROWSER, REMOTE_ADDR=remote_addr)

    assert response.status_code == 200
    assert Contact.objects.get(email=READER).status == Contact.Status.UNSUBSCRIBED
    assert consent_proof() == (None, CLEANED_BROWSER)


def test_saying_no_on_the_preferences_page_with_a_nul_byte_in_the_browser_name_is_saved(first_email, client):
    response = client.post(link(first_email, "preferences"), {"frequency": "every", "topics": ALL_TOPICS},
                           HTTP_USER_AGENT=NUL_BROWSER, REMOTE_ADDR="unknown")

    assert response.status_code == 200
    assert Contact.objects.get(email=READER).consent == Contact.Consent.WITHDRAWN
    assert consent_proof() == (None, CLEANED_BROWSER)


def test_the_opt_in_confirmed_and_asked_with_bad_headers_keeps_its_cleaned_proof(client, client_class):
    form = {"email": READER, "password1": PASSWORD, "password2": PASSWORD, "lifecycle_marketing_consent": "yes"}
    response = client.post(reverse("customer:register"), form, HTTP_USER_AGENT=NUL_BROWSER,
                           REMOTE_ADDR="198.51.100.4, 10.0.0.1")
    assert response.status_code == 302
    run_lifecycle()
    contact = Contact.objects.get(email=READER)
    assert contact.consent == Contact.Consent.PENDING
    asked = contact.consent_events.get()
    assert (asked.ip_address, asked.user_agent) == (None, CLEANED_BROWSER)

    [confirmation] = [email for email in mail.outbox if "lifecycle-confirmation" in getattr(email, "tags", [])]
    path = re.search(r"https://shop\.test(/lifecycle/confirm/[^/\s]+/)", confirmation.body).group(1)
    response = client_class().post(path, HTTP_USER_AGENT=NUL_BROWSER, REMOTE_ADDR="unknown")

    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.consent == Contact.Consent.GRANTED
    confirmed = contact.consent_events.last()
    assert (confirmed.ip_address, confirmed.user_agent) == (None, CLEANED_BROWSER)

