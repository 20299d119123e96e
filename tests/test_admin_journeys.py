"""Editors create, edit and publish journeys in /cms/; shoppers only ever get the published version."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from oscar_lifecycle.engine.runner import run_lifecycle
from wagtail.test.utils.form_data import rich_text, streamfield

from oscar_lifecycle.models import Journey, Message
from oscar_lifecycle.signals import low_rating_received
from tests.admin import journey_form, journey_form_for_trigger, journey_url, step_form
from tests.shop import register_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    admin = get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw")
    client.force_login(admin)
    return client


def send_welcome_to(client_class, email):
    shopper = client_class()
    register_subscriber(shopper, email)
    run_lifecycle()
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        run_lifecycle()


def test_a_published_journey_reaches_shoppers_and_a_draft_change_does_not(editor_client, client_class, outbox):
    response = editor_client.post(journey_url("add"), journey_form(action="action-publish"))
    assert response.status_code == 302, response.content.decode()[:3000]
    journey = Journey.objects.get()
    assert journey.live

    assert editor_client.get(journey_url("edit", journey)).status_code == 200
    edited_step = step_form("A draft subject", id=journey.steps.get().pk)
    response = editor_client.post(journey_url("edit", journey), journey_form(steps=[edited_step], initial=1))
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.has_unpublished_changes

    send_welcome_to(client_class, "first@example.com")
    assert [email.subject for email in outbox] == ["Welcome to Lifecycle Sandbox"]

    response = editor_client.post(
        journey_url("edit", journey), journey_form(steps=[edited_step], initial=1, action="action-publish")
    )
    assert response.status_code == 302
    send_welcome_to(client_class, "second@example.com")
    assert [email.subject for email in outbox][-1] == "A draft subject"
    assert journey.steps.count() == 1, "publishing rewrote the step in place"


def test_history_lists_revisions_and_compares_them(editor_client):
    editor_client.post(journey_url("add"), journey_form(action="action-publish"))
    journey = Journey.objects.get()
    edited_step = step_form("Second wording", id=journey.steps.get().pk)
    editor_client.post(journey_url("edit", journey), journey_form(steps=[edited_step], initial=1))
    first, second = journey.revisions.order_by("pk")

    history = editor_client.get(journey_url("history", journey))
    assert history.status_code == 200
    compare = editor_client.get(reverse("oscar_lifecycle_journeys:revisions_compare",
                                        args=[journey.pk, first.pk, second.pk]))
    assert compare.status_code == 200
    page = compare.content.decode()
    assert "Welcome to {{ shop_name }}" in page and "Second wording" in page


def test_unpublishing_stops_the_journey(editor_client, client_class, outbox):
    editor_client.post(journey_url("add"), journey_form(action="action-publish"))
    journey = Journey.objects.get()
    response = editor_client.post(journey_url("unpublish", journey))
    assert response.status_code == 302
    send_welcome_to(client_class, "late@example.com")
    assert outbox == []


@pytest.mark.parametrize("step, message", [
    (step_form(subject="Hi {{ user.password }}"), "{{ user.password }} is not a merge tag"),
    (step_form(subject=""), "This field is required"),
    (step_form(body=[("button", {"text": "Go", "url": ""})]), "This field is required"),
    (step_form(body=[("button", {"text": "Go", "url": "javascript:alert(1)"})]), "Enter a full address"),
    (step_form(body=[("heading", "Hello {% load static %}")]), "{% load static %} is not a merge tag"),
])
def test_bad_content_is_refused_when_the_editor_saves(editor_client, step, message):
    response = editor_client.post(journey_url("add"), journey_form(steps=[step], action="action-publish"))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Journey.objects.exists()


def test_a_journey_without_steps_cannot_be_published(editor_client):
    response = editor_client.post(journey_url("add"), journey_form(steps=[], action="action-publish"))
    assert response.status_code == 200
    assert "Please submit at least 1 form" in response.content.decode()
    assert not Journey.objects.exists()


def rating_step(**fields):
    return step_form("How was your order?", body=[
        ("text", rich_text("<p>Your order has arrived.</p>")),
        ("stage_section", {"stage": "basket", "content": streamfield([("text", rich_text("<p>Thanks.</p>"))])}),
        ("rating", {"question": "How was your order?", "low_label": "Bad", "high_label": "Great"}),
    ], **fields)


NOBODY_HEARS = "nobody would hear of a low one: no customer service address is set"


def test_a_rating_journey_is_published_only_once_someone_would_hear_of_a_low_rating(editor_client, settings):
    publish = journey_form_for_trigger("order_status", name="Satisfaction", steps=[rating_step()],
                                       action="action-publish")
    response = editor_client.post(journey_url("add"), publish)
    assert response.status_code == 200
    assert NOBODY_HEARS in html.unescape(response.content.decode())
    assert not Journey.objects.exists()

    draft = journey_form_for_trigger("order_status", name="Satisfaction", steps=[rating_step()])
    assert editor_client.post(journey_url("add"), draft).status_code == 302, "a draft may wait for the address"
    journey = Journey.objects.get()
    step = rating_step(id=journey.steps.get().pk)
    publish = journey_form_for_trigger("order_status", name="Satisfaction", steps=[step], initial=1,
                                       action="action-publish")
    assert editor_client.post(journey_url("edit", journey), publish).status_code == 200
    journey.refresh_from_db()
    assert not journey.live

    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SERVICE_EMAIL": "care@shop.test"}
    assert editor_client.post(journey_url("edit", journey), publish).status_code == 302
    journey.refresh_from_db()
    assert journey.live


@pytest.mark.parametrize("setting", [{"SERVICE_EMAIL": "care@shop.test"}, {"LOW_RATING": 0}])
def test_a_rating_journey_that_alerts_someone_or_nobody_at_all_is_published(editor_client, settings, setting):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, **setting}
    publish = journey_form_for_trigger("order_status", steps=[rating_step()], action="action-publish")

    assert editor_client.post(journey_url("add"), publish).status_code == 302
    assert Journey.objects.get().live


def test_a_help_desk_listening_to_low_ratings_is_someone(editor_client):
    low_rating_received.connect(lambda **kwargs: None, weak=False, dispatch_uid="test-help-desk")
    try:
        publish = journey_form_for_trigger("order_status", steps=[rating_step()], action="action-publish")
        assert editor_client.post(journey_url("add"), publish).status_code == 302
    finally:
        low_rating_received.disconnect(dispatch_uid="test-help-desk")
    assert Journey.objects.get().live


def test_a_rating_in_a_section_for_where_the_shopper_left_counts_too(editor_client):
    rating = ("rating", {"question": "How was it?", "low_label": "Bad", "high_label": "Great"})
    step = step_form(body=[("stage_section", {"stage": "checkout", "content": streamfield([rating])})])
    response = editor_client.post(journey_url("add"), journey_form(steps=[step], action="action-publish"))

    assert NOBODY_HEARS in html.unescape(response.content.decode())
    assert not Journey.objects.exists()


def test_a_journey_without_a_rating_needs_no_service_address(editor_client):
    publish = journey_form_for_trigger("order_status", action="action-publish")
    assert editor_client.post(journey_url("add"), publish).status_code == 302


def test_the_preview_shows_every_step_for_a_sample_customer(editor_client):
    data = journey_form(steps=[
        step_form("First for {{ first_name|default:\"you\" }}"),
        step_form("Second", delay_hours=48),
    ])
    response = editor_client.post(journey_url("preview_on_add"), data)
    assert response.json()["is_valid"] is True

    preview = editor_client.get(journey_url("preview_on_add")).content.decode()
    assert "First for Alex" in preview and "Second" in preview, "a made-up customer"
    assert "Step 1: 1 hour after the trigger" in preview
    assert "Step 2: 2 days, 1 hour after the trigger" in preview
    assert "#test-send" in preview and "/lifecycle/unsubscribe/" not in preview, "preview links are inert"

    text = editor_client.get(journey_url("preview_on_add") + "?mode=text").content.decode()
    assert "Good to see you." in text and "<iframe" not in text


def test_send_a_test_of_the_draft_to_any_address(editor_client):
    from django.core import mail

    editor_client.post(journey_url("add"), journey_form(action="action-publish"))
    journey = Journey.objects.get()
    response = editor_client.get(journey_url("send_test", journey))
    assert response.status_code == 200

    response = editor_client.post(journey_url("send_test", journey), {"step": 0, "to_email": "me@shop.test"})
    assert response.status_code == 302

    [email] = mail.outbox
    assert email.to == ["me@shop.test"]
    assert email.subject == "[Test] Welcome to Lifecycle Sandbox"
    assert "List-Unsubscribe" not in email.extra_headers
    assert "/lifecycle/unsubscribe/" not in email.alternatives[0][0]
    assert not Message.objects.exists(), "a test send counts nowhere"


def test_send_a_test_refuses_a_bad_address(editor_client):
    editor_client.post(journey_url("add"), journey_form(action="action-publish"))
    response = editor_client.post(journey_url("send_test", Journey.objects.get()), {"step": 0, "to_email": "nope"})
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()


def test_send_a_test_refuses_a_step_without_a_subject(editor_client):
    from django.core import mail

    editor_client.post(journey_url("add"), journey_form(action="action-publish"))
    journey = Journey.objects.get()
    steps = list(journey.steps.all())
    steps[0].subject = ""
    journey.steps = steps
    journey.save_revision()  # a draft whose step has lost its subject

    response = editor_client.post(journey_url("send_test", journey), {"step": 0, "to_email": "me@shop.test"})

    assert response.status_code == 200
    assert "This step has no subject yet" in response.content.decode()
    assert mail.outbox == []
