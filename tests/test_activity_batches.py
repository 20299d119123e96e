"""The runner works what shoppers did a batch at once, and the result is the one of working each
activity after the other: what one shopper did first counts first, whatever else the batch holds."""

import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.urls import reverse

from oscar_lifecycle import row_updates

from oscar_lifecycle.engine.activities import process_activities
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Activity, ConsentEvent, Contact, Conversion, Enrollment, Message
from tests.recorded_activities import SCENARIOS, create_programme
from tests.shop import checkout, create_journey, register, start_guest_checkout

pytestmark = pytest.mark.django_db
User = get_user_model()


def batch_size(settings, size):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "ACTIVITY_BATCH_SIZE": size}


def what_was_made(prefix):
    """Everything the runner made of the activities of shoppers whose addresses start with
    ``prefix``, without the prefix, comparable between two sets of shoppers."""
    def plain(text):
        return re.sub(rf"^{re.escape(prefix)}", "", text or "")

    contacts = Contact.objects.filter(email__startswith=prefix)
    return {
        "contacts": sorted(
            (plain(contact.email), plain(contact.user.username if contact.user else ""), contact.first_name,
             contact.last_name, contact.locale, contact.status, contact.consent, contact.consent_source,
             contact.last_order_at is not None, contact.declined_topics)
            for contact in contacts.select_related("user")
        ),
        "enrollments": sorted(
            (plain(enrollment.contact.email), enrollment.journey.name, enrollment.state, enrollment.reason,
             plain(enrollment.order.number if enrollment.order else ""))
            for enrollment in Enrollment.objects.filter(contact__in=contacts).select_related("contact", "journey",
                                                                                             "order")
        ),
        "consent events": sorted(
            (plain(event.contact.email), event.consent, event.status, event.source, event.ip_address or "")
            for event in ConsentEvent.objects.filter(contact__in=contacts).select_related("contact")
        ),
        "notices": sorted(plain(message.contact.email) for message in Message.objects.filter(
            contact__in=contacts, kind=Message.Kind.CONFIRMATION).select_related("contact")),
        "conversions": sorted((plain(conversion.contact.email), conversion.attributed_to) for conversion in
                              Conversion.objects.filter(contact__in=contacts).select_related("contact")),
        "activities": sorted((activity.kind, plain(activity.contact.email if activity.contact else ""))
                             for activity in Activity.objects.filter(contact__in=contacts).select_related("contact")),
    }


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_batch_makes_what_one_activity_after_the_other_makes(scenario, settings, catalogue):
    programme = create_programme(catalogue[0])
    batch_size(settings, 1)
    Activity.objects.bulk_create(SCENARIOS[scenario]("alone-", 20, programme))
    one_by_one = process_activities()
    batch_size(settings, 1000)
    Activity.objects.bulk_create(SCENARIOS[scenario]("together-", 20, programme))
    together = process_activities()

    assert together == one_by_one
    assert what_was_made("together-") == what_was_made("alone-")
    assert what_was_made("together-")["enrollments"] or scenario in ("checkout_started", "product_viewed")


def test_a_database_that_returns_no_ids_and_has_no_update_from_makes_the_same(monkeypatch, settings, catalogue):
    """SQLite before 3.35 returns no ids from a bulk INSERT, and before 3.33 has no UPDATE ... FROM
    (Django 5.2 runs on 3.31): the batch finds its new contacts' ids, and writes rows Django's way."""
    programme = create_programme(catalogue[0])
    batch_size(settings, 1)
    Activity.objects.bulk_create(SCENARIOS["all kinds, several per person"]("alone-", 20, programme))
    process_activities()
    Activity.objects.bulk_create(SCENARIOS["all kinds, several per person"]("together-", 20, programme))
    batch_size(settings, 1000)
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    monkeypatch.setattr(row_updates, "_joins_values", lambda: False)
    process_activities()

    assert what_was_made("together-") == what_was_made("alone-")


