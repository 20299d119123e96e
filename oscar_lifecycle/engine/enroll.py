"""Put contacts into the live journeys of a trigger, and take them out when a goal happens."""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from wagtail.models import Locale

from ..models import Contact, Enrollment, Journey
from ..triggers import get_trigger
from ..triggers.base import Entry
from .gates import may_enter

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


def live_journeys(trigger_name):
    """The live journeys of ``trigger_name`` in the default locale (translations only lend
    their words), with their steps."""
    return list(
        Journey.objects.filter(live=True, trigger=trigger_name, locale=Locale.get_default())
        .prefetch_related("steps")
    )


def _new_enrollment(journey, entry, now):
    enrollment = Enrollment(
        contact=entry.contact, journey=journey, order_id=entry.order_id, basket_id=entry.basket_id,
        product_id=entry.product_id, context=entry.context, created_at=now,
    )
    steps = journey.ordered_steps()
    if steps:
        enrollment.next_step = steps[0]
        enrollment.next_run_at = now + steps[0].delay
    else:
        logger.warning("Journey %r has no steps: %s was not enrolled.", journey.name, entry.contact)
        enrollment.state = Enrollment.State.EXITED
        enrollment.reason = "journey has no steps"
        enrollment.ended_at = now
    return enrollment


def enroll_entries(
    trigger_name: str,
    entries: Iterable[Entry],
    *,
    journeys: list[Journey] | None = None,
    now: datetime | None = None,
) -> list[Enrollment]:
    """Enroll each entry in ``journeys`` (default: every live journey of the trigger) unless
    its audience, re-entry policy, the contact's status or consent forbids it (a contact who
    ticked a consent box enters, and waits for its confirmation); return the new enrollments.

    A fixed number of queries whatever the number of entries: scans enroll thousands at once.
    """
    get_trigger(trigger_name)
    now = now or timezone.now()
    entries = list(entries)
    journeys = live_journeys(trigger_name) if journeys is None else journeys
    if not journeys or not entries:
        return []
    earlier_states = {}
    for contact_id, journey_id, state in Enrollment.objects.filter(
        contact__in={entry.contact.pk for entry in entries}, journey__in=journeys
    ).values_list("contact_id", "journey_id", "state"):
        earlier_states.setdefault((contact_id, journey_id), set()).add(state)

    new_enrollments = []
    for journey in journeys:
        for entry in entries:
            contact = entry.contact
            states = earlier_states.setdefault((contact.pk, journey.pk), set())
            if not _in_audience(journey, contact) or _blocked_by_reentry(journey, states):
                continue
            if not may_enter(contact, journey, now):
                continue
            states.add(Enrollment.State.ACTIVE)
            new_enrollments.append(_new_enrollment(journey, entry, now))
    return Enrollment.objects.bulk_create(new_enrollments)


def enroll(
    trigger_name: str, contact: Contact, *, order=None, basket=None, product=None,
    now: datetime | None = None,
) -> list[Enrollment]:
    """Enroll one ``contact`` in every live journey of ``trigger_name``; return the new enrollments."""
    entry = Entry(
        contact,
        order_id=getattr(order, "pk", None),
        basket_id=getattr(basket, "pk", None),
        product_id=getattr(product, "pk", None),
    )
    return enroll_entries(trigger_name, [entry], now=now)


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
