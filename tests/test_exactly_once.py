"""Each step reaches a contact at most once: across passes, crashes, outages and concurrent runners."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import timezone

from oscar_lifecycle.engine.claim import claim_due
from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.send_pool import SendPool
from oscar_lifecycle.models import Enrollment, Message
from tests.backends import OutageBackend, RefusingBackend, SlowEspBackend
from tests.shop import create_journey, subscriber


@pytest.fixture
def outage(settings):
    settings.EMAIL_BACKEND = "tests.backends.OutageBackend"
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "MAX_SEND_ATTEMPTS": 3,
                                "RETRY_DELAY": timedelta(minutes=5)}
    yield OutageBackend
    OutageBackend.failures_left = 0


@pytest.mark.django_db
def test_an_esp_outage_delays_the_email_and_sends_it_once(outage, outbox):
    create_journey(steps=[{"delay_hours": 0, "subject": "Hello"}])
    enroll("registration", subscriber("patient@example.com"))
    outage.failures_left = 2
    start = timezone.now()

    assert dispatch_due().outcomes == {"waiting for the ESP": 1}
    assert dispatch_due().outcomes == {}, "the retry waits for RETRY_DELAY"
    message = Message.objects.get()
    assert message.status == Message.Status.FAILED
    assert "ESP unavailable" in message.reason
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert dispatch_due().outcomes == {"waiting for the ESP": 1}
    with time_machine.travel(start + timedelta(minutes=12), tick=False):
        assert dispatch_due().outcomes == {"sent": 1}
        assert dispatch_due().outcomes == {}

    assert [email.subject for email in outbox] == ["Hello"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 3)


@pytest.mark.django_db
def test_a_refused_recipient_is_retried_a_bounded_number_of_times_then_given_up(settings, outbox):
    settings.EMAIL_BACKEND = "tests.backends.RefusingBackend"
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "MAX_SEND_ATTEMPTS": 3}
    create_journey(steps=[{"delay_hours": 0}, {"delay_hours": 1}])
    enroll("registration", subscriber("unlucky@example.com"))
    RefusingBackend.refusals_left = 10
    start = timezone.now()

    for minutes in (0, 6, 12, 18, 24):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            dispatch_due()

    assert outbox == []
    message = Message.objects.get()
    assert (message.status, message.attempts) == (Message.Status.UNDELIVERABLE, 3)
    enrollment = Enrollment.objects.get()
    assert enrollment.state == Enrollment.State.EXITED
    assert enrollment.reason == "gave up after 3 attempts"
    RefusingBackend.refusals_left = 0


@pytest.mark.django_db
def test_an_esp_outage_pauses_sending_and_ends_no_journey(outage, outbox, settings):
    """A 30-minute outage with a 5-minute retry: nothing is given up, nothing is sent twice,
    the rest of the batch is not even tried while the ESP is down, and all goes out after.
    (One email at a time here; test_send_pool tries an outage with several in flight.)"""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SEND_CONCURRENCY": 1}
    create_journey(steps=[{"delay_hours": 0, "subject": "First"}, {"delay_hours": 2, "subject": "Second"}])
    for number in range(20):
        enroll("registration", subscriber(f"waiting{number}@example.com"))
    outage.failures_left = 10**6
    start = timezone.now()
    for minutes in range(0, 31, 5):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            report = dispatch_due()
        assert report.outcomes == {"waiting for the ESP": 1, "paused": 19}, "one try per pass, the rest wait"
    outage.failures_left = 0
    for minutes in (36, 42, 48, 200):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            dispatch_due()

    assert sorted(email.subject for email in outbox) == ["First"] * 20 + ["Second"] * 20
    assert not Message.objects.filter(status=Message.Status.UNDELIVERABLE).exists()
    assert not Enrollment.objects.exclude(state=Enrollment.State.COMPLETED).exists()


@pytest.mark.django_db
def test_an_interrupted_send_is_held_for_review_never_resent(outbox):
    """A runner died after inserting the Message but before learning the ESP's answer."""
    journey = create_journey(steps=[{"delay_hours": 0}])
    contact = subscriber("maybe@example.com")
    enroll("registration", contact)
    enrollment = claim_due(timezone.now(), 10)[0]
    Message.objects.create(enrollment=enrollment, step=enrollment.next_step, journey=journey,
                           contact=contact, category="marketing", status=Message.Status.SENDING,
                           to_email=contact.email)

    assert dispatch_due().outcomes == {}, "the dead runner's claim holds until its lease ends"
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert dispatch_due().outcomes == {"held": 1}

    assert outbox == []
    assert Message.objects.get().status == Message.Status.HELD
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.HELD


