"""The "journey" rule: who is in a journey now, went through it, left it, or ever entered it, in
any of its languages; how a newsletter audience waits for the end of the new-members series."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Locale

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Enrollment, Segment
from tests.shop import create_journey, register_subscriber, subscriber

pytestmark = pytest.mark.django_db


def segment_of(*rules, match="all"):
    return Segment(name="Audience", match=match, rules=[{"type": rule, "value": value} for rule, value in rules])


def addresses(segment):
    return sorted(segment.contacts().values_list("email", flat=True))


def test_the_newsletter_audience_takes_new_members_once_their_series_is_over(client):
    series = create_journey("First month", steps=[
        {"delay_hours": 0, "subject": "Welcome"}, {"delay_days": 7, "subject": "Week two"},
    ])
    newsletter = segment_of(("consent", {"consents": ["granted"]}),
                            ("in_journey", {"journey": series.pk, "place": "in_now", "negate": True}))
    subscriber("old-reader@example.com")
    start = timezone.now()
    register_subscriber(client, "new-member@example.com")
    run_lifecycle()

    assert addresses(newsletter) == ["old-reader@example.com"]
    with time_machine.travel(start + timedelta(days=7, minutes=5), tick=False):
        run_lifecycle()
        assert addresses(newsletter) == ["new-member@example.com", "old-reader@example.com"]
    assert addresses(segment_of(("in_journey", {"journey": series.pk, "place": "finished"}))) == [
        "new-member@example.com"]


def test_each_place_in_a_journey_in_any_of_its_languages():
    english = create_journey("Club", steps=[{"delay_hours": 0}])
    french = english.copy_for_translation(Locale.objects.get_or_create(language_code="fr")[0])
    french.save()
    other = create_journey("Other", steps=[{"delay_hours": 0}])
    for address, journey, state in (
        ("waiting@example.com", english, Enrollment.State.ACTIVE),
        ("held@example.com", french, Enrollment.State.HELD),
        ("finished@example.com", french, Enrollment.State.COMPLETED),
        ("left@example.com", english, Enrollment.State.EXITED),
        ("elsewhere@example.com", other, Enrollment.State.ACTIVE),
    ):
        Enrollment.objects.create(contact=subscriber(address), journey=journey, state=state)

    def place(name, negate=False):
        return addresses(segment_of(("in_journey", {"journey": english.pk, "place": name, "negate": negate})))

    assert place("in_now") == ["held@example.com", "waiting@example.com"]
    assert place("finished") == ["finished@example.com"]
    assert place("left") == ["left@example.com"]
    assert place("ever") == ["finished@example.com", "held@example.com", "left@example.com", "waiting@example.com"]
    assert place("ever", negate=True) == ["elsewhere@example.com"]


def test_a_journey_that_does_not_exist_is_refused_naming_the_rule():
    with pytest.raises(ValidationError) as refused:
        segment_of(("in_journey", {"journey": 999, "place": "in_now"})).clean()
    assert "Journey" in str(refused.value) and "Choose a journey that exists." in str(refused.value)
