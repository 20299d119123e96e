"""The engagement-threshold trigger: a contact whose human opens or clicks within D days reach N
enters, once per crossing; a mail privacy proxy's opens never count."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Journey
from tests.admin import journey_form_for_trigger, journey_url
from tests.shop import create_journey, subscriber
from tests.test_engagement_rules import APPLE_PROXY, BROWSER, tracking_path
from tests.test_trigger_settings import field_errors

pytestmark = pytest.mark.django_db

THANKS = "Thank you for reading us"


@pytest.fixture
def newsletters(outbox):
    """Ann and Cid receive the Welcome and the News emails now; a journey thanks whoever opens or
    clicks twice within a week (settings ``engaged`` sets)."""
    def send(**settings):
        for name in ("Welcome", "News"):
            create_journey(name, steps=[{"delay_hours": 0, "subject": name,
                                         "body": [("button", {"text": "Shop", "url": "/catalogue/"})]}])
        create_journey("Engaged", trigger="engagement_threshold", reentry="always",
                       trigger_settings={"count": 2, "days": 7, **settings},
                       steps=[{"delay_hours": 0, "subject": THANKS}])
        sent_at = timezone.now()
        with time_machine.travel(sent_at, tick=False):
            for address in ("ann@example.com", "cid@example.com"):
                enroll("registration", subscriber(address))
            run_lifecycle()
        return sent_at
    return send


def received(outbox, address):
    return [email.subject for email in outbox if email.to == [address]]


def act(client, outbox, at, address, subject, kind, agent=BROWSER):
    with time_machine.travel(at, tick=False):
        client.get(tracking_path(outbox, address, subject, kind), HTTP_USER_AGENT=agent)


def run_at(at):
    with time_machine.travel(at, tick=False):
        run_lifecycle()


def test_the_second_human_open_or_click_in_a_week_starts_the_journey_once(client, outbox, newsletters):
    sent_at = newsletters()
    act(client, outbox, sent_at + timedelta(minutes=5), "ann@example.com", "Welcome", "o")
    for subject in ("Welcome", "News"):
        act(client, outbox, sent_at + timedelta(minutes=6), "cid@example.com", subject, "o", agent=APPLE_PROXY)
    run_at(sent_at + timedelta(minutes=20))
    assert THANKS not in received(outbox, "ann@example.com"), "one open is not two"

    act(client, outbox, sent_at + timedelta(days=1), "ann@example.com", "News", "c")
    run_at(sent_at + timedelta(days=1, minutes=20))
    assert received(outbox, "ann@example.com").count(THANKS) == 1

    act(client, outbox, sent_at + timedelta(days=2), "ann@example.com", "Welcome", "c")
    run_at(sent_at + timedelta(days=2, minutes=20))
    assert received(outbox, "ann@example.com").count(THANKS) == 1, "still above the threshold: no new crossing"
    assert THANKS not in received(outbox, "cid@example.com"), "a mail privacy proxy's opens never count"


def test_opens_further_apart_than_the_window_do_not_add_up(client, outbox, newsletters):
    sent_at = newsletters()
    act(client, outbox, sent_at + timedelta(minutes=5), "ann@example.com", "Welcome", "o")
    act(client, outbox, sent_at + timedelta(days=8), "ann@example.com", "News", "o")
    run_at(sent_at + timedelta(minutes=20))
    run_at(sent_at + timedelta(days=8, minutes=20))

    assert THANKS not in received(outbox, "ann@example.com")


def test_counting_clicks_only_leaves_opens_out(client, outbox, newsletters):
    sent_at = newsletters(kinds=["clicked"])
    act(client, outbox, sent_at + timedelta(minutes=5), "ann@example.com", "Welcome", "o")
    act(client, outbox, sent_at + timedelta(minutes=6), "ann@example.com", "News", "c")
    run_at(sent_at + timedelta(minutes=20))
    assert THANKS not in received(outbox, "ann@example.com")

    act(client, outbox, sent_at + timedelta(hours=1), "ann@example.com", "Welcome", "c")
    run_at(sent_at + timedelta(hours=1, minutes=20))
    assert received(outbox, "ann@example.com").count(THANKS) == 1


@pytest.mark.parametrize("setting, typed, message", [
    ("count", "0", "Number of opens or clicks must be between 1 and 100."),
    ("days", "400", "Within (days) must be between 1 and 365."),
])
def test_a_setting_out_of_range_is_refused_naming_it(client, setting, typed, message):
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw"))
    response = client.post(journey_url("add"), journey_form_for_trigger(
        "engagement_threshold", {setting: typed}, action="action-publish"))

    assert field_errors(response.content.decode(), f"trigger_engagement_threshold_{setting}") == [message]
    assert not Journey.objects.exists()
