"""Newsletter sign-up for visitors without an account, through the shop's home page and
/lifecycle/subscribe/: double opt-in with proof, the same answer whoever the address belongs to,
a no that only the address's owner lifts, and rate limits per IP address and per address."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText

from oscar_lifecycle.contacts import say_no, unsubscribe
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import ConsentEvent, Contact, SignupAttempt
from oscar_lifecycle.suppression import suppress
from sandbox.demo.models import ContentPage
from tests.shop import confirm_subscription, subscriber

pytestmark = [pytest.mark.django_db]
HOME = "/catalogue/"
WORDS = "Send me emails with news, recommendations and offers from Lifecycle Sandbox."
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"
VISITOR = {"HTTP_USER_AGENT": BROWSER, "REMOTE_ADDR": "198.51.100.20"}
ANSWER = "If this address is not subscribed yet, we have emailed it a link to confirm the subscription"


def confirmations_to(email):
    return [sent for sent in mail.outbox
            if "lifecycle-confirmation" in getattr(sent, "tags", []) and sent.to == [email]]


def signup_form_of(page):
    """The action and the hidden fields of the sign-up form on ``page``."""
    form = re.search(r'<form method="post" action="([^"]+)" class="lifecycle-signup.*?</form>', page, re.S)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))
    return form.group(1), hidden, form.group(0)


def sign_up(client, email, **fields):
    """Fill in the sign-up form of the shop's home page with ``email`` (and ``fields``) and send it."""
    action, hidden, _form = signup_form_of(client.get(HOME).content.decode())
    return client.post(action, {**hidden, "email": email, **fields}, **VISITOR)


