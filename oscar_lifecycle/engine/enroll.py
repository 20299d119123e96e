"""Put contacts into the live journeys of a trigger, and take them out when a goal happens."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone
from wagtail.models import Locale

from ..models import Contact, Enrollment, Journey
from ..triggers import get_trigger
from ..triggers.base import Entry
from .gates import may_enter
from .segment_filters import segment_members

logger = logging.getLogger(__name__)


def _in_audience(journey, contact):
    if journey.audience == Journey.Audience.CUSTOMERS:
        return contact.last_order_at is not None
    if journey.audience == Journey.Audience.PROSPECTS:
        return contact.last_order_at is None
    return True


def _blocked_by_reentry(journey, states, last_entered, now):
    """``states``: the states of this contact's earlier enrollments in ``journey``;
    ``last_entered``: when the latest began (None: never)."""
    if journey.reentry == Journey.Reentry.ONCE:
        return bool(states)
    if journey.reentry_after_days and last_entered is not None:
        if last_entered > now - timedelta(days=journey.reentry_after_days):
            return True
    if journey.reentry == Journey.Reentry.NOT_WHILE_ACTIVE:
        return Enrollment.State.ACTIVE in states or Enrollment.State.HELD in states
    return False


def live_journeys_of(trigger_names):
    """{trigger name: its live journeys in the default locale (translations only lend their
    words), with their steps and segment}, in three queries whatever the number of triggers."""
    journeys = {name: [] for name in trigger_names}
    for journey in (Journey.objects.filter(live=True, trigger__in=journeys, locale=Locale.get_default())
                    .select_related("segment").order_by("pk").prefetch_related("steps")):
        journeys[journey.trigger].append(journey)
    return journeys


def live_journeys(trigger_name):
    """The live journeys of ``trigger_name`` (``live_journeys_of``)."""
    return live_journeys_of([trigger_name])[trigger_name]


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


class Admissions:
    """Who may enter which of ``journeys`` as a batch goes on: the states of its contacts'
    earlier enrollments there (one query), the enrollments it makes (saved in one INSERT by
    ``save``), and the goals that end them, so that the batch admits exactly whom its entries,
    taken one after the other, would have."""

    def __init__(self, contact_ids, journeys, now):
        self.journeys = {journey.pk: journey for journey in journeys}
        self.segment_members = segment_members(journeys, contact_ids, now)
        self.states = {}
        self.last_entered = {}
        for contact_id, journey_id, state, created_at in Enrollment.objects.filter(
            contact__in=set(contact_ids), journey__in=journeys
        ).values_list("contact_id", "journey_id", "state", "created_at"):
            self.states.setdefault((contact_id, journey_id), set()).add(state)
            key = (contact_id, journey_id)
            self.last_entered[key] = max(created_at, self.last_entered.get(key, created_at))
        self.made = []
        self._made_by_contact = {}

    def admit(self, journey, entry, now):
        """The enrollment of ``entry`` in ``journey`` at ``now``, or None when its audience, its
        re-entry policy, the contact's status or consent forbids it (a contact who ticked a
        consent box enters, and waits for its confirmation)."""
        contact = entry.contact
        key = (contact.pk, journey.pk)
        states = self.states.setdefault(key, set())
        if not _in_audience(journey, contact) or _blocked_by_reentry(journey, states, self.last_entered.get(key), now):
            return None
        if journey.pk in self.segment_members and contact.pk not in self.segment_members[journey.pk]:
            return None
        if not may_enter(contact, journey, now):
            return None
        states.add(Enrollment.State.ACTIVE)
        self.last_entered[key] = max(now, self.last_entered.get(key, now))
        enrollment = _new_enrollment(journey, entry, now)
        self.made.append(enrollment)
        self._made_by_contact.setdefault(contact.pk, []).append(enrollment)
        return enrollment

    def reach_goal(self, contact_id, goal, now):
        """The contact reached ``goal``: what ``exit_for_goal`` does to its enrollments in the
        database, done to those this batch made, and to the states later entries are judged by."""
        reason = f"goal reached: {goal}"
        for enrollment in self._made_by_contact.get(contact_id, ()):
            if enrollment.state == Enrollment.State.ACTIVE and enrollment.journey.goal == goal:
                enrollment.state, enrollment.reason, enrollment.ended_at = Enrollment.State.EXITED, reason, now
                enrollment.next_run_at = None
        for journey in self.journeys.values():
            states = self.states.get((contact_id, journey.pk))
            if journey.goal == goal and states and Enrollment.State.ACTIVE in states:
                states.discard(Enrollment.State.ACTIVE)
                states.add(Enrollment.State.EXITED)

    def save(self):
        return Enrollment.objects.bulk_create(self.made)


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
    admissions = Admissions({entry.contact.pk for entry in entries}, journeys, now)
    for journey in journeys:
        for entry in entries:
            admissions.admit(journey, entry, now)
    return admissions.save()


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


def exit_for_goal(goal, contacts, *, now=None):
    """End the active enrollments of ``contacts`` (instances or ids) in journeys whose goal is
    ``goal``, in one UPDATE; return how many."""
    now = now or timezone.now()
    return Enrollment.objects.filter(
        contact__in=contacts, journey__goal=goal, state=Enrollment.State.ACTIVE
    ).update(
        state=Enrollment.State.EXITED,
        reason=f"goal reached: {goal}",
        ended_at=now,
        next_run_at=None,
        claim_token=None,
    )
