"""An editor deletes a step while contacts wait for it: they move on to the step now in its
place, at the journey's spacing; none is dropped, none gets a step twice."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Enrollment
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db


def publish_without(journey, subject):
    """What the editor's form does: the remaining steps renumbered in order, then published."""
    steps = [step for step in journey.ordered_steps() if step.subject != subject]
    for position, step in enumerate(steps):
        step.sort_order = position
    journey.steps = steps
    journey.save_revision().publish()


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_contacts_waiting_on_a_deleted_step_move_on_to_the_next(outbox):
    journey = create_journey(steps=[
        {"delay_hours": 0, "subject": "One"}, {"delay_days": 1, "subject": "Two"}, {"delay_days": 2, "subject": "Three"},
    ])
    start = timezone.now()
    for number in range(20):
        enroll("registration", subscriber(f"waiting{number}@example.com"), now=start)
    with at(start):
        dispatch_due()
    publish_without(journey, "Two")

    with at(start + timedelta(days=1, minutes=1)):
        assert dispatch_due().outcomes == {"moved on": 20}
    with at(start + timedelta(days=2, hours=23)):
        assert dispatch_due().outcomes == {}, "Three keeps its two days after where Two was"
    with at(start + timedelta(days=3, minutes=2)):
        assert dispatch_due().outcomes == {"sent": 20}

    subjects = [email.subject for email in outbox]
    assert subjects.count("One") == 20 and subjects.count("Three") == 20 and "Two" not in subjects
    assert set(Enrollment.objects.values_list("state", flat=True)) == {Enrollment.State.COMPLETED}


def test_deleting_the_last_step_completes_the_journey(outbox):
    journey = create_journey(steps=[{"delay_hours": 0, "subject": "One"}, {"delay_days": 1, "subject": "Last"}])
    start = timezone.now()
    enroll("registration", subscriber("almost@example.com"), now=start)
    with at(start):
        dispatch_due()
    publish_without(journey, "Last")
    with at(start + timedelta(days=1, minutes=1)):
        dispatch_due()
    enrollment = Enrollment.objects.get()
    assert enrollment.state == Enrollment.State.COMPLETED
    assert enrollment.reason == "its next step was deleted, and no step followed"
