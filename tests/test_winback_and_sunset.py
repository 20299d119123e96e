"""Win-back of quiet customers, their choice of how often to hear from the shop, and the sunset
that stops marketing to addresses that never answer (relational mail still goes)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.frequency import choose_frequency
from oscar_lifecycle.models import Contact, Enrollment
from tests.shop import checkout, create_journey, register, subscriber

pytestmark = pytest.mark.django_db

WINBACK_STEPS = [
    {"delay_hours": 0, "subject": "We miss you"},
    {"delay_days": 7, "subject": "How often should we write?",
     "body": [("button", {"text": "Choose", "url": "{{ frequency_url }}"})]},
    {"delay_days": 7, "subject": "A last word from us"},
]


@pytest.fixture
def winback_journey():
    return create_journey("Win-back", trigger="winback", goal="order_placed", reentry="always",
                          steps=[dict(step) for step in WINBACK_STEPS])


@pytest.fixture
def customer(client, catalogue):
    register(client, "quiet@example.com")
    checkout(client, catalogue[0])
    run_lifecycle()
    return Contact.objects.get(email="quiet@example.com")


def run_on(day, start):
    moment = start + timedelta(days=day, minutes=1)
    with time_machine.travel(moment, tick=False):
        return run_lifecycle(moment)


def subjects(outbox):
    return [email.subject for email in outbox]


def test_a_quiet_customer_gets_the_series_then_is_sunset(winback_journey, customer, outbox):
    start = timezone.now()
    run_on(89, start)
    assert subjects(outbox) == [], "not before 90 days without an order"
    for day in (90, 91, 97, 104, 110):
        run_on(day, start)
    assert subjects(outbox) == ["We miss you", "How often should we write?", "A last word from us"]

    run_on(130, start)
    customer.refresh_from_db()
    assert customer.status == Contact.Status.ACTIVE, "30 days after the last email, not before"
    run_on(135, start)
    customer.refresh_from_db()
    assert customer.status == Contact.Status.SUNSET
    assert customer.consent_events.last().source == "sunset: no answer to the win-back series"


def test_a_sunset_contact_gets_relational_mail_but_no_marketing(customer, outbox):
    Contact.objects.filter(pk=customer.pk).update(status=Contact.Status.SUNSET)
    create_journey("Offers", trigger="registration", steps=[{"delay_hours": 0, "subject": "An offer"}])
    create_journey("Account", trigger="registration", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Your account"}])
    contact = Contact.objects.get(pk=customer.pk)
    enroll("registration", contact)
    run_lifecycle()
    assert subjects(outbox) == ["Your account"]


def test_answering_the_frequency_question_keeps_the_contact(winback_journey, customer, outbox, client_class):
    start = timezone.now()
    for day in (90, 97):
        run_on(day, start)
    link = re.search(r'href="https://shop\.test(/lifecycle/preferences/[^"]+)"', outbox[1].alternatives[0][0]).group(1)
    with time_machine.travel(start + timedelta(days=98), tick=False):
        page = client_class().post(link, {"marketing": "on", "frequency": "monthly",
                                          "topics": ["recommendations", "offers", "news"]})
    assert page.status_code == 200 and b"Saved" in page.content
    for day in (104, 140, 200):
        run_on(day, start)

    customer.refresh_from_db()
    assert customer.status == Contact.Status.ACTIVE
    assert customer.frequency == Contact.Frequency.MONTHLY
    assert Enrollment.objects.filter(journey=winback_journey).count() == 1, "engaged: no new series"


def test_an_order_ends_the_series_and_lifts_a_sunset(winback_journey, customer, outbox, client, catalogue):
    start = timezone.now()
    run_on(90, start)
    with time_machine.travel(start + timedelta(days=92), tick=False):
        client.force_login(customer.user)  # three months on, the old session has expired
        checkout(client, catalogue[1])
    for day in (97, 104, 140):
        run_on(day, start)
    assert subjects(outbox) == ["We miss you"]
    customer.refresh_from_db()
    assert customer.status == Contact.Status.ACTIVE

    Contact.objects.filter(pk=customer.pk).update(status=Contact.Status.SUNSET)
    checkout(client, catalogue[2])
    run_lifecycle()
    customer.refresh_from_db()
    assert customer.status == Contact.Status.ACTIVE
    assert customer.consent_events.last().source == "an order ended the sunset"


def test_a_prospect_silent_for_six_months_is_sunset():
    contact = contact_for("lurker@example.com")
    start = contact.created_at
    run_on(179, start)
    contact.refresh_from_db()
    assert contact.status == Contact.Status.ACTIVE
    run_on(181, start)
    contact.refresh_from_db()
    assert contact.status == Contact.Status.SUNSET


@pytest.mark.parametrize("frequency, days_apart", [("weekly", 7), ("monthly", 30), ("paused", 91)])
def test_the_dispatcher_honours_how_often_the_contact_wants_mail(frequency, days_apart, outbox, client_class):
    contact = subscriber("picky@example.com")
    create_journey("Series", trigger="registration",
                   steps=[{"delay_hours": 0, "subject": "One"}, {"delay_days": 1, "subject": "Two"}])
    enroll("registration", contact)
    if frequency == "paused":
        choose_frequency(contact, frequency)
    else:
        Contact.objects.filter(pk=contact.pk).update(frequency=frequency)
    start = timezone.now()
    run_on(0, start)
    expected_first = [] if frequency == "paused" else ["One"]
    assert subjects(outbox) == expected_first
    run_on(days_apart - 2, start)
    assert subjects(outbox) == expected_first
    run_on(days_apart + 1, start)
    assert subjects(outbox)[:2] == (["One"] if frequency == "paused" else ["One", "Two"])


def test_the_scan_enrolls_each_quiet_customer_once(winback_journey, customer):
    start = timezone.now()
    for day in (90, 90.1, 91, 92):
        run_on(day, start)
    assert Enrollment.objects.filter(journey=winback_journey).count() == 1
