"""Turn recorded activities into contacts' facts and enrollments: the runner's half of a receiver.

Each batch is claimed and worked in one transaction, so an activity is processed
exactly once: a crash rolls the whole batch back, and a second runner skips rows
the first holds (SKIP LOCKED on PostgreSQL; on SQLite the claiming UPDATE waits
for the first runner and finds the rows taken).
"""

import logging
from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..conditions import ORDER_PLACED_GOAL
from ..conf import lifecycle_setting
from ..contacts import contact_for, record_change
from ..exceptions import InvalidContactEmail
from ..models import Activity, Contact
from ..optin import ask_for_confirmation
from ..tracking.attribution import attribute_order
from ..triggers import event_triggers
from .enroll import enroll_entries, exit_for_goal, live_journeys

logger = logging.getLogger(__name__)


class _ClaimedElsewhere(Exception):
    """Another runner processed some of the rows this one selected (SQLite)."""


def _email_of(activity):
    if activity.email:
        return activity.email
    if activity.order is not None:
        return activity.order.email
    return activity.user.email if activity.user is not None else ""


def _fill_from_order(contact, order, update_fields):
    """An order keeps the contact's last order (and engagement) time, and names a guest by
    the shipping address."""
    if contact.last_order_at is None or order.date_placed > contact.last_order_at:
        contact.last_order_at = order.date_placed
        update_fields.append("last_order_at")
    if contact.last_engagement_at is None or order.date_placed > contact.last_engagement_at:
        contact.last_engagement_at = order.date_placed
        update_fields.append("last_engagement_at")
    address = order.shipping_address or order.billing_address
    if address is not None and not (contact.first_name or contact.last_name):
        contact.first_name = address.first_name[:150]
        contact.last_name = address.last_name[:150]
        update_fields += ["first_name", "last_name"]


def _resolve(activity):
    """The activity's Contact, created when needed, with the facts the activity brings."""
    contact = contact_for(_email_of(activity), user=activity.user)
    update_fields = []
    if activity.language and not contact.locale:
        contact.locale = activity.language
        update_fields.append("locale")
    if activity.kind == Activity.Kind.ORDER_PLACED and activity.order is not None:
        _fill_from_order(contact, activity.order, update_fields)
    if update_fields:
        contact.save(update_fields=update_fields)
    if activity.kind == Activity.Kind.ORDER_PLACED and contact.status == Contact.Status.SUNSET:
        record_change(contact, source="an order ended the sunset", status=Contact.Status.ACTIVE)
    return contact


class _JourneysOfTriggers:
    """Live journeys per trigger, loaded once per batch."""

    def __init__(self):
        self.by_trigger = {}

    def __call__(self, trigger):
        if trigger.name not in self.by_trigger:
            self.by_trigger[trigger.name] = live_journeys(trigger.name)
        return self.by_trigger[trigger.name]


# An order recorded this long after it was placed was imported (demo data, a migration from
# another shop): it updates the contact, but "after your order" mail would come years late.
BACKDATED_ORDER = timedelta(days=1)
ORDER_KINDS = {Activity.Kind.ORDER_PLACED, Activity.Kind.ORDER_STATUS_CHANGED}
# Where the contact ticked the consent box an activity carries, as its ConsentEvent says.
CONSENT_SOURCES = {Activity.Kind.REGISTERED: "registration form", Activity.Kind.CHECKOUT_STARTED: "checkout form"}


def _process(activity, journeys_of, now):
    """Apply one activity; return (outcome, contact or None)."""
    if activity.kind in ORDER_KINDS and activity.order is None:
        return "order deleted", None
    contact = _resolve(activity)
    if activity.consent_request:
        ask_for_confirmation(contact, activity.consent_request, source=CONSENT_SOURCES[activity.kind])
    if activity.kind == Activity.Kind.ORDER_PLACED:
        exit_for_goal(ORDER_PLACED_GOAL, contact, now=now)
        attribute_order(activity.order, contact)
        if activity.created_at - activity.order.date_placed > BACKDATED_ORDER:
            return "recorded", contact  # an import of past orders keeps facts, starts no journey
    enrolled = 0
    for trigger in event_triggers(activity.kind):
        for journey in journeys_of(trigger):
            entries = trigger.entries_for(activity, contact, trigger.settings_for(journey))
            # Dated when the shopper acted: delays and goals count from then, not from the runner.
            enrolled += len(enroll_entries(trigger.name, entries, journeys=[journey], now=activity.created_at))
    return ("enrolled" if enrolled else "recorded"), contact


def _claim_batch(now, batch_size):
    ids = list(
        Activity.objects.filter(processed_at__isnull=True)
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:batch_size]
    )
    if ids and Activity.objects.filter(pk__in=ids, processed_at__isnull=True).update(processed_at=now) != len(ids):
        raise _ClaimedElsewhere
    return list(
        Activity.objects.filter(pk__in=ids)
        .select_related("user", "order__user", "order__shipping_address", "order__billing_address")
        .order_by("pk")
    )


def _process_batch(now, batch_size, outcomes):
    """Process one batch in one transaction; return how many activities it held."""
    with transaction.atomic():
        activities = _claim_batch(now, batch_size)
        journeys_of = _JourneysOfTriggers()
        for activity in activities:
            try:
                with transaction.atomic():
                    outcome, contact = _process(activity, journeys_of, now)
                activity.contact = contact
                outcomes[outcome] += 1
            except InvalidContactEmail as error:
                logger.warning("oscar_lifecycle: activity %s skipped: %s", activity.pk, error.message)
                outcomes["invalid address"] += 1
            except Exception:
                logger.exception("oscar_lifecycle: processing activity %s failed", activity.pk)
                outcomes["failed"] += 1
        Activity.objects.bulk_update([a for a in activities if a.contact_id], ["contact"])
    return len(activities)


def process_activities(now=None):
    """Process every activity recorded so far; return a Counter of outcomes."""
    now = now or timezone.now()
    batch_size = lifecycle_setting("ACTIVITY_BATCH_SIZE")
    outcomes = Counter()
    while True:
        try:
            if _process_batch(now, batch_size, outcomes) < batch_size:
                return outcomes
        except _ClaimedElsewhere:
            continue
