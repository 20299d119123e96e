"""Put a contact into the live journeys of a trigger, and take them out when a goal happens."""

import logging

from django.utils import timezone
from wagtail.models import Locale

from ..models import Enrollment, Journey
from ..triggers import get_trigger

logger = logging.getLogger(__name__)


def _in_audience(journey, contact):
    if journey.audience == Journey.Audience.CUSTOMERS:
        return contact.last_order_at is not None
    if journey.audience == Journey.Audience.PROSPECTS:
        return contact.last_order_at is None
    return True


def _blocked_by_reentry(journey, states):
    """``states``: the states of this contact's earlier enrollments in ``journey``."""
    if journey.reentry == Journey.Reentry.ONCE:
        return bool(states)
    if journey.reentry == Journey.Reentry.NOT_WHILE_ACTIVE:
        return Enrollment.State.ACTIVE in states or Enrollment.State.HELD in states
    return False


def enroll(trigger_name, contact, *, order=None, basket=None, product=None, now=None):
    """Enroll ``contact`` in every live journey of ``trigger_name`` in the default locale
    (translations only lend their words); return the new enrollments.

    A journey without steps gets an exited enrollment that says so, and a warning in the log.
    """
    get_trigger(trigger_name)
    now = now or timezone.now()
    journeys = list(
        Journey.objects.filter(
            live=True, trigger=trigger_name, locale=Locale.get_default()
        ).prefetch_related("steps")
    )
    if not journeys:
        return []
    earlier_states = {}
    for journey_id, state in Enrollment.objects.filter(
        contact=contact, journey__in=journeys
    ).values_list("journey_id", "state"):
        earlier_states.setdefault(journey_id, set()).add(state)

    new_enrollments = []
    for journey in journeys:
        if not _in_audience(journey, contact):
            continue
        if _blocked_by_reentry(journey, earlier_states.get(journey.pk, set())):
            continue
        enrollment = Enrollment(
            contact=contact, journey=journey, order=order, basket=basket, product=product,
            created_at=now,
        )
        steps = journey.ordered_steps()
        if steps:
            enrollment.next_step = steps[0]
            enrollment.next_run_at = now + steps[0].delay
        else:
            logger.warning("Journey %r has no steps: %s was not enrolled.", journey.name, contact)
            enrollment.state = Enrollment.State.EXITED
            enrollment.reason = "journey has no steps"
            enrollment.ended_at = now
        new_enrollments.append(enrollment)
    return Enrollment.objects.bulk_create(new_enrollments)


def exit_for_goal(goal, contact, *, now=None):
    """End the contact's active enrollments in journeys whose goal is ``goal``; return how many."""
    now = now or timezone.now()
    return Enrollment.objects.filter(
        contact=contact, journey__goal=goal, state=Enrollment.State.ACTIVE
    ).update(
        state=Enrollment.State.EXITED,
        reason=f"goal reached: {goal}",
        ended_at=now,
        next_run_at=None,
        claim_token=None,
    )