def normalized(response):
    """The page without what differs from one request to the next whatever was asked (CSRF tokens
    of the layout's forms, the minute it was made)."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'<meta name="created" content="[^"]+"', "", page)


def test_the_home_page_shows_the_form_with_the_words_of_consent(client):
    action, hidden, form = signup_form_of(client.get("/", follow=True).content.decode())
    assert action == reverse("oscar_lifecycle:subscribe")
    assert 'name="email"' in form and 'name="first_name"' in form
    assert WORDS in form
    assert "csrfmiddlewaretoken" not in form, "the form works from a cached page"


def test_a_new_address_confirms_from_the_email_and_its_consent_keeps_the_proof(client, client_class):
    response = sign_up(client, "new@example.com", first_name="Nina")
    assert response.status_code == 200
    assert ANSWER in response.content.decode()
    contact = Contact.objects.get()
    assert (contact.email, contact.first_name, contact.source, contact.consent) == (
        "new@example.com", "Nina", Contact.Source.SIGNUP, Contact.Consent.PENDING)
    asked = contact.consent_events.get()
    assert (asked.source, asked.wording, asked.ip_address, asked.user_agent) == (
        "sign-up form", WORDS, "198.51.100.20", BROWSER)
    assert confirmations_to("new@example.com") == [], "the runner sends it"

    run_lifecycle()
    [confirmation] = confirmations_to("new@example.com")
    assert "Please confirm your subscription" in confirmation.subject
    confirm_subscription(client_class(), "new@example.com")

    contact.refresh_from_db()
    assert (contact.consent, contact.status) == (Contact.Consent.GRANTED, Contact.Status.ACTIVE)
    assert [event.source for event in contact.consent_events.all()] == ["sign-up form", "confirmation link"]


def test_topics_left_unticked_are_declined(client, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SIGNUP_ASKS_TOPICS": True}
    client.get(reverse("oscar_lifecycle:subscribe"))
    response = client.post(reverse("oscar_lifecycle:subscribe"), {
        "asks": "topics", "email": "picky@example.com", "topics": ["news"]}, **VISITOR)
    assert ANSWER in response.content.decode()
    assert Contact.objects.get().declined_topics == ["offers", "recommendations"]


def pending(email):
    sign_up_at = timezone.now() - timedelta(hours=1)
    with time_machine.travel(sign_up_at, tick=False):
        contact = Contact.objects.create(email=email, consent=Contact.Consent.PENDING,
                                         consent_changed_at=sign_up_at, confirmation_asked_at=sign_up_at)
    return contact


def unsubscribed(email):
    contact = subscriber(email)
    unsubscribe(contact, source="unsubscribe link")
    return contact


def bounced(email):
    suppress(email, Contact.Status.BOUNCED, source="ESP")


def complained(email):
    say_no(subscriber(email), Contact.Status.COMPLAINED, source="ESP")


def customer(email):
    contact = Contact.objects.create(email=email, source=Contact.Source.CHECKOUT, last_order_at=timezone.now())
    return contact


KNOWN = {"pending": pending, "subscribed": subscriber, "unsubscribed": unsubscribed, "bounced": bounced,
         "complained": complained, "customer": customer}


@pytest.mark.parametrize("state", KNOWN)
def test_every_address_gets_the_answer_a_new_one_gets(state, client, client_class):
    KNOWN[state](f"{state}@example.com")
    fresh = client_class().post(reverse("oscar_lifecycle:subscribe"), {"email": "stranger@example.com"}, **VISITOR)
    known = client_class().post(reverse("oscar_lifecycle:subscribe"), {"email": f"{state}@example.com"}, **VISITOR)
    assert known.status_code == fresh.status_code == 200
    assert normalized(known).replace(f"{state}@", "stranger@") == normalized(fresh)


@pytest.mark.parametrize("state", ["subscribed", "pending", "bounced", "complained"])
def test_no_confirmation_goes_to_who_says_yes_was_asked_lately_or_is_suppressed(state, client):
    KNOWN[state](f"{state}@example.com")
    sign_up(client, f"{state}@example.com")
    run_lifecycle()
    assert confirmations_to(f"{state}@example.com") == []
    assert not ConsentEvent.objects.filter(source__startswith="sign-up form").exists()


def test_an_unsubscribed_address_is_subscribed_only_once_its_owner_confirms(client, client_class):
    contact = unsubscribed("former@example.com")
    sign_up(client, "former@example.com")
    run_lifecycle()
    contact.refresh_from_db()
    assert (contact.status, contact.consent) == (Contact.Status.UNSUBSCRIBED, Contact.Consent.WITHDRAWN)
    assert contact.consent_events.last().source == "sign-up form, confirmation asked"
    assert len(confirmations_to("former@example.com")) == 1

    confirm_subscription(client_class(), "former@example.com")
    contact.refresh_from_db()
    assert (contact.status, contact.consent) == (Contact.Status.ACTIVE, Contact.Consent.GRANTED)


def test_a_customer_is_asked_to_confirm_like_anyone(client):
    customer("buyer@example.com")
    sign_up(client, "buyer@example.com")
    run_lifecycle()
    assert len(confirmations_to("buyer@example.com")) == 1
    assert Contact.objects.get().source == Contact.Source.CHECKOUT, "a known contact keeps its source"


def test_a_second_confirmation_goes_only_after_the_resend_interval(client_class):
    signed_up_at = timezone.now()
    sign_up(client_class(), "twice@example.com")
    run_lifecycle()
    with time_machine.travel(signed_up_at + timedelta(hours=5), tick=False):
        sign_up(client_class(), "twice@example.com")
        run_lifecycle()
    assert len(confirmations_to("twice@example.com")) == 1
    with time_machine.travel(signed_up_at + timedelta(hours=6, minutes=1), tick=False):
        sign_up(client_class(), "twice@example.com")
        run_lifecycle()
    assert len(confirmations_to("twice@example.com")) == 2


def test_an_invalid_address_gets_the_form_back_and_nothing_is_kept(client):
    response = client.post(reverse("oscar_lifecycle:subscribe"), {"email": "not an address"}, **VISITOR)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page and 'name="email"' in page and ANSWER not in page
    assert not Contact.objects.exists() and not SignupAttempt.objects.exists()


def test_too_many_sign_ups_from_one_ip_address_get_a_429_page(client_class):
    for number in range(5):
        assert sign_up(client_class(), f"reader{number}@example.com").status_code == 200
    refused = sign_up(client_class(), "reader5@example.com")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert not Contact.objects.filter(email="reader5@example.com").exists()
    other = client_class().post(reverse("oscar_lifecycle:subscribe"), {"email": "reader5@example.com"},
                                REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200, "another visitor is not held back"
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1), tick=False):
        assert sign_up(client_class(), "reader6@example.com").status_code == 200


def test_too_many_sign_ups_of_one_address_are_silently_ignored(client_class, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CONFIRMATION_RESEND_INTERVAL": timedelta(0)}
    answers = []
    for number in range(4):
        answers.append(client_class().post(reverse("oscar_lifecycle:subscribe"), {"email": "target@example.com"},
                                           REMOTE_ADDR=f"203.0.113.{number}"))
        run_lifecycle()
    assert len(confirmations_to("target@example.com")) == 3
    assert len({normalized(answer) for answer in answers}) == 1
    assert all(answer.status_code == 200 for answer in answers)


def test_a_wagtail_page_with_the_block_shows_the_form_and_it_signs_up(client):
    home = Page.objects.get(slug="home")
    page = home.add_child(instance=ContentPage(title="Our newsletter", slug="newsletter", body=[
        ("text", RichText("<p>One email a month.</p>")),
        ("signup", {"heading": "Join us", "asks_first_name": False, "asks_topics": True}),
    ]))
    response = client.get(page.url)
    assert response.status_code == 200
    action, hidden, form = signup_form_of(response.content.decode())
    assert "Join us" in form and WORDS in form
    assert 'name="topics"' in form and 'name="first_name"' not in form
    client.post(action, {**hidden, "email": "reader@example.com", "topics": ["offers", "news"]}, **VISITOR)
    assert Contact.objects.get().declined_topics == ["recommendations"]


@pytest.mark.parametrize("fields", [
    {"email": "nul\x00@example.com"},
    {"email": "ok@example.com", "asks": "first_name", "first_name": "A\x00da"},
    {"email": "ok@example.com", "asks": "topics", "topics": ["no such topic"]},
    {"email": "x" * 300 + "@example.com"},
])
def test_what_no_form_would_send_gets_the_form_back_never_a_server_error(fields, client):
    response = client.post(reverse("oscar_lifecycle:subscribe"), fields)
    assert response.status_code == 200 and ANSWER not in response.content.decode()
    assert not Contact.objects.exists()


def test_bad_headers_are_stored_cleaned(client):
    client.post(reverse("oscar_lifecycle:subscribe"), {"email": "headers@example.com", "asks": "nonsense,email"},
                HTTP_USER_AGENT="Fire\x00fox", REMOTE_ADDR="unknown")
    asked = Contact.objects.get().consent_events.get()
    assert (asked.ip_address, asked.user_agent) == (None, "Firefox")


def test_the_runner_forgets_attempts_no_limit_counts_any_more(client):
    signed_up_at = timezone.now()
    sign_up(client, "once@example.com")
    with time_machine.travel(signed_up_at + timedelta(hours=23), tick=False):
        run_lifecycle()
        assert SignupAttempt.objects.count() == 1
    with time_machine.travel(signed_up_at + timedelta(days=1, hours=1), tick=False):
        run_lifecycle()
        assert not SignupAttempt.objects.exists()


def test_an_editor_adds_the_block_to_a_page_in_the_wagtail_admin(client):
    home = Page.objects.get(slug="home")
    page = home.add_child(instance=ContentPage(title="About us", slug="about"))
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@example.com", "pw"))
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert "Newsletter sign-up" in client.get(edit).content.decode()
    response = client.post(edit, {
        "title": "About us", "slug": "about", "body-count": "1",
        "body-0-type": "signup", "body-0-deleted": "", "body-0-order": "0",
        "body-0-value-heading": "Stay in touch", "body-0-value-asks_first_name": "on",
        "action-publish": "publish",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    form = signup_form_of(client.get(page.url).content.decode())[2]
    assert "Stay in touch" in form and 'name="first_name"' in form and 'name="topics"' not in form


def test_who_confirmed_then_unsubscribed_may_sign_up_again_at_once(client, client_class):
    sign_up(client_class(), "back@example.com")
    run_lifecycle()
    confirm_subscription(client_class(), "back@example.com")
    unsubscribe(Contact.objects.get(), source="unsubscribe link")
    sign_up(client_class(), "back@example.com")
    run_lifecycle()
    assert len(confirmations_to("back@example.com")) == 2
    confirm_subscription(client_class(), "back@example.com")
    assert Contact.objects.get().consent == Contact.Consent.GRANTED
