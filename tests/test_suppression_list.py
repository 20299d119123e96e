"""A no outlives the contact row: deleting or erasing a contact, or the person coming back under
a new row, never brings marketing back to an address that unsubscribed, bounced or complained,
nor mail of a topic it declined."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from oscar_lifecycle.contacts import contact_for, say_no, unsubscribe
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Message, Suppression
from oscar_lifecycle.privacy import erase_contact
from tests.shop import PASSWORD, checkout, create_journey, register, register_subscriber, subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client_class):
    owner = client_class()
    owner.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    return owner


def subjects(outbox):
    return [email.subject for email in outbox]


def test_an_opt_out_survives_the_contact_being_deleted_in_the_admin(owner, client, outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0}])
    unsubscribe(contact_for("gone@example.com"), source="unsubscribe link")
    contact = Contact.objects.get()
    response = owner.post(reverse("oscar_lifecycle_contacts:delete", args=[contact.pk]))
    assert response.status_code == 302 and not Contact.objects.exists()
    assert Suppression.objects.count() == 1
    assert "gone@example.com" not in str(Suppression.objects.values_list()), "kept by a hash, not the address"

    register(client, "Gone@Example.com")
    run_lifecycle()

    assert outbox == []
    assert Contact.objects.get().status == Contact.Status.UNSUBSCRIBED


def test_an_erased_customer_who_orders_again_gets_no_marketing(client, catalogue, outbox):
    create_journey("Thanks", trigger="order_placed", steps=[{"delay_hours": 0, "subject": "Hi again"}])
    register(client, "ada@example.com")
    run_lifecycle()
    erase_contact(Contact.objects.get(email="ada@example.com"), source="customer's request")

    checkout(client, catalogue[0])
    run_lifecycle()

    assert [email.subject for email in outbox] == []
    assert Contact.objects.get(email="ada@example.com").status == Contact.Status.UNSUBSCRIBED


def test_no_send_goes_to_a_suppressed_address_whatever_row_it_is_on(outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0}])
    contact = subscriber("bounced@example.com")
    enroll("registration", contact)
    say_no(contact, Contact.Status.BOUNCED, source="ESP: bounced")
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.ACTIVE)  # a row put back by hand

    run_lifecycle()

    assert outbox == []
    assert Message.objects.get().reason == "the address is on the suppression list"


def test_the_list_only_gets_stronger():
    contact = contact_for("strong@example.com")
    say_no(contact, Contact.Status.COMPLAINED, source="ESP: complained")
    unsubscribe(contact, source="unsubscribe link")
    assert Suppression.objects.get().status == Contact.Status.COMPLAINED


def test_deleting_an_account_erases_the_contact_and_stops_every_send(client, outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0}, {"delay_days": 1, "subject": "Day two"}])
    register_subscriber(client, "leaving@example.com")
    run_lifecycle()
    assert len(outbox) == 1

    response = client.post(reverse("customer:profile-delete"), {"password": PASSWORD})
    assert response.status_code == 302
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        run_lifecycle()

    assert len(outbox) == 1, "nothing after the account is gone"
    contact = Contact.objects.get()
    assert contact.email != "leaving@example.com" and contact.status == Contact.Status.UNSUBSCRIBED
    register(client, "leaving@example.com", consent=True)  # the same address comes back
    run_lifecycle()
    assert len(outbox) == 1


def preferences_link(email):
    return re.search(r'href="https://shop\.test(/lifecycle/preferences/[^"]+)"', email.alternatives[0][0]).group(1)


@pytest.fixture
def declined_offers(client, outbox):
    """A contact who got an email and unticked "offers" on the preferences page it links to."""
    create_journey("Tips", trigger="birthday", topic="news", steps=[{"delay_hours": 0, "subject": "Tips"}])
    enroll("birthday", subscriber("picky@example.com"))
    run_lifecycle()
    client.post(preferences_link(outbox[0]),
                {"marketing": "on", "frequency": "every", "topics": ["recommendations", "news"]})
    assert Contact.objects.get().declined_topics == ["offers"]
    return Contact.objects.get()


def journeys_of_each_topic(trigger):
    for topic in ("offers", "news"):
        create_journey(topic.capitalize(), trigger=trigger, topic=topic,
                       steps=[{"delay_hours": 0, "subject": topic.capitalize()}])


@pytest.mark.parametrize("comes_back", ["registers", "orders as a guest"])
def test_a_declined_topic_survives_the_contact_being_deleted_in_the_admin(comes_back, declined_offers, owner,
                                                                           client_class, catalogue, outbox):
    owner.post(reverse("oscar_lifecycle_contacts:delete", args=[declined_offers.pk]))
    assert not Contact.objects.exists()

    shopper = client_class()
    if comes_back == "registers":
        journeys_of_each_topic("registration")
        register_subscriber(shopper, "picky@example.com")
    else:
        journeys_of_each_topic("order_placed")
        checkout(shopper, catalogue[0], guest_email="picky@example.com")
    run_lifecycle()

    assert subjects(outbox) == ["Tips", "News"]
    contact = Contact.objects.get()
    assert (contact.status, contact.declined_topics) == (Contact.Status.ACTIVE, ["offers"])


def test_a_declined_topic_survives_erasure_and_saying_yes_again(declined_offers, client_class, catalogue, outbox):
    client = client_class()
    erase_contact(Contact.objects.get(email="picky@example.com"), source="the contact asked")
    register(client, "picky@example.com")
    account = client.get(reverse("oscar_lifecycle:account")).content.decode()
    assert "checked" not in re.search(r'<input[^>]*value="offers"[^>]*>', account).group(0)
    assert "checked" in re.search(r'<input[^>]*value="news"[^>]*>', account).group(0)

    client.post(reverse("oscar_lifecycle:account"),
                {"marketing": "on", "frequency": "every", "topics": ["recommendations", "news"]})
    journeys_of_each_topic("order_placed")
    checkout(client, catalogue[0])
    run_lifecycle()

    assert subjects(outbox) == ["Tips", "News"]
    assert Contact.objects.get(email="picky@example.com").status == Contact.Status.ACTIVE