@pytest.mark.django_db
def test_a_killed_runners_claim_comes_back_after_the_lease(outbox):
    create_journey(steps=[{"delay_hours": 0}])
    enroll("registration", subscriber("later@example.com"))
    assert len(claim_due(timezone.now(), 10)) == 1

    assert dispatch_due().sent == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert dispatch_due().sent == 1
    assert len(outbox) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_runners_send_each_step_once(outbox, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "BATCH_SIZE": 7, "PRESSURE_CAP": None}
    create_journey(steps=[{"delay_hours": 0}])
    for number in range(60):
        enroll("registration", subscriber(f"shopper{number}@example.com"))
    barrier = threading.Barrier(4)
    errors = []

    def runner():
        try:
            barrier.wait()
            dispatch_due()
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    recipients = [email.to[0] for email in outbox]
    assert len(recipients) == 60
    assert len(set(recipients)) == 60
    assert Message.objects.filter(status=Message.Status.SENT).count() == 60
    assert Enrollment.objects.filter(state=Enrollment.State.COMPLETED).count() == 60, (
        "no two runners worked on the same enrollment"
    )


@pytest.mark.django_db
def test_a_failing_step_sent_receiver_neither_blocks_nor_repeats_the_journey(outbox, caplog):
    from oscar_lifecycle.signals import step_sent

    def broken_receiver(**kwargs):
        raise RuntimeError("analytics is down")

    step_sent.connect(broken_receiver)
    try:
        create_journey(steps=[{"delay_hours": 0, "subject": "One"}, {"delay_hours": 0, "subject": "Two"}])
        enroll("registration", subscriber("observed@example.com"))
        dispatch_due()
        dispatch_due()
    finally:
        step_sent.disconnect(broken_receiver)

    assert [email.subject for email in outbox] == ["One", "Two"]
    assert "analytics is down" in caplog.text


@pytest.mark.django_db
def test_one_broken_enrollment_is_held_and_the_rest_of_the_batch_goes_out(outbox, monkeypatch):
    from oscar_lifecycle import conditions

    class Exploding(conditions.Condition):
        name = "exploding"

        def is_met(self, enrollment):
            raise RuntimeError("condition bug")

    monkeypatch.setitem(conditions.CONDITIONS, "exploding", Exploding())
    create_journey("Broken", steps=[{"delay_hours": 0, "condition": "exploding"}])
    create_journey("Fine", steps=[{"delay_hours": 0, "subject": "Fine"}])
    enroll("registration", subscriber("both@example.com"))

    assert dispatch_due().outcomes == {"held": 1, "sent": 1}
    assert [email.subject for email in outbox] == ["Fine"]
    broken = Enrollment.objects.get(journey__name="Broken")
    assert (broken.state, broken.reason) == (Enrollment.State.HELD, "dispatch failed: condition bug")


