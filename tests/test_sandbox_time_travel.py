"""`manage.py lifecycle_run --advance 3d`: in the sandbox, a newcomer sees now the emails the next
days would bring the shoppers they just played, each dated as of its moment; a later pass, on the
real clock, sends none of them again. Refused unless DEBUG is on."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Enrollment, JourneyScan, Message
from tests.shop import (
    add_to_basket,
    basket_reminder_step,
    create_journey,
    register_subscriber,
)

pytestmark = pytest.mark.django_db

WELCOME_SERIES = [
    {"delay_hours": 0, "subject": "Welcome"},
    {"delay_days": 1, "subject": "Tomorrow: our best sellers"},
    {"delay_days": 6, "subject": "A week on: how is it going?"},
]


@pytest.fixture
def sandbox(settings):
    settings.DEBUG = True


@pytest.fixture
def welcome_series():
    return create_journey("Welcome series", steps=[dict(step) for step in WELCOME_SERIES])


def subjects(outbox):
    return [email.subject for email in outbox]


def advance(by):
    output = StringIO()
    call_command("lifecycle_run", "--advance", by, stdout=output)
    return output.getvalue()


def test_it_is_refused_while_debug_is_off(settings, welcome_series, client, outbox):
    settings.DEBUG = False
    register_subscriber(client, "ada@example.com")
    run_lifecycle()

    with pytest.raises(CommandError, match="refused while DEBUG is off"):
        advance("3d")

    assert subjects(outbox) == ["Welcome"]
    assert Enrollment.objects.get().next_step.subject == "Tomorrow: our best sellers"


def test_a_subscriber_gets_tomorrows_and_next_weeks_emails_now(sandbox, welcome_series, client, outbox):
    register_subscriber(client, "ada@example.com")
    run_lifecycle()
    assert subjects(outbox) == ["Welcome"]
    start = timezone.now()

    printed = advance("1w")

    assert subjects(outbox) == ["Welcome", "Tomorrow: our best sellers", "A week on: how is it going?"]
    sent_at = dict(Message.objects.filter(contact__email="ada@example.com", journey=welcome_series)
                   .values_list("subject", "sent_at"))
    assert sent_at["Tomorrow: our best sellers"] - start == pytest.approx(timedelta(days=1), abs=timedelta(minutes=1))
    assert sent_at["A week on: how is it going?"] - start == pytest.approx(timedelta(days=7), abs=timedelta(minutes=1))
    assert re.search(r"\(\+1d 00:0\d\)  ada@example.com  Tomorrow: our best sellers  \[Welcome series\]", printed)
    assert re.search(r"\(\+7d 00:0\d\)  ada@example.com  A week on: how is it going\?  \[Welcome series\]", printed)
    assert Enrollment.objects.get().state == Enrollment.State.COMPLETED


def test_it_goes_no_further_than_asked(sandbox, welcome_series, client, outbox):
    register_subscriber(client, "ada@example.com")
    run_lifecycle()

    advance("3d")

    assert subjects(outbox) == ["Welcome", "Tomorrow: our best sellers"]
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=5), tick=False):
        run_lifecycle()
    assert subjects(outbox) == ["Welcome", "Tomorrow: our best sellers", "A week on: how is it going?"]


def test_later_passes_on_the_real_clock_send_nothing_twice(sandbox, client, catalogue, outbox):
    basket_journey = create_journey("Abandoned basket", trigger="abandoned_basket", reentry="always", steps=[
        basket_reminder_step("Your basket is waiting", delay_hours=0),
        basket_reminder_step("Still thinking it over?", delay_hours=23),
    ])
    register_subscriber(client, "ada@example.com")
    add_to_basket(client, catalogue[1])
    run_lifecycle()
    start = timezone.now()

    advance("2d")
    sent = subjects(outbox)
    assert sent == ["Your basket is waiting", "Still thinking it over?"]
    reminded_at = Message.objects.get(subject="Your basket is waiting").sent_at
    assert reminded_at - start == pytest.approx(timedelta(hours=1), abs=timedelta(minutes=5))
    assert JourneyScan.objects.get(journey=basket_journey).scanned_at > start + timedelta(days=1)

    run_lifecycle()  # the basket journey's last scan is ahead of the clock: a first scan
    for later in (timedelta(minutes=61), timedelta(days=1, hours=1), timedelta(days=2, hours=1)):
        with time_machine.travel(start + later, tick=False):
            run_lifecycle()

    assert subjects(outbox) == sent
    assert Enrollment.objects.filter(journey=basket_journey).count() == 1


def test_a_click_in_an_email_sent_ahead_counts_as_the_shoppers(sandbox, welcome_series, client, outbox):
    register_subscriber(client, "ada@example.com")
    run_lifecycle()
    advance("1d")
    tomorrow = outbox[1]
    click = re.findall(r'href="https://shop\.test(/lifecycle/c/[^"]+)"', tomorrow.alternatives[0][0])[0]

    client.get(click, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")

    message = Message.objects.get(subject="Tomorrow: our best sellers")
    assert message.click_count == 1 and message.clicked_at is not None


@pytest.mark.parametrize("by", ["3 days", "3", "d", "0h", "1.5d"])
def test_a_duration_it_cannot_read_is_refused(sandbox, by):
    with pytest.raises(CommandError, match=r"e\.g\. 90m, 12h, 3d, 1w|longer than zero"):
        advance(by)


@pytest.mark.parametrize("by, until", [
    ("90m", timedelta(minutes=90)), ("12h", timedelta(hours=12)), ("3d", timedelta(days=3)),
    ("1w", timedelta(weeks=1)), ("1d12h", timedelta(days=1, hours=12)),
])
def test_durations_in_minutes_hours_days_and_weeks(sandbox, by, until):
    start = timezone.now()
    printed = advance(by)
    assert f"moves on to {timezone.localtime(start + until):%a %d %b %H:%M}" in printed.splitlines()[0]
