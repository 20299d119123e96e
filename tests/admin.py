"""Drive the Wagtail admin the way an editor's browser would: who logs in, and the journey forms they post."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

JOURNEYS_INDEX = "oscar_lifecycle_journeys:list"


def admin_user(username, *permissions):
    """A user who may log in to Wagtail's admin, with ``permissions`` (codenames) besides."""
    user = get_user_model().objects.create_user(username, f"{username}@shop.test", "pw")
    group = Group.objects.create(name=f"{username} group")
    codenames = ["access_admin", *permissions]
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    return user


def journey_url(name, journey=None):
    args = [journey.pk] if journey is not None else []
    return reverse(f"oscar_lifecycle_journeys:{name}", args=args)


def step_form(subject="Welcome to {{ shop_name }}", *, delay_hours=1, body=None, **fields):
    return {
        "delay_days": 0,
        "delay_hours": delay_hours,
        "condition": "",
        "on_condition_fail": "skip",
        "subject": subject,
        "preheader": "",
        "body": streamfield(body if body is not None else [
            ("heading", "Hello {{ first_name|default:\"there\" }}"),
            ("text", rich_text("<p>Good to see you.</p>")),
            ("button", {"text": "Shop now", "url": "/catalogue/"}),
        ]),
        **fields,
    }


def journey_form(name="Welcome", *, steps=None, initial=0, action=None):
    """POST data of the journey form; ``initial``: how many steps already exist (they carry an id)."""
    data = nested_form_data({
        "name": name,
        "trigger": "registration",
        "audience": "all",
        "segment": "",
        "segment_check": "every_email",
        "reentry": "once",
        "goal": "",
        "category": "marketing",
        "steps": inline_formset(steps if steps is not None else [step_form()], initial=initial),
    })
    if action:
        data[action] = action
    return data


def journey_form_for_trigger(trigger, settings=None, **kwargs):
    """POST data of the journey form for a journey that ``trigger`` starts, with ``settings``
    ({setting name: value as typed}) in the trigger's settings fields."""
    data = journey_form(**kwargs)
    data["trigger"] = trigger
    for name, value in (settings or {}).items():
        data[f"trigger_{trigger}_{name}"] = value
    return data
