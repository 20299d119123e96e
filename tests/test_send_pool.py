"""A runner keeps up to SEND_CONCURRENCY emails in flight to the ESP at once, never more, and
each email still goes once, recorded with the ESP's answer."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Message
from tests.backends import CrowdedEspBackend
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded_esp(settings):
    settings.EMAIL_BACKEND = "tests.backends.CrowdedEspBackend"
    CrowdedEspBackend.in_flight = CrowdedEspBackend.most_in_flight = 0
    CrowdedEspBackend.down = False
    yield CrowdedEspBackend
    CrowdedEspBackend.down = False


def test_sends_overlap_up_to_the_setting_and_never_beyond(settings, crowded_esp, outbox):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SEND_CONCURRENCY": 4, "PRESSURE_CAP": None}
    crowded_esp.barrier = threading.Barrier(4, timeout=10)  # answers four sends at a time, together
    create_journey(steps=[{"delay_hours": 0}])
    for number in range(12):
        enroll("registration", subscriber(f"crowd{number}@example.com"))

    report = dispatch_due()

    assert report.sent == 12 and len(outbox) == 12
    assert crowded_esp.most_in_flight == 4
    assert sorted(email.to[0] for email in outbox) == sorted(f"crowd{number}@example.com" for number in range(12))
    sent = Message.objects.filter(status=Message.Status.SENT)
    assert sent.count() == 12 and sent.exclude(esp_message_id="").count() == 12


def test_with_a_concurrency_of_one_the_esp_sees_one_email_at_a_time(settings, crowded_esp, outbox):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SEND_CONCURRENCY": 1, "PRESSURE_CAP": None}
    crowded_esp.barrier = threading.Barrier(1)
    create_journey(steps=[{"delay_hours": 0}])
    for number in range(3):
        enroll("registration", subscriber(f"one{number}@example.com"))

    assert dispatch_due().sent == 3
    assert crowded_esp.most_in_flight == 1


def test_an_outage_costs_the_emails_in_flight_then_one_try_a_pass(settings, crowded_esp, outbox):
    """Four sends fail together: the fifth email is not even prepared until their answers are in.
    While the ESP stays down, the next pass tries one email alone (a second one in flight would
    meet it at the barrier) and pauses the rest; once the ESP is back, all go out once."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SEND_CONCURRENCY": 4, "PRESSURE_CAP": None,
                                "RETRY_DELAY": timedelta(minutes=5)}
    create_journey(steps=[{"delay_hours": 0, "subject": "First"}])
    for number in range(20):
        enroll("registration", subscriber(f"down{number}@example.com"))
    crowded_esp.down = True
    crowded_esp.barrier = threading.Barrier(4, timeout=2)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        assert dispatch_due().outcomes == {"waiting for the ESP": 4, "paused": 16}
    assert crowded_esp.most_in_flight == 4
    crowded_esp.most_in_flight = 0
    crowded_esp.barrier = threading.Barrier(2, timeout=0.5)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        assert dispatch_due().outcomes == {"waiting for the ESP": 1, "paused": 19}
    assert crowded_esp.most_in_flight == 1
    crowded_esp.down = False
    crowded_esp.barrier = threading.Barrier(1)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert dispatch_due().outcomes == {"sent": 20}

    assert sorted(email.to[0] for email in outbox) == sorted(f"down{number}@example.com" for number in range(20))
