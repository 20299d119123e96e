"""An email is sent again only when the ESP certainly never took it. Through anymail's real
Postmark backend (requests, HTTP, its timeouts) and a stand-in of Postmark's API on 127.0.0.1:
a refusal (503) or a refused connection delays the email and sends it once; an answer lost after
the request left (a read timeout, a connection dropped before the answer) holds it, and no later
pass sends it again. The double opt-in confirmation goes by the same rules: a registration
processed while the ESP is down is kept, and its confirmation follows when the ESP is back."""

import socket
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Enrollment, Message
from tests.esp_standin import Mode, PostmarkStandIn
from tests.shop import create_journey, subscriber
from tests.test_double_opt_in import register

pytestmark = pytest.mark.django_db
CONFIRMATION = "Please confirm your subscription to Lifecycle Sandbox"


def use_postmark_at(settings, url):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_SERVER_TOKEN": "server-token", "POSTMARK_API_URL": url,
                        "REQUESTS_TIMEOUT": 0.5}


@pytest.fixture
def postmark(settings):
    with PostmarkStandIn() as standin:
        use_postmark_at(settings, standin.url)
        yield standin


def a_closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_passes_until(hours, start):
    """The runner, every 10 minutes for ``hours``: far past every retry delay and lease."""
    for minutes in range(10, hours * 60 + 1, 10):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            run_lifecycle()


@pytest.fixture
def welcome():
    create_journey(steps=[{"delay_hours": 0, "subject": "Welcome"}, {"delay_days": 1, "subject": "Second"}])
    enroll("registration", subscriber("reader@example.com"))


@pytest.mark.parametrize("lost", [Mode.KEEP_AND_HANG, Mode.KEEP_AND_DROP])
def test_an_email_whose_answer_was_lost_is_held_and_never_sent_twice(postmark, welcome, lost):
    postmark.mode = lost
    start = timezone.now()

    assert dispatch_due().outcomes == {"held": 1}
    postmark.mode = Mode.ACCEPT
    run_passes_until(3, start)

    assert postmark.recipients() == ["reader@example.com"]
    message = Message.objects.get()
    assert message.status == Message.Status.HELD
    assert "may have been sent" in message.reason
    assert Enrollment.objects.get().state == Enrollment.State.HELD


def test_a_refusal_delays_the_email_and_sends_it_once(postmark, welcome):
    postmark.mode = Mode.REFUSE
    start = timezone.now()

    assert dispatch_due().outcomes == {"waiting for the ESP": 1}
    assert postmark.recipients() == []
    postmark.mode = Mode.ACCEPT
    run_passes_until(1, start)

    assert postmark.recipients() == ["reader@example.com"]
    assert Message.objects.get().status == Message.Status.SENT


def test_a_refused_connection_delays_the_email_and_sends_it_once(settings, welcome):
    use_postmark_at(settings, f"http://127.0.0.1:{a_closed_port()}/")
    start = timezone.now()

    assert dispatch_due().outcomes == {"waiting for the ESP": 1}
    with PostmarkStandIn() as postmark:
        use_postmark_at(settings, postmark.url)
        run_passes_until(1, start)

    assert postmark.recipients() == ["reader@example.com"]


def test_an_unknown_outcome_pauses_the_rest_of_the_batch_untouched(postmark):
    create_journey(steps=[{"delay_hours": 0, "subject": "Welcome"}])
    for number in range(3):
        enroll("registration", subscriber(f"reader{number}@example.com"))
    postmark.mode = Mode.KEEP_AND_DROP
    settings_concurrency_one = {"held": 1, "paused": 2}

    outcomes = dispatch_due().outcomes

    assert outcomes == settings_concurrency_one or (outcomes["held"] >= 1 and sum(outcomes.values()) == 3)
    assert len(postmark.accepted) == outcomes["held"]


def test_a_registration_processed_while_the_esp_is_down_gets_its_confirmation_later(postmark, client):
    create_journey("Account", category="relational", steps=[{"delay_hours": 0, "subject": "Your account"}])
    postmark.mode = Mode.REFUSE
    start = timezone.now()
    register(client, "keen@example.com", consent=True)

    run_lifecycle()

    contact = Contact.objects.get(email="keen@example.com")
    assert contact.consent == Contact.Consent.PENDING
    assert postmark.accepted == []
    postmark.mode = Mode.ACCEPT
    run_passes_until(1, start)
    subjects = sorted(payload["Subject"] for payload in postmark.accepted)
    assert subjects == sorted([CONFIRMATION, "Your account"])
    confirmation = Message.objects.get(kind=Message.Kind.CONFIRMATION)
    assert (confirmation.status, confirmation.to_email) == (Message.Status.SENT, "keen@example.com")


def test_a_confirmation_whose_answer_was_lost_is_held_not_sent_again(postmark, client):
    postmark.mode = Mode.KEEP_AND_DROP
    start = timezone.now()
    register(client, "keen@example.com", consent=True)

    run_lifecycle()
    postmark.mode = Mode.ACCEPT
    run_passes_until(2, start)

    assert [payload["Subject"] for payload in postmark.accepted] == [CONFIRMATION]
    assert Message.objects.get(kind=Message.Kind.CONFIRMATION).status == Message.Status.HELD
