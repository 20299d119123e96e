"""Editors set each trigger's numbers (minutes idle, hours after a view...) in the journey editor;
a value out of range is refused with a message naming the setting, an empty one takes the default."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import ContactAttribute, Journey
from oscar_lifecycle.triggers import registered_triggers
from tests.admin import journey_form_for_trigger, journey_url, step_form
from tests.shop import add_to_basket, register_subscriber

pytestmark = pytest.mark.django_db

BASKET_DEFAULTS = {"idle_minutes": 60, "give_up_after_days": 7, "hours_between_series": 24}


@pytest.fixture
def editor_client(client):
    admin = get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw")
    client.force_login(admin)
    return client


def field_value(page, name):
    """The value an <input name=``name``> shows, or None when it shows none."""
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', page)
    assert tag is not None, f"no field {name} on the page"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def field_errors(page, name):
    """The error messages Wagtail shows with the field ``name``."""
    errors = re.search(
        rf'<div class="w-field__errors"[^>]*id="[^"]*-child-{name}-errors"[^>]*>(.*?)</div>', page, re.DOTALL
    )
    if errors is None:
        return []
    return [message.strip() for message in re.findall(r'<p class="error-message">(.*?)</p>', errors.group(1),
                                                        re.DOTALL)]


@pytest.mark.parametrize("trigger, setting, typed, message", [
    ("abandoned_basket", "idle_minutes", "5",
     "Minutes the basket sat untouched must be between 15 and 10080."),
    ("abandoned_basket", "give_up_after_days", "91",
     "Ignore baskets untouched for more than (days) must be between 1 and 90."),
    ("browse_abandonment", "hours", "0", "Hours after the view must be between 1 and 336."),
])
def test_a_setting_out_of_range_is_refused_with_a_message_naming_it(editor_client, trigger, setting, typed, message):
    response = editor_client.post(journey_url("add"), journey_form_for_trigger(
        trigger, {setting: typed}, action="action-publish",
    ))

    assert response.status_code == 200
    assert field_errors(response.content.decode(), f"trigger_{trigger}_{setting}") == [message]
    assert not Journey.objects.exists()


def test_a_valid_setting_is_saved_and_shown_when_the_journey_is_edited_again(editor_client):
    response = editor_client.post(journey_url("add"), journey_form_for_trigger(
        "abandoned_basket", {"idle_minutes": "30"}, action="action-publish",
    ))

    assert response.status_code == 302, response.content.decode()[:3000]
    journey = Journey.objects.get()
    assert journey.trigger_settings == {**BASKET_DEFAULTS, "idle_minutes": 30}
    page = editor_client.get(journey_url("edit", journey)).content.decode()
    assert field_value(page, "trigger_abandoned_basket_idle_minutes") == "30"


def test_empty_settings_take_the_defaults(editor_client):
    response = editor_client.post(journey_url("add"), journey_form_for_trigger(
        "abandoned_basket", {"idle_minutes": "", "give_up_after_days": "", "hours_between_series": ""},
    ))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Journey.objects.get().trigger_settings == BASKET_DEFAULTS


def test_a_refused_edit_keeps_the_journeys_setting(editor_client):
    editor_client.post(journey_url("add"), journey_form_for_trigger(
        "abandoned_basket", {"idle_minutes": "30"}, action="action-publish",
    ))
    journey = Journey.objects.get()
    step = step_form(id=journey.steps.get().pk)

    response = editor_client.post(journey_url("edit", journey), journey_form_for_trigger(
        "abandoned_basket", {"idle_minutes": "10081"}, steps=[step], initial=1, action="action-publish",
    ))

    assert response.status_code == 200
    page = response.content.decode()
    assert field_errors(page, "trigger_abandoned_basket_idle_minutes") == [
        "Minutes the basket sat untouched must be between 15 and 10080."
    ]
    assert field_value(page, "trigger_abandoned_basket_idle_minutes") == "10081", "what the editor typed stays"
    journey.refresh_from_db()
    assert journey.trigger_settings["idle_minutes"] == 30


def test_the_setting_saved_in_the_editor_decides_when_the_reminder_goes(editor_client, client_class, catalogue, outbox):
    response = editor_client.post(journey_url("add"), journey_form_for_trigger(
        "abandoned_basket", {"idle_minutes": "20"},
        steps=[step_form("Forgot something?", delay_hours=0)], action="action-publish",
    ))
    assert response.status_code == 302, response.content.decode()[:3000]
    shopper = client_class()
    register_subscriber(shopper, "hasty@example.com")
    add_to_basket(shopper, catalogue[0])
    left_at = timezone.now()

    for minutes in (15, 26):
        with time_machine.travel(left_at + timedelta(minutes=minutes), tick=False):
            run_lifecycle()
        if minutes < 20:
            assert len(outbox) == 0, "not before the 20 minutes the editor set"

    assert [email.subject for email in outbox] == ["Forgot something?"]


@pytest.mark.parametrize("stored, message", [
    ({"idle_minutes": 5}, "Minutes the basket sat untouched must be between 15 and 10080."),
    ({"hours_between_series": "often"}, "Hours between two reminder series to one contact must be a whole number."),
])
def test_a_journey_refuses_stored_settings_out_of_range(stored, message):
    journey = Journey(name="Basket", trigger="abandoned_basket", trigger_settings=stored)

    with pytest.raises(ValidationError) as refused:
        journey.full_clean()

    assert message in refused.value.messages


def test_a_journey_with_valid_stored_settings_is_completed_with_the_defaults():
    journey = Journey(name="Basket", trigger="abandoned_basket", trigger_settings={"idle_minutes": "45"})

    journey.full_clean()

    assert journey.trigger_settings == {**BASKET_DEFAULTS, "idle_minutes": 45}


def test_the_journey_editor_shows_each_triggers_settings_section(editor_client):
    # A date attribute declared: the date-attribute trigger's attributes have a box to tick.
    ContactAttribute.objects.create(name="Renewal", key="renewal", kind=ContactAttribute.Kind.DATE)
    page = editor_client.get(journey_url("add")).content.decode()

    with_settings = {name: trigger for name, trigger in registered_triggers().items() if trigger.settings}
    assert {"abandoned_basket", "browse_abandonment"} <= set(with_settings)
    for name, trigger in with_settings.items():
        assert escape(f"Settings of the trigger “{trigger.label}”") in page
        for setting in trigger.settings:
            assert f'name="trigger_{name}_{setting.name}"' in page
            assert escape(str(setting.label)) in page
