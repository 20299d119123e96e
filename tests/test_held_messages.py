"""Held emails (their send may or may not have reached the ESP) are never a dead end: an event
from the ESP about one proves it went and releases its journey; the rest wait on a review page
(and a command) where the shop says what happened, one by one or in bulk, with who said it
recorded; the dashboard says while any wait."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Enrollment, Message
from tests.esp_standin import Mode, PostmarkStandIn
from tests.shop import create_journey, subscriber
from tests.test_esp_feedback import (
    POSTMARK, SENDGRID, post_to_postmark_webhook, post_to_sendgrid_webhook, postmark_event,
)
from tests.test_lost_answers import use_postmark_at

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]
HELD_URL = "/cms/lifecycle/held/"


@pytest.fixture
def postmark(settings):
    with PostmarkStandIn() as standin:
        use_postmark_at(settings, standin.url)
        yield standin


@pytest.fixture
def held(postmark):
    """Two readers whose welcome reached the ESP, whose answer was lost: held."""
    create_journey(steps=[{"delay_hours": 0, "subject": "Welcome"}, {"delay_days": 1, "subject": "Second"}])
    for reader in ("ann@example.com", "bob@example.com"):
        enroll("registration", subscriber(reader))
    postmark.mode = Mode.KEEP_AND_DROP
    settings_outcomes = dispatch_due().outcomes
    while settings_outcomes["held"] < 2:  # the first hold pauses the batch: the next pass holds the other
        with time_machine.travel(timedelta(minutes=10), tick=False):
            settings_outcomes.update(dispatch_due().outcomes)
    postmark.mode = Mode.ACCEPT
    postmark.accepted.clear()
    return list(Message.objects.filter(status=Message.Status.HELD).order_by("to_email"))


def a_day_later_the_runner_runs():
    with time_machine.travel(timedelta(days=1, hours=1), tick=False):
        return dispatch_due()


def sent_subjects(postmark):
    return sorted((payload["To"], payload["Subject"]) for payload in postmark.accepted)


def postmark_event_for_held(name, message, **changes):
    """Postmark's event about ``message``, whose MessageID we never learned: it names the message
    by the metadata we sent with it."""
    event = postmark_event(name, message, message.created_at + timedelta(minutes=1), **changes)
    event["MessageID"] = "0a129aee-e1cd-480d-b08d-4f48548ff48d"
    event["Metadata"] = {"lifecycle_message": str(message.pk), "lifecycle_step": str(message.step_id)}
    return event


def sendgrid_event_for_held(name, message):
    return {**SENDGRID[name], "email": message.to_email, "timestamp": int(message.created_at.timestamp()) + 60,
            "lifecycle_message": str(message.pk), "lifecycle_step": str(message.step_id)}


@pytest.mark.parametrize("post", [
    lambda client, message: post_to_postmark_webhook(client, postmark_event_for_held("Delivery", message)),
    lambda client, message: post_to_postmark_webhook(client, postmark_event_for_held("Open", message)),
    lambda client, message: post_to_sendgrid_webhook(client, sendgrid_event_for_held("delivered", message)),
    lambda client, message: post_to_sendgrid_webhook(client, sendgrid_event_for_held("open", message)),
], ids=["Postmark delivery", "Postmark open", "SendGrid delivered", "SendGrid open"])
def test_an_esp_event_about_a_held_email_proves_it_went_and_its_journey_goes_on(held, postmark, client, post):
    ann, bob = held

    assert post(client, ann).status_code == 200
    a_day_later_the_runner_runs()

    ann.refresh_from_db()
    assert ann.status == Message.Status.SENT
    assert ann.esp_message_id and ann.events.exists()
    assert sent_subjects(postmark) == [("ann@example.com", "Second")], "bob's stays held"
    bob.refresh_from_db()
    assert bob.status == Message.Status.HELD


def test_an_event_naming_a_held_email_for_another_address_changes_nothing(held, client):
    ann, bob = held
    event = postmark_event_for_held("Delivery", ann)
    event["Recipient"] = "mallory@example.com"

    assert post_to_postmark_webhook(client, event).status_code == 200

    ann.refresh_from_db()
    assert ann.status == Message.Status.HELD


@pytest.fixture
def reviewer(client):
    user = get_user_model().objects.create_user("rita", "rita@shop.test", "pw")
    group = Group.objects.create(name="Lifecycle reviewers")
    group.permissions.add(Permission.objects.get(codename="access_admin"),
                          Permission.objects.get(codename="review_message"))
    user.groups.add(group)
    client.force_login(user)
    return user


def test_the_review_page_shows_what_is_known_of_each_held_email(held, reviewer, client):
    ann, _ = held
    post_to_sendgrid_webhook(client, {**SENDGRID["blocked"], "email": "someone@else.example",
                                      "timestamp": 1700000000})

    page = client.get(HELD_URL).content.decode()

    assert "ann@example.com" in page and "bob@example.com" in page
    assert "Welcome: Welcome" in page
    assert "may have been sent" in page
    assert "none received" in page
    assert "It was delivered: go on" in page and "Send it again" in page and "Skip this step" in page
    assert "/cms/lifecycle/messages/inspect/" not in page  # a reviewer who may not read the log


def test_a_reviewer_who_may_read_the_log_opens_each_held_email(held, reviewer, client):
    ann, _ = held
    reviewer.groups.get().permissions.add(Permission.objects.get(codename="view_message"))

    page = client.get(HELD_URL).content.decode()

    assert f'href="/cms/lifecycle/messages/inspect/{ann.pk}/"' in page
    assert "Welcome" in client.get(f"/cms/lifecycle/messages/inspect/{ann.pk}/").content.decode()


@pytest.mark.parametrize("resolution, ann_status, sent_now, sent_a_day_later", [
    ("delivered", Message.Status.SENT, [], [("ann@example.com", "Second")]),
    ("send again", Message.Status.SENT, [("ann@example.com", "Welcome")], [("ann@example.com", "Second")]),
    ("skip", Message.Status.SKIPPED, [], [("ann@example.com", "Second")]),
])
def test_the_shop_resolves_a_held_email_and_its_journey_goes_on(held, postmark, reviewer, client, resolution,
                                                                  ann_status, sent_now, sent_a_day_later):
    ann, bob = held

    response = client.post(HELD_URL, {"message": [ann.pk], "resolution": resolution})
    assert response.status_code == 302
    dispatch_due()
    assert sent_subjects(postmark) == sent_now
    postmark.accepted.clear()
    a_day_later_the_runner_runs()

    assert sent_subjects(postmark) == sent_a_day_later
    ann.refresh_from_db()
    assert ann.status == ann_status
    assert "rita" in ann.reason or ann_status == Message.Status.SENT
    bob.refresh_from_db()
    assert bob.status == Message.Status.HELD
    entry = ModelLogEntry.objects.get(object_id=str(ann.pk), content_type__model="message")
    assert entry.user == reviewer


def test_held_emails_are_resolved_in_bulk_and_only_once(held, postmark, reviewer, client):
    ids = [message.pk for message in held]

    client.post(HELD_URL, {"message": ids, "resolution": "skip"})
    client.post(HELD_URL, {"message": ids, "resolution": "send again"})
    dispatch_due()

    assert postmark.accepted == []
    assert set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Message.Status.SKIPPED}
    assert Enrollment.objects.filter(state=Enrollment.State.ACTIVE).count() == 2
    assert "No email is held." in client.get(HELD_URL).content.decode()


def test_the_dashboard_says_while_emails_are_held(held, reviewer, client):
    page = client.get("/cms/").content.decode()
    assert "2 lifecycle emails are held for review." in page
    assert HELD_URL in page

    client.post(HELD_URL, {"message": [message.pk for message in held], "resolution": "delivered"})

    assert "held for review" not in client.get("/cms/").content.decode()


def test_an_editor_without_the_review_permission_cannot_resolve(held, client):
    editor = get_user_model().objects.create_user("eddie", "eddie@shop.test", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    response = client.post(HELD_URL, {"message": [held[0].pk], "resolution": "delivered"})

    assert response.status_code in (302, 403)
    assert response.status_code == 403 or reverse("wagtailadmin_home") in response["Location"]
    assert Message.objects.filter(status=Message.Status.HELD).count() == 2
    assert "held for review" not in client.get("/cms/").content.decode()


def test_the_command_lists_and_resolves_held_emails(held, postmark, capsys):
    ann, bob = held

    call_command("lifecycle_held")
    listing = capsys.readouterr().out
    call_command("lifecycle_held", "--send-again", str(ann.pk))
    call_command("lifecycle_held", "--delivered", "--all")
    dispatch_due()

    assert "ann@example.com" in listing and "bob@example.com" in listing and "2 held." in listing
    assert sent_subjects(postmark) == [("ann@example.com", "Welcome")]
    bob.refresh_from_db()
    assert bob.status == Message.Status.SENT
    assert "manage.py lifecycle_held" in bob.reason
    assert json.dumps(POSTMARK["Delivery"])  # the payloads stay anymail's own
