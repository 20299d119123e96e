"""The preferences page every marketing email links to: marketing yes or no, how often, which
topics; the dispatcher honours it, every change is logged with its proof, and a link can take
marketing away but never give it back (the logged-in account page can)."""

import re
from datetime import timedelta

import time_machine

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Message
from tests.shop import create_journey, register, subscriber

pytestmark = pytest.mark.django_db
ALL_TOPICS = ["recommendations", "offers", "news"]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"


@pytest.fixture
def first_email(outbox):
    create_journey("Tips", topic="news", steps=[{"delay_hours": 0, "subject": "Tips"}])
    enroll("registration", subscriber("reader@example.com"))
    run_lifecycle()
    return outbox[0]


def link(email, page):
    return re.search(rf'href="https://shop\.test(/lifecycle/{page}/[^"]+)"', email.alternatives[0][0]).group(1)


def test_the_page_names_the_shop_links_back_and_counts_as_engagement(first_email, client):
    client.get(link(first_email, "preferences"), HTTP_USER_AGENT="Barracuda Email Security Link Protection")
    assert Contact.objects.get().last_engagement_at is None, "a link scanner's visit is no engagement"
    page = client.get(link(first_email, "preferences"), HTTP_USER_AGENT=BROWSER).content.decode()
    assert "Your emails from Lifecycle Sandbox" in page and 'href="https://shop.test/"' in page
    assert "<title>Your emails from Lifecycle Sandbox</title>" in page
    assert 'name="marketing"' in page and 'value="offers"' in page and 'value="monthly"' in page
    assert Contact.objects.get().last_engagement_at is not None


def test_a_declined_topic_is_not_sent_the_others_are(first_email, client, outbox):
    create_journey("Sale", topic="offers", steps=[{"delay_hours": 1, "subject": "Sale"}])
    create_journey("More tips", topic="news", steps=[{"delay_hours": 1, "subject": "More tips"}])
    enroll("registration", Contact.objects.get())  # waiting for their first step
    topics = [topic for topic in ALL_TOPICS if topic != "offers"]
    client.post(link(first_email, "preferences"), {"marketing": "on", "frequency": "every", "topics": topics})
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1), tick=False):
        run_lifecycle()

    assert [email.subject for email in outbox] == ["Tips", "More tips"]
    assert Message.objects.get(subject="Sale").reason == "the contact declined offers"


def test_saying_no_is_logged_with_its_proof_and_a_link_cannot_say_yes_again(first_email, client):
    path = link(first_email, "preferences")
    client.post(path, {"frequency": "every", "topics": ALL_TOPICS}, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    contact = Contact.objects.get()
    assert contact.consent == Contact.Consent.WITHDRAWN
    event = contact.consent_events.get()
    assert (event.ip_address, event.user_agent) == ("203.0.113.7", BROWSER)
    assert event.wording == "Send me emails with news, recommendations and offers from Lifecycle Sandbox."

    page = client.post(path, {"marketing": "on", "frequency": "every", "topics": ALL_TOPICS}).content.decode()
    assert "log in to your account" in page
    contact.refresh_from_db()
    assert contact.consent == Contact.Consent.WITHDRAWN and contact.consent_events.count() == 1


def test_the_logged_in_account_page_may_say_yes_again(client):
    register(client, "back@example.com")
    contact = subscriber("back@example.com")
    form = {"frequency": "every", "topics": ALL_TOPICS}
    client.post(reverse("oscar_lifecycle:account"), form)
    client.post(reverse("oscar_lifecycle:account"), {**form, "marketing": "on"})
    contact.refresh_from_db()
    assert (contact.consent, contact.status) == (Contact.Consent.GRANTED, Contact.Status.ACTIVE)
    assert [event.source for event in contact.consent_events.all()] == ["account preferences"] * 2


@pytest.mark.parametrize("address", ["", "not-an-address"])
def test_an_account_without_an_address_we_can_write_to_is_asked_for_one(address, client):
    client.force_login(get_user_model().objects.create_user(username="nomail", email=address, password="pw"))

    response = client.get(reverse("oscar_lifecycle:account"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your account has no email address we can write to" in page
    assert f'href="{reverse("customer:profile-update")}"' in page
    assert not Contact.objects.exists()


def test_a_preferences_post_the_form_refuses_changes_nothing_not_even_engagement(first_email, client):
    path = link(first_email, "preferences")
    before = Contact.objects.values().get()

    response = client.post(path, {"frequency": "every other blue moon", "topics": ALL_TOPICS},
                           HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Contact.objects.values().get() == before, "last engagement included"
    assert not Contact.objects.get().consent_events.exists()

    client.post(path, {"marketing": "on", "frequency": "monthly", "topics": ALL_TOPICS}, HTTP_USER_AGENT=BROWSER)
    contact = Contact.objects.get()
    assert contact.frequency == Contact.Frequency.MONTHLY and contact.last_engagement_at is not None


def test_the_unsubscribe_link_offers_the_preferences_and_one_click_stops_everything_once(first_email, client):
    path = link(first_email, "unsubscribe")
    page = client.get(path).content.decode()
    assert "Unsubscribe from all" in page and 'name="frequency"' in page
    assert Contact.objects.get().status == Contact.Status.ACTIVE, "a GET (a link scanner) changes nothing"

    client.post(path, {"List-Unsubscribe": "One-Click"})
    client.post(path, {"List-Unsubscribe": "One-Click"})
    contact = Contact.objects.get()
    assert contact.status == Contact.Status.UNSUBSCRIBED
    assert contact.consent_events.count() == 1, "a second POST changes and logs nothing"


@pytest.mark.parametrize("token", ["garbage", "MQ:1xW8KK:forgedsignature"])
def test_a_forged_preferences_link_is_a_404(client, token):
    contact_for("victim@example.com")
    response = client.post(reverse("oscar_lifecycle:preferences", args=[token]), {"frequency": "paused"})
    assert response.status_code == 404
    assert Contact.objects.get().frequency == Contact.Frequency.EVERY


def test_the_contact_downloads_their_data_and_may_erase_it(first_email, client, outbox):
    page = link(first_email, "preferences")
    sent = client.post(f"{page}my-data/")
    assert "We have sent a link to reader@example.com" in sent.content.decode()
    run_lifecycle()
    [data_link_email] = [email for email in mail.outbox if "lifecycle-proof" in email.tags]
    my_data = re.search(r"https://shop\.test(/lifecycle/my-data/[^/\s]+/)", data_link_email.body).group(1)
    download = client.post(my_data, {"download": "yes"})
    assert download["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert download.json()["contact"]["email"] == "reader@example.com"
    assert "Tips" in str(download.json()["messages"])

    assert b"cannot be undone" in client.get(my_data).content
    client.post(my_data)  # the box not ticked: nothing happens
    assert Contact.objects.get().email == "reader@example.com"
    client.post(my_data, {"confirm": "yes"})

    contact = Contact.objects.get()
    assert contact.email != "reader@example.com" and contact.status == Contact.Status.UNSUBSCRIBED
    enroll("registration", subscriber("reader@example.com"))  # the address comes back
    run_lifecycle()
    assert len(outbox) == 1, "nothing more to that address"
