"""Commercial pressure: a contact at the cap has marketing steps deferred, never dropped."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Enrollment, Message
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def capped(settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "PRESSURE_CAP": 2,
                                "PRESSURE_WINDOW": timedelta(days=7)}


def past_marketing_email(contact, sent_at):
    return Message.objects.create(
        contact=contact, category="marketing", status=Message.Status.SENT, to_email=contact.email,
        subject="Earlier newsletter", sent_at=sent_at,
    )


def test_a_contact_at_the_cap_is_deferred_then_sent_when_the_window_allows(capped, outbox):
    create_journey("Promo", trigger="registration", steps=[{"delay_hours": 0, "subject": "Promo"}])
    contact = subscriber("busy@example.com")
    now = timezone.now()
    oldest = now - timedelta(days=6)
    past_marketing_email(contact, oldest)
    past_marketing_email(contact, now - timedelta(days=1))
    enroll("registration", contact)

    report = dispatch_due()

    assert outbox == []
    assert report.outcomes["deferred"] == 1
    enrollment = Enrollment.objects.get()
    assert enrollment.state == Enrollment.State.ACTIVE
    assert enrollment.next_run_at == oldest + timedelta(days=7)
    assert "pressure cap" in enrollment.reason

    with time_machine.travel(oldest + timedelta(days=7, seconds=1), tick=False):
        dispatch_due()
    assert [email.subject for email in outbox] == ["Promo"]
    assert Enrollment.objects.get().state == Enrollment.State.COMPLETED


def test_the_cap_counts_emails_sent_earlier_in_the_same_pass(capped, outbox):
    for name in ("First", "Second", "Third"):
        create_journey(name, trigger="registration", steps=[{"delay_hours": 0, "subject": name}])
    enroll("registration", subscriber("one@example.com"))

    report = dispatch_due()

    assert len(outbox) == 2
    assert report.outcomes == {"sent": 2, "deferred": 1}


def test_relational_mail_is_exempt_from_the_cap(capped, outbox):
    create_journey("Order news", trigger="registration", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Your account"}])
    contact = contact_for("loyal@example.com")
    for days in (1, 2, 3):
        past_marketing_email(contact, timezone.now() - timedelta(days=days))
    enroll("registration", contact)

    dispatch_due()

    assert [email.subject for email in outbox] == ["Your account"]


def test_deleting_a_journey_keeps_its_sent_mail_counting_towards_the_cap(capped, outbox):
    first = create_journey("Deleted later", steps=[{"delay_hours": 0}])
    create_journey("Second", steps=[{"delay_hours": 0}])
    enroll("registration", subscriber("counted@example.com"))
    dispatch_due()
    assert len(outbox) == 2
    first.delete()

    create_journey("Third", trigger="order_placed", steps=[{"delay_hours": 0}])
    enroll("order_placed", subscriber("counted@example.com"))
    report = dispatch_due()

    assert report.outcomes == {"deferred": 1}
    assert Message.objects.filter(status=Message.Status.SENT).count() == 2
