"""The abandoned-basket journey says different words to shoppers who left at the basket and at the
checkout: its preview and its test send show one of them at a time, the one the editor picks,
exactly as that shopper gets it."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import rich_text, streamfield

from oscar_lifecycle.models import Journey
from tests.admin import journey_form, journey_form_for_trigger, journey_url, step_form
from tests.shop import basket_reminder_step, create_journey

pytestmark = pytest.mark.django_db

AT_THE_BASKET = "Your basket is saved."
AT_THE_CHECKOUT = "Secure payment, free returns."


def section(stage, text):
    return ("stage_section", {"stage": stage, "content": streamfield([("text", rich_text(f"<p>{text}</p>"))])})


def reminder_form(**kwargs):
    return journey_form_for_trigger("abandoned_basket", name="Abandoned basket", steps=[step_form(
        "You left something, {{ first_name }}",
        body=[("heading", "Still thinking?"), section("basket", AT_THE_BASKET), section("checkout", AT_THE_CHECKOUT)],
    )], **kwargs)


@pytest.fixture
def editor_client(client):
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw"))
    return client


def preview(client, journey, mode=None):
    """The preview panel's page, as the editor's form stands, in ``mode`` (Wagtail's default: None)."""
    url = journey_url("preview_on_edit", journey)
    return client.get(url if mode is None else f"{url}?mode={mode}").content.decode()


@pytest.fixture
def reminder(editor_client):
    editor_client.post(journey_url("add"), reminder_form(action="action-publish"))
    journey = Journey.objects.get()
    response = editor_client.post(journey_url("preview_on_edit", journey), reminder_form())
    assert response.json()["is_valid"] is True
    return journey


def test_the_editor_picks_where_the_shopper_left_among_the_preview_modes(editor_client, reminder):
    edit_page = html.unescape(editor_client.get(journey_url("edit", reminder)).content.decode())

    assert ('<option value="basket" selected>Emails, shopper who left in the basket (never started checkout)'
            in edit_page)
    assert '<option value="checkout">Emails, shopper who left at checkout</option>' in edit_page
    assert '<option value="text:checkout">Plain text, shopper who left at checkout</option>' in edit_page


@pytest.mark.parametrize("mode, shown, hidden", [
    (None, AT_THE_BASKET, AT_THE_CHECKOUT),
    ("basket", AT_THE_BASKET, AT_THE_CHECKOUT),
    ("checkout", AT_THE_CHECKOUT, AT_THE_BASKET),
    ("text:basket", AT_THE_BASKET, AT_THE_CHECKOUT),
    ("text:checkout", AT_THE_CHECKOUT, AT_THE_BASKET),
    ("text", AT_THE_BASKET, AT_THE_CHECKOUT),
])
def test_the_preview_shows_what_the_shopper_who_left_there_gets_and_nothing_else(editor_client, reminder,
                                                                                  mode, shown, hidden):
    page = html.unescape(preview(editor_client, reminder, mode))

    assert shown in page
    assert hidden not in page, "a shopper gets the words of one stage, never both"
    stage = "left at checkout" if shown == AT_THE_CHECKOUT else "left in the basket (never started checkout)"
    assert f"As a shopper who {stage}." in page
    assert ("<iframe" in page) is not (mode or "").startswith("text")


def test_choosing_a_real_order_keeps_the_chosen_stage(editor_client, reminder):
    page = preview(editor_client, reminder, "text:checkout")

    assert '<input type="hidden" name="mode" value="text:checkout">' in page


def test_a_journey_that_says_nowhere_keeps_its_two_modes(editor_client):
    editor_client.post(journey_url("add"), journey_form(action="action-publish"))
    journey = Journey.objects.get()

    edit_page = editor_client.get(journey_url("edit", journey)).content.decode()

    assert '<option value="" selected>Emails</option>' in edit_page
    assert '<option value="text">Plain text</option>' in edit_page
    assert "shopper who" not in edit_page


def test_a_test_send_is_written_for_the_stage_the_editor_picks(editor_client, reminder):
    form = editor_client.get(journey_url("send_test", reminder)).content.decode()
    assert "As a shopper who" in form and 'value="checkout"' in form

    response = editor_client.post(journey_url("send_test", reminder),
                                  {"step": 0, "to_email": "me@shop.test", "stage": "checkout"})

    assert response.status_code == 302
    [email] = mail.outbox
    assert email.subject == "[Test, shopper who left at checkout] You left something, Alex"
    assert AT_THE_CHECKOUT in email.body and AT_THE_CHECKOUT in email.alternatives[0][0]
    assert AT_THE_BASKET not in email.body and AT_THE_BASKET not in email.alternatives[0][0]
    entry = ModelLogEntry.objects.filter(action="oscar_lifecycle.test_sent").get()
    assert entry.data["stage"] == "checkout"


def test_a_test_send_refuses_a_stage_the_trigger_does_not_know(editor_client, reminder):
    response = editor_client.post(journey_url("send_test", reminder),
                                  {"step": 0, "to_email": "me@shop.test", "stage": "wishlist"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert mail.outbox == []


def test_a_saved_revision_previews_at_the_stage_picked_too(editor_client, catalogue):
    journey = create_journey("Basket", trigger="abandoned_basket", steps=[basket_reminder_step("Back?", delay_hours=1)])
    url = reverse("oscar_lifecycle_journeys:revisions_view", args=[journey.pk, journey.latest_revision.pk])

    at_the_checkout = html.unescape(editor_client.get(f"{url}?mode=checkout").content.decode())
    by_default = html.unescape(editor_client.get(url).content.decode())

    assert AT_THE_CHECKOUT in at_the_checkout and AT_THE_BASKET not in at_the_checkout
    assert AT_THE_BASKET in by_default and AT_THE_CHECKOUT not in by_default
