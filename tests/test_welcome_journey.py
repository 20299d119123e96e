"""A shopper who registers through Oscar ticking the consent box, and confirms it, gets the welcome
journey's email, once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from oscar_lifecycle.contacts import record_change
from oscar_lifecycle.engine.activities import process_activities
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Enrollment, Message
from tests.shop import create_journey, register, register_subscriber

pytestmark = pytest.mark.django_db


def test_registration_sends_one_welcome_email_after_the_delay(client, outbox):
    create_journey(steps=[{"delay_hours": 1, "subject": "Welcome to {{ shop_name }}!"}])
    register_subscriber(client, "Ada@Example.com")
    run_lifecycle()

    assert run_lifecycle().sent == 0, "nothing is due before the step's delay"
    assert outbox == []

    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1), tick=False):
        report = run_lifecycle()
        assert run_lifecycle().sent == 0, "a second pass sends nothing more"

    assert report.sent == 1
    assert len(outbox) == 1
    email = outbox[0]
    assert email.to == ["ada@example.com"]
    assert email.subject == "Welcome to Lifecycle Sandbox!"
    html = email.alternatives[0][0]
    assert "Hello there" in html and "Welcome to Lifecycle Sandbox." in html
    assert "Hello there" in email.body
    message = Message.objects.get(kind=Message.Kind.STEP)
    assert message.status == Message.Status.SENT
    assert message.esp_message_id == str(email.anymail_status.message_id)
    assert Enrollment.objects.get().state == Enrollment.State.COMPLETED


def test_steps_follow_each_other_by_their_delays(client, outbox):
    create_journey(steps=[
        {"delay_hours": 0, "subject": "First"},
        {"delay_days": 2, "subject": "Second"},
    ])
    register_subscriber(client, "grace@example.com")
    run_lifecycle()
    start = timezone.now()

    run_lifecycle()
    with time_machine.travel(start + timedelta(days=1), tick=False):
        run_lifecycle()
    assert [email.subject for email in outbox] == ["First"]
    with time_machine.travel(start + timedelta(days=2, minutes=1), tick=False):
        run_lifecycle()
    assert [email.subject for email in outbox] == ["First", "Second"]


def test_withdrawn_consent_means_no_email_and_a_recorded_reason(client, outbox):
    create_journey(steps=[{"delay_hours": 1}])
    register_subscriber(client, "linus@example.com")
    run_lifecycle()
    contact = Contact.objects.get(email="linus@example.com")
    record_change(contact, source="customer preferences", consent=Contact.Consent.WITHDRAWN)

    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        report = run_lifecycle()

    assert outbox == []
    assert report.outcomes["suppressed"] == 1
    message = Message.objects.get(kind=Message.Kind.STEP)
    assert message.status == Message.Status.SUPPRESSED
    assert message.reason == "marketing consent withdrawn"
    enrollment = Enrollment.objects.get()
    assert enrollment.state == Enrollment.State.EXITED
    assert enrollment.reason == "marketing consent withdrawn"
    assert contact.consent_events.last().source == "customer preferences"


def test_relational_journey_ignores_withdrawn_marketing_consent_but_not_unsubscribe(client, outbox):
    create_journey(category="relational", steps=[{"delay_hours": 0}])
    register(client, "rel@example.com")
    register(client.__class__(), "gone@example.com")
    process_activities()  # both enter the journey before they change their minds
    record_change(Contact.objects.get(email="rel@example.com"), source="test",
                  consent=Contact.Consent.WITHDRAWN)
    record_change(Contact.objects.get(email="gone@example.com"), source="test",
                  consent=Contact.Consent.WITHDRAWN, status=Contact.Status.UNSUBSCRIBED)

    run_lifecycle()

    assert [email.to for email in outbox] == [["rel@example.com"]]
    assert Message.objects.get(contact__email="gone@example.com").reason == "contact is unsubscribed"


def test_unpublished_draft_changes_do_not_reach_shoppers(client, outbox):
    journey = create_journey(steps=[{"delay_hours": 0, "subject": "Published subject"}])
    step = journey.steps.get()
    step.subject = "Draft subject"
    journey.save_revision()

    register_subscriber(client, "draft@example.com")
    run_lifecycle()

    assert [email.subject for email in outbox] == ["Published subject"]
