"""Explicit opt-in with double confirmation: an unticked consent box at registration; ticked,
the shopper gets a confirmation email whose link they follow to confirm; both steps keep their
proof; prospects get marketing only once confirmed (the default consent rule)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact
from tests.shop import PASSWORD, create_journey

pytestmark = pytest.mark.django_db
WORDS = "Send me emails with news, recommendations and offers from Lifecycle Sandbox."
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"


def register(client, email, *, consent):
    form = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    if consent:
        form["lifecycle_marketing_consent"] = "yes"
    response = client.post(reverse("customer:register"), form, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302


def confirmation_emails():
    return [email for email in mail.outbox if "lifecycle-confirmation" in getattr(email, "tags", [])]


def test_the_registration_form_shows_the_box_unticked(client):
    page = client.get(reverse("customer:register")).content.decode()
    box = re.search(r'<input[^>]*name="lifecycle_marketing_consent"[^>]*>', page).group(0)
    assert "checked" not in box
    assert WORDS in page


def test_a_ticked_box_asks_for_confirmation_and_the_link_confirms_with_proof(client, client_class):
    register(client, "keen@example.com", consent=True)
    run_lifecycle()
    contact = Contact.objects.get(email="keen@example.com")
    assert contact.consent == Contact.Consent.PENDING
    asked = contact.consent_events.get()
    assert (asked.source, asked.wording, asked.ip_address, asked.user_agent) == (
        "registration form", WORDS, "198.51.100.4", BROWSER)

    [confirmation] = confirmation_emails()
    assert confirmation.to == ["keen@example.com"]
    path = re.search(r"https://shop\.test(/lifecycle/confirm/[^/\s]+/)", confirmation.body).group(1)
    browser = client_class()
    assert b"Yes, I confirm" in browser.get(path).content
    assert Contact.objects.get(pk=contact.pk).consent == Contact.Consent.PENDING, "a GET (a scanner) confirms nothing"
    browser.post(path, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.9")
    browser.post(path)

    contact.refresh_from_db()
    assert contact.consent == Contact.Consent.GRANTED
    confirmed = contact.consent_events.last()
    assert (confirmed.source, confirmed.ip_address, confirmed.wording) == ("confirmation link", "198.51.100.9", WORDS)
    assert contact.consent_events.count() == 2, "confirming twice logs once"


def test_an_unticked_box_asks_nothing(client):
    register(client, "quiet@example.com", consent=False)
    run_lifecycle()
    assert confirmation_emails() == []
    assert Contact.objects.get().consent == Contact.Consent.UNKNOWN


def test_only_confirmed_prospects_get_marketing(client_class, outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome"}])
    create_journey("Account", category="relational", steps=[{"delay_hours": 0, "subject": "Your account"}])
    keen, shy = client_class(), client_class()
    register(keen, "keen@example.com", consent=True)
    register(shy, "shy@example.com", consent=False)
    run_lifecycle()
    assert sorted((email.to[0], email.subject) for email in outbox) == [
        ("keen@example.com", "Your account"), ("shy@example.com", "Your account"),
    ], "nobody confirmed yet: relational mail only"
    path = re.search(r"https://shop\.test(/lifecycle/confirm/[^/\s]+/)", confirmation_emails()[0].body).group(1)
    keen.post(path)
    run_lifecycle()
    assert [email.to[0] for email in outbox if email.subject == "Welcome"] == ["keen@example.com"]
