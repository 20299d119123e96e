"""The clicked trigger ("click A, send B"): a person's click on a link of a given journey step or
campaign starts a journey; a link scanner's click never does, nor a click elsewhere."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Enrollment, Journey, MessageEvent
from tests.admin import journey_form_for_trigger, journey_url
from tests.shop import create_journey, subscriber
from tests.test_engagement_rules import BROWSER
from tests.test_trigger_settings import field_errors

pytestmark = pytest.mark.django_db

SPRING_LINK = "https://shop.test/catalogue/category/spring/"
BEST_SELLERS = "Spring's best sellers"
SPRING_BUTTONS = [("button", {"text": "The spring collection", "url": "/catalogue/category/spring/"}),
                  ("button", {"text": "Everything", "url": "/catalogue/"})]


def click(client, outbox, at, address, subject, text, agent=BROWSER):
    """Follow the click redirect of the button ``text`` in the email ``subject`` sent to ``address``."""
    [email] = [sent for sent in outbox if sent.to == [address] and sent.subject == subject]
    path = re.findall(rf'https://shop\.test(/lifecycle/c/[^"]+)"[^>]*>\s*{re.escape(text)}', email.alternatives[0][0])[0]
    with time_machine.travel(at, tick=False):
        client.get(path, HTTP_USER_AGENT=agent)


def run_at(at):
    with time_machine.travel(at, tick=False):
        run_lifecycle()


def received(outbox, address):
    return [email.subject for email in outbox if email.to == [address]]


@pytest.fixture
def spring(outbox):
    """Ann, Bob and Cid receive the Spring journey's first email now (its second step is two days
    later); a journey sends the best sellers to whoever clicks the spring collection's link in it."""
    def send(**settings):
        journey = create_journey("Spring", steps=[
            {"delay_hours": 0, "subject": "Spring is here", "body": SPRING_BUTTONS},
            {"delay_days": 2, "subject": "Spring, again", "body": SPRING_BUTTONS},
        ])
        create_journey("Best sellers", trigger="clicked", reentry="once",
                       trigger_settings={"emails_of": [str(journey.pk)], **settings},
                       steps=[{"delay_hours": 0, "subject": BEST_SELLERS}])
        sent_at = timezone.now()
        with time_machine.travel(sent_at, tick=False):
            for address in ("ann@example.com", "bob@example.com", "cid@example.com"):
                enroll("registration", subscriber(address))
            run_lifecycle()
        return sent_at
    return send


def test_a_click_on_the_link_of_the_step_sends_the_next_journey(client, outbox, spring):
    sent_at = spring(step=1, link=SPRING_LINK)
    click(client, outbox, sent_at + timedelta(seconds=2), "cid@example.com", "Spring is here", "The spring collection")
    click(client, outbox, sent_at + timedelta(minutes=5), "ann@example.com", "Spring is here", "The spring collection")
    click(client, outbox, sent_at + timedelta(minutes=5), "bob@example.com", "Spring is here", "Everything")
    run_at(sent_at + timedelta(minutes=10))

    assert received(outbox, "ann@example.com") == ["Spring is here", BEST_SELLERS]
    assert received(outbox, "bob@example.com") == ["Spring is here"], "another link"
    assert received(outbox, "cid@example.com") == ["Spring is here"], "a link scanner's click, seconds after the send"
    assert MessageEvent.objects.filter(contact__email="cid@example.com", is_machine=True).exists()
    enrollment = Enrollment.objects.get(journey__name="Best sellers")
    assert enrollment.context["clicked_url"] == SPRING_LINK
    assert enrollment.context["clicked_step"] == Journey.objects.get(name="Spring").steps.get(sort_order=0).pk


def test_a_click_in_another_step_does_not_count_when_a_step_is_set(client, outbox, spring):
    sent_at = spring(step=1)
    run_at(sent_at + timedelta(days=2, minutes=1))
    click(client, outbox, sent_at + timedelta(days=2, minutes=5), "ann@example.com", "Spring, again", "Everything")
    run_at(sent_at + timedelta(days=2, minutes=10))
    assert BEST_SELLERS not in received(outbox, "ann@example.com")

    click(client, outbox, sent_at + timedelta(days=2, minutes=15), "ann@example.com", "Spring is here", "Everything")
    run_at(sent_at + timedelta(days=2, minutes=20))
    assert received(outbox, "ann@example.com").count(BEST_SELLERS) == 1


def test_any_link_of_any_step_and_a_click_counted_once(client, outbox, spring):
    sent_at = spring()
    click(client, outbox, sent_at + timedelta(minutes=5), "bob@example.com", "Spring is here", "Everything")
    run_at(sent_at + timedelta(minutes=10))
    click(client, outbox, sent_at + timedelta(minutes=15), "bob@example.com", "Spring is here", "Everything")
    run_at(sent_at + timedelta(minutes=20))

    assert received(outbox, "bob@example.com") == ["Spring is here", BEST_SELLERS]
    assert Enrollment.objects.filter(journey__name="Best sellers").count() == 1


@pytest.mark.parametrize("setting, typed, message", [
    ("step", "-1", "Step number must be between 0 and 100."),
    ("link", "https://shop.test/" + "x" * 2000, "Link must be at most 2000 characters."),
    ("emails_of", "999", "Select a valid choice. 999 is not one of the available choices."),
])
def test_a_wrong_setting_is_refused_naming_it(client, setting, typed, message):
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw"))
    response = client.post(journey_url("add"), journey_form_for_trigger("clicked", {setting: typed},
                                                                         action="action-publish"))

    assert field_errors(response.content.decode(), f"trigger_clicked_{setting}") == [message]
    assert not Journey.objects.exists()
