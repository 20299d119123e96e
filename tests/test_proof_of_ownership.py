"""Nothing held about an address is shown to, or changed by, someone who has not proven they own
it. Oscar does not verify addresses: registering with a guest customer's address shows none of
the guest's data until a link sent to the address is followed. A forwarded email's preferences
link still unsubscribes in one click, but the data (download, erasure) needs a fresh link sent to
the address. After an erasure, old links record nothing personal."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, MessageEvent, SurveyResponse
from oscar_lifecycle.privacy import erase_contact
from tests.shop import create_journey, register, subscriber
from tests.test_satisfaction_survey import a_day_later, delivered_order, path_of, rating_links  # noqa: F401
from tests.test_satisfaction_survey import survey_journey  # noqa: F401

pytestmark = pytest.mark.django_db
ACCOUNT = "/lifecycle/account/"
GUEST = "guest@example.com"


def proof_emails():
    return [email for email in mail.outbox if "lifecycle-proof" in getattr(email, "tags", [])]


def link_in(email, path):
    return re.search(rf"https://shop\.test({path}[^/\s]+/)", email.body).group(1)


@pytest.fixture
def guest():
    """A guest customer the shop knows: a birth date, a declined topic, weekly mail."""
    contact = contact_for(GUEST)
    contact.birth_date = timezone.localdate().replace(year=1985, month=3, day=14)
    contact.declined_topics = ["offers"]
    contact.frequency = Contact.Frequency.WEEKLY
    contact.save()
    with time_machine.travel(timedelta(minutes=5)):
        yield contact


def test_registering_with_a_guests_address_shows_and_changes_nothing_of_the_guest(guest, client):
    register(client, GUEST)

    page = client.get(ACCOUNT).content.decode()
    client.post(ACCOUNT, {"birth_date": "", "marketing": "", "frequency": "every", "topics": ["offers"]})

    assert "1985" not in page and "weekly" not in page.lower() and 'name="topics"' not in page
    assert "confirm that it is yours" in page
    guest.refresh_from_db()
    assert (guest.birth_date.year, guest.declined_topics, guest.frequency, guest.status) == (
        1985, ["offers"], Contact.Frequency.WEEKLY, Contact.Status.ACTIVE)


def test_the_owner_confirms_the_address_from_the_link_sent_to_it_then_manages_it(guest, client):
    register(client, GUEST)

    client.post(ACCOUNT, {"send_link": "yes"})
    client.post(ACCOUNT, {"send_link": "yes"})  # a second press within minutes sends nothing more
    run_lifecycle()
    [proof] = proof_emails()
    assert proof.to == [GUEST]
    confirm = link_in(proof, "/lifecycle/account/confirm/")
    assert "Confirm my address" in client.get(confirm).content.decode()
    assert Contact.objects.get(email=GUEST).address_confirmed_at is None, "a GET (a mail scanner) proves nothing"
    client.post(confirm)

    page = client.get(ACCOUNT).content.decode()
    assert "1985-03-14" in page
    client.post(ACCOUNT, {"birth_date": "1985-03-14", "marketing": "on", "frequency": "every",
                          "topics": ["recommendations", "offers", "news"]})
    assert Contact.objects.get(email=GUEST).frequency == Contact.Frequency.EVERY


def test_a_link_for_another_account_or_an_old_address_confirms_nothing(guest, client, client_class):
    register(client, GUEST)
    client.post(ACCOUNT, {"send_link": "yes"})
    run_lifecycle()
    confirm = link_in(proof_emails()[0], "/lifecycle/account/confirm/")
    stranger = client_class()
    register(stranger, "stranger@example.com")

    assert stranger.post(confirm).status_code == 404
    with time_machine.travel(timedelta(days=2)):
        assert client.post(confirm).status_code == 404, "expired"
    assert client.post(confirm.replace("/confirm/", "/confirm/x")).status_code == 404
    assert Contact.objects.get(email=GUEST).address_confirmed_at is None


def test_a_new_customer_manages_their_own_address_at_once(client):
    register(client, "fresh@example.com")

    page = client.get(ACCOUNT).content.decode()

    assert 'name="topics"' in page and "confirm that it is yours" not in page


@pytest.fixture
def forwarded_preferences_link(client, outbox):
    """The preferences link of an email the reader got (and may have forwarded)."""
    create_journey(steps=[{"delay_hours": 0, "subject": "Tips"}])
    enroll("registration", subscriber("reader@example.com"))
    run_lifecycle()
    return re.search(r'href="https://shop\.test(/lifecycle/preferences/[^"]+)"', outbox[0].alternatives[0][0]).group(1)


def test_a_forwarded_preferences_link_gives_no_data_only_a_link_sent_to_the_address(
        forwarded_preferences_link, client):
    response = client.post(f"{forwarded_preferences_link}my-data/")

    assert response.status_code == 200 and response.get("Content-Disposition") is None
    assert "We have sent a link to reader@example.com" in response.content.decode()
    assert client.get(f"{forwarded_preferences_link}forget-me/").status_code == 404
    run_lifecycle()
    [data_link] = proof_emails()
    assert data_link.to == ["reader@example.com"]
    my_data = link_in(data_link, "/lifecycle/my-data/")
    assert client.post(my_data, {"download": "yes"}).json()["contact"]["email"] == "reader@example.com"
    with time_machine.travel(timedelta(hours=25)):
        assert client.post(my_data, {"download": "yes"}).status_code == 404
        assert client.post(my_data, {"confirm": "yes"}).status_code == 404
    assert Contact.objects.get(email="reader@example.com")


def test_the_preferences_link_still_unsubscribes_in_one_click(forwarded_preferences_link, client):
    client.post(forwarded_preferences_link, {"frequency": "every", "topics": ["news"]})

    assert Contact.objects.get(email="reader@example.com").declined_topics == ["recommendations", "offers"]


def test_after_an_erasure_old_links_record_nothing_personal(client, outbox, catalogue):
    create_journey(steps=[{"delay_hours": 0, "subject": "Tips"}])
    enroll("registration", subscriber("reader@example.com"))
    run_lifecycle()
    html = outbox[0].alternatives[0][0]
    click = re.search(r'href="https://shop\.test(/lifecycle/c/[^"]+)"', html).group(1)
    pixel = re.search(r'src="https://shop\.test(/lifecycle/o/[^"]+)"', html).group(1)
    erase_contact(Contact.objects.get(), source="the contact asked")

    with time_machine.travel(timedelta(minutes=5)):
        assert client.get(click, HTTP_USER_AGENT="Mozilla/5.0 (Secret Browser 1.0)").status_code == 302
        assert client.get(pixel, HTTP_USER_AGENT="Mozilla/5.0 (Secret Browser 1.0)").status_code == 200

    events = list(MessageEvent.objects.values_list("kind", "url", "user_agent"))
    assert sorted(kind for kind, _, _ in events) == ["clicked", "opened"]
    assert all(url == "" and user_agent == "" for _, url, user_agent in events)


def test_an_erased_contacts_old_rating_link_keeps_no_comment(delivered_order, outbox, client_class):
    a_day_later()
    link = path_of(rating_links(outbox[0])[1])
    erase_contact(Contact.objects.get(email="rater@example.com"), source="the contact asked")

    client_class().post(link, {"comment": "Call me on 06 12 34 56 78, I am Jeanne Martin."})

    assert list(SurveyResponse.objects.values_list("rating", "comment")) == [(2, "")]