@pytest.mark.django_db
def test_a_pass_slower_than_the_lease_keeps_its_claims(settings, outbox):
    """With a 30 s lease and an ESP taking 25 s a send, one after the other, the batch's claims are
    renewed while it works: another runner arriving meanwhile takes none of its rows, every email
    goes once."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CLAIM_LEASE": timedelta(seconds=30),
                                "SEND_CONCURRENCY": 1}
    settings.EMAIL_BACKEND = "tests.backends.SlowEspBackend"
    create_journey(steps=[{"delay_hours": 0}])
    for number in range(6):
        enroll("registration", subscriber(f"patient{number}@example.com"))
    taken_by_the_other_runner = []
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        SlowEspBackend.traveller, SlowEspBackend.seconds = traveller, 25
        SlowEspBackend.meanwhile = lambda: taken_by_the_other_runner.extend(claim_due(timezone.now(), 10))
        report = dispatch_due()

    assert taken_by_the_other_runner == []
    assert report.sent == 6 and len(outbox) == 6
    assert Message.objects.filter(status=Message.Status.SENT).count() == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the other runner needs a connection of its own")
@pytest.mark.django_db(transaction=True)
def test_sends_in_flight_longer_than_the_lease_keep_their_claims(settings, outbox, monkeypatch):
    """Three emails in flight at once, each taking longer than the whole lease: the runner renews
    its claim while it waits for the ESP, so another runner arriving then takes none of its rows."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CLAIM_LEASE": timedelta(seconds=1.5),
                                "SEND_CONCURRENCY": 3, "PRESSURE_CAP": None}
    settings.EMAIL_BACKEND = "tests.backends.SlowEspBackend"
    monkeypatch.setattr(SendPool, "WAIT_SLICE", 0.1)
    create_journey(steps=[{"delay_hours": 0}])
    for number in range(3):
        enroll("registration", subscriber(f"patient{number}@example.com"))
    taken_by_the_other_runner = []

    def the_other_runner_arrives():
        taken_by_the_other_runner.extend(claim_due(timezone.now(), 10))
        connections.close_all()  # this worker thread's own connection

    SlowEspBackend.traveller, SlowEspBackend.seconds = None, 2
    SlowEspBackend.meanwhile = the_other_runner_arrives
    report = dispatch_due()

    assert taken_by_the_other_runner == []
    assert report.sent == 3 and len(outbox) == 3


@pytest.mark.django_db
def test_a_claim_is_stamped_when_it_is_made_and_a_dead_runners_rows_return_within_a_minute(outbox):
    create_journey(steps=[{"delay_hours": 0}])
    pass_started = timezone.now()
    enroll("registration", subscriber("stamped@example.com"), now=pass_started)
    five_minutes_later = pass_started + timedelta(minutes=5)

    with time_machine.travel(five_minutes_later, tick=False):
        [claimed] = claim_due(pass_started, 10)  # a long pass claims its next batch
        assert claimed.claimed_at == five_minutes_later
        assert dispatch_due().sent == 0, "the claim holds"
    with time_machine.travel(five_minutes_later + timedelta(seconds=61), tick=False):
        assert dispatch_due().sent == 1


@pytest.mark.django_db
def test_a_held_message_is_never_read_as_done_after_a_crash(outbox):
    """A runner held a message, then died before saving its enrollment: the step stays held."""
    journey = create_journey(steps=[{"delay_hours": 0}, {"delay_hours": 0, "subject": "Next"}])
    contact = subscriber("crashed@example.com")
    [enrollment] = enroll("registration", contact)
    Message.objects.create(enrollment=enrollment, step=enrollment.next_step, journey=journey, contact=contact,
                           category="marketing", status=Message.Status.HELD, to_email=contact.email)

    assert dispatch_due().outcomes == {"held": 1}

    assert outbox == []
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.HELD


@pytest.mark.django_db
def test_the_dashboard_says_when_sending_is_paused(outage, client):
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    create_journey(steps=[{"delay_hours": 0}])
    for number in range(3):
        enroll("registration", subscriber(f"paused{number}@example.com"))
    assert "Lifecycle emails are paused" not in client.get("/cms/").content.decode()

    outage.failures_left = 10
    dispatch_due()

    page = client.get("/cms/").content.decode()
    assert "Lifecycle emails are paused: the ESP is not answering." in page
    assert "3 emails wait" in page