def test_a_registration_and_an_order_in_one_batch_the_order_ends_the_welcome(soft_opt_in_for_all, client,
                                                                                catalogue, outbox):
    create_journey("Welcome", goal="order_placed", steps=[{"delay_hours": 0, "subject": "Welcome"}])
    create_journey("Thanks", trigger="order_placed", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Thank you"}])
    register(client, "quick@example.com")
    checkout(client, catalogue[0])
    run_lifecycle()

    assert [email.subject for email in outbox] == ["Thank you"]
    assert Enrollment.objects.get(journey__name="Welcome").reason == "goal reached: order_placed"


def test_two_orders_in_one_batch_the_second_ends_the_first_ones_journey_and_starts_it_again(client, catalogue):
    create_journey("Thanks", trigger="order_placed", category="relational", goal="order_placed",
                   reentry="not_while_active", steps=[{"delay_days": 1}])
    register(client, "twice@example.com")
    checkout(client, catalogue[0])
    checkout(client, catalogue[1])
    run_lifecycle()

    assert list(Enrollment.objects.order_by("pk").values_list("state", "reason")) == [
        (Enrollment.State.EXITED, "goal reached: order_placed"), (Enrollment.State.ACTIVE, ""),
    ]


def test_a_guest_order_then_a_registration_with_the_same_address_in_one_batch(client, client_class, catalogue,
                                                                                outbox):
    create_journey("Welcome for prospects", audience="prospects", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Welcome, new friend"}])
    create_journey("Thanks", trigger="order_placed", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Thank you"}])
    checkout(client, catalogue[0], guest_email="Guest@Example.com")
    register(client_class(), "guest@example.com")
    run_lifecycle()

    contact = Contact.objects.get()
    assert (contact.email, contact.user.email, contact.first_name, contact.last_name) == (
        "guest@example.com", "guest@example.com", "Ada", "Lovelace")
    assert contact.last_order_at is not None
    assert [email.subject for email in outbox] == ["Thank you"], "a customer by then: no prospects' welcome"


def test_the_same_address_registered_twice_in_one_batch_makes_one_contact(outbox):
    create_journey("Your account", category="relational", steps=[{"delay_hours": 0, "subject": "Your account"}])
    first = User.objects.create_user("first", "same@example.com", "!")
    second = User.objects.create_user("second", "Same@Example.com", "!")
    Activity.objects.bulk_create([Activity(kind=Activity.Kind.REGISTERED, user=user, email=user.email)
                                  for user in (first, second)])
    run_lifecycle()

    assert Contact.objects.get().user == first
    assert [email.to for email in outbox] == [["same@example.com"]]


def test_an_invalid_address_in_a_batch_is_skipped_and_the_others_are_processed(caplog):
    create_journey("Your account", category="relational")
    users = [User.objects.create_user(name, email, "!") for name, email in
             [("good", "good@example.com"), ("bad", "not an address"), ("fine", "fine@example.com")]]
    Activity.objects.bulk_create([Activity(kind=Activity.Kind.REGISTERED, user=user, email=user.email)
                                  for user in users])
    with caplog.at_level(logging.WARNING, logger="oscar_lifecycle"):
        outcomes = process_activities()

    assert outcomes == {"enrolled": 2, "invalid address": 1}
    assert "'not an address' is not a valid email address" in caplog.text
    assert "one by one" not in caplog.text, "a bad address does not fail the batch"
    assert sorted(Contact.objects.values_list("email", flat=True)) == ["fine@example.com", "good@example.com"]


def test_a_box_ticked_at_the_gateway_then_at_registration_in_one_batch_sends_one_confirmation(client, client_class,
                                                                                              catalogue):
    client.post(reverse("basket:add", args=[catalogue[0].pk]), {"quantity": 1})
    start_guest_checkout(client, "keen@example.com", consent=True)
    register(client_class(), "keen@example.com", consent=True)
    run_lifecycle()

    assert [email.to for email in mail.outbox if "lifecycle-confirmation" in email.tags] == [["keen@example.com"]]
    assert list(ConsentEvent.objects.values_list("source", flat=True)) == ["checkout form"]


def test_an_address_changed_between_two_activities_of_one_batch_is_followed(soft_opt_in_for_all, client, catalogue,
                                                                            outbox):
    create_journey("Welcome", goal="order_placed", steps=[{"delay_days": 1}])
    create_journey("Thanks", trigger="order_placed", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Thank you"}])
    register(client, "old@example.com")
    client.post(reverse("customer:profile-update"), {"email": "new@example.com", "first_name": "Ada",
                                                     "last_name": "Lovelace"})
    checkout(client, catalogue[0])
    run_lifecycle()

    assert Contact.objects.get().email == "new@example.com"
    assert [(email.to, email.subject) for email in outbox] == [(["new@example.com"], "Thank you")]
    assert Enrollment.objects.get(journey__name="Welcome").reason == "goal reached: order_placed"
