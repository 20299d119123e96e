"""A runner that stalls longer than its claim's lease (an ESP call that takes minutes, one send at a
time; a paused process) loses its rows to another runner, and then sends nothing for them: no
step goes twice, and what the stalled runner did send is recorded, its journey going on."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Enrollment, Message
from tests.backends import SlowEspBackend
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def stalling_esp(settings):
    """The first email takes 90 s (the lease is 60 s, one send at a time); while it is in
    flight, another runner does a whole pass."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CLAIM_LEASE": timedelta(seconds=60),
                                "SEND_CONCURRENCY": 1, "PRESSURE_CAP": None}
    settings.EMAIL_BACKEND = "tests.backends.SlowEspBackend"
    other_runner = []

    def the_other_runner_passes():
        SlowEspBackend.seconds, SlowEspBackend.meanwhile = 0, lambda: None
        other_runner.append(dispatch_due())

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        SlowEspBackend.traveller, SlowEspBackend.seconds = traveller, 90
        SlowEspBackend.meanwhile = the_other_runner_passes
        yield other_runner
    SlowEspBackend.traveller, SlowEspBackend.meanwhile = None, None


def test_a_failed_step_retried_by_another_runner_is_not_sent_again_by_the_stalled_one(stalling_esp, outbox):
    journey = create_journey(steps=[{"delay_hours": 0, "subject": "Welcome"}, {"delay_days": 1, "subject": "Next"}])
    now = timezone.now()
    [first] = enroll("registration", subscriber("first@example.com"), now=now - timedelta(minutes=10))
    [retried] = enroll("registration", subscriber("retried@example.com"), now=now - timedelta(minutes=5))
    Message.objects.create(enrollment=retried, step=retried.next_step, journey=journey, contact=retried.contact,
                           category=journey.category, status=Message.Status.FAILED, attempts=1,
                           to_email=retried.contact.email, subject="Welcome", reason="ESP unavailable (503)")

    dispatch_due()

    assert sorted(email.to[0] for email in outbox) == ["first@example.com", "retried@example.com"]
    assert stalling_esp and stalling_esp[0].sent == 1


def test_an_email_answered_after_the_lease_is_recorded_and_its_journey_goes_on(stalling_esp, outbox):
    create_journey(steps=[{"delay_hours": 0, "subject": "Welcome"}, {"delay_days": 1, "subject": "Next"}])
    enroll("registration", subscriber("slow@example.com"))

    dispatch_due()

    assert [email.subject for email in outbox] == ["Welcome"]
    assert stalling_esp[0].outcomes == {"held": 1}, "the other runner found it in flight"
    message = Message.objects.get()
    assert message.status == Message.Status.SENT and message.esp_message_id != ""
    enrollment = Enrollment.objects.get()
    assert (enrollment.state, enrollment.next_step.subject) == (Enrollment.State.ACTIVE, "Next")
