"""Work a batch of activities at once: a number of statements that does not grow with the batch,
and the result of working its activities one after the other, in the order they happened.

1. Contacts, in memory: the batch's addresses and accounts are looked up in one query
   (``ContactsOfBatch``); each activity, in order, finds or makes its contact and brings its
   facts (language, last order, names, the end of a sunset, a ticked consent box). A copy of the
   contact as the activity left it decides what the activity's journeys see (audience, consent),
   as if the activities after it had not happened yet. Then the contacts, their ConsentEvents
   and the confirmation notices are written, a statement or two each; the address of those who
   ordered is recomputed in one more (``contact_address.py``).
2. Journeys: each event trigger finds the entries of each of its journeys for all the batch's
   activities at once (``entries_for_activities``); then, in order again, an order ends the goal
   journeys of its contact, those entered earlier in the batch too, and entries are admitted
   (``Admissions``): one UPDATE for the exits, one INSERT for the enrollments.
3. Orders are attributed to the emails that earned them, and each activity keeps its contact:
   a few statements more.

An account whose contact has another address (the shopper changed it) stops the walk there: what
came before is worked, ``contact_for`` moves that contact, and the rest is worked as a batch.
"""

import copy
import logging
from collections import Counter
from datetime import timedelta

from ..conditions import ORDER_PLACED_GOAL
from ..contact_address import refresh_contact_addresses
from ..contacts import CONSENT_FIELDS, AddressChanged, ContactsOfBatch, consent_change, contact_for, normalize_email
from ..exceptions import InvalidContactEmail
from ..models import Activity, Contact, Message
from ..optin import ask_for_confirmation
from ..prices import note_prices_seen
from ..row_updates import update_rows
from ..tracking.attribution import attribute_orders
from ..triggers import event_triggers
from .enroll import Admissions, exit_for_goal, live_journeys_of

logger = logging.getLogger(__name__)

# An order recorded this long after it was placed was imported (demo data, a migration from
# another shop): it updates the contact, but "after your order" mail would come years late.
BACKDATED_ORDER = timedelta(days=1)
ORDER_KINDS = {Activity.Kind.ORDER_PLACED, Activity.Kind.ORDER_STATUS_CHANGED}
# Where the contact ticked the consent box an activity carries, as its ConsentEvent says.
CONSENT_SOURCES = {Activity.Kind.REGISTERED: "registration form", Activity.Kind.CHECKOUT_STARTED: "checkout form"}


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


def _is_backdated(activity):
    return activity.created_at - activity.order.date_placed > BACKDATED_ORDER


class _Worked:
    """An activity, its contact (the batch's one row for it) and that contact as the activity left it."""

    def __init__(self, activity, contact):
        self.activity, self.contact = activity, contact
        self.as_it_was = copy.copy(contact)


def _bring_facts(activity, contact, contacts, notices):
    """What ``activity`` tells of ``contact``, set in memory and noted in ``contacts`` for saving."""
    fields = []
    if activity.language and not contact.locale:
        contact.locale = activity.language
        fields.append("locale")
    if activity.kind == Activity.Kind.ORDER_PLACED:
        _fill_from_order(contact, activity.order, fields)
    contacts.note(contact, fields)
    if activity.kind == Activity.Kind.ORDER_PLACED and contact.status == Contact.Status.SUNSET:
        contacts.note(contact, CONSENT_FIELDS, consent_change(
            contact, source="an order ended the sunset", status=Contact.Status.ACTIVE))
    if activity.consent_request:
        asked = ask_for_confirmation(contact, activity.consent_request, source=CONSENT_SOURCES[activity.kind],
                                     lasting=contacts.lasting_no(contact))
        if asked is not None:
            event, notice = asked
            contacts.note(contact, CONSENT_FIELDS, event)
            notices.append(notice)


def _resolve(pending):
    """Each of ``pending`` (activity, address) with its contact and facts, saved; stops before an
    account whose contact has another address (raises AddressChanged when it is the first)."""
    contacts = ContactsOfBatch([(email, activity.user) for activity, email in pending])
    worked, notices = [], []
    for activity, email in pending:
        try:
            contact = contacts.contact_for(email, activity.user)
        except AddressChanged:
            if not worked:
                raise
            break
        _bring_facts(activity, contact, contacts, notices)
        worked.append(_Worked(activity, contact))
    contacts.save()
    for item in worked:
        item.as_it_was.pk = item.contact.pk  # a contact made by the batch has its id now
    ordering = {item.contact.pk for item in worked if item.activity.kind == Activity.Kind.ORDER_PLACED}
    if ordering:
        refresh_contact_addresses(Contact.objects.filter(pk__in=ordering))
    Message.objects.bulk_create(notices)
    return worked


def _entries(worked):
    """{(trigger name, journey id): {activity id: entries}} and the triggers and journeys of each
    activity kind in ``worked``."""
    kinds = {item.activity.kind for item in worked}
    triggers = {kind: event_triggers(kind) for kind in kinds}
    journeys = live_journeys_of({trigger.name for each in triggers.values() for trigger in each})
    entries = {}
    for kind, kind_triggers in triggers.items():
        resolved = [(item.activity, item.as_it_was) for item in worked if item.activity.kind == kind
                    and not (kind == Activity.Kind.ORDER_PLACED and _is_backdated(item.activity))]
        for trigger in kind_triggers:
            for journey in journeys[trigger.name]:
                entries[trigger.name, journey.pk] = trigger.entries_for_activities(
                    resolved, trigger.settings_for(journey)) if resolved else {}
    return entries, triggers, journeys


def _enroll(worked, now, outcomes):
    """Goal exits and enrollments of ``worked``, in the order the activities happened."""
    entries, triggers, journeys = _entries(worked)
    admissions = Admissions({item.contact.pk for item in worked},
                            [journey for each in journeys.values() for journey in each], now)
    ordering = {item.contact.pk for item in worked if item.activity.kind == Activity.Kind.ORDER_PLACED}
    if ordering:
        exit_for_goal(ORDER_PLACED_GOAL, ordering, now=now)
    for item in worked:
        activity = item.activity
        if activity.kind == Activity.Kind.ORDER_PLACED:
            admissions.reach_goal(item.contact.pk, ORDER_PLACED_GOAL, now)
            if _is_backdated(activity):
                outcomes["recorded"] += 1  # an import of past orders keeps facts, starts no journey
                continue
        enrolled = 0
        for trigger in triggers[activity.kind]:
            for journey in journeys[trigger.name]:
                for entry in entries[trigger.name, journey.pk].get(activity.pk, ()):
                    # Dated when the shopper acted: delays and goals count from then, not from the runner.
                    enrolled += admissions.admit(journey, entry, activity.created_at) is not None
        outcomes["enrolled" if enrolled else "recorded"] += 1
    admissions.save()


def _work(pending, now, outcomes):
    """Work ``pending`` up to the first account whose contact moved address; return the
    conversions recorded and how many activities were worked."""
    worked = _resolve(pending)
    _enroll(worked, now, outcomes)
    conversions = attribute_orders([(item.activity.order, item.contact) for item in worked
                                    if item.activity.kind == Activity.Kind.ORDER_PLACED])
    for item in worked:
        item.activity.contact = item.contact
    note_prices_seen([item.activity for item in worked])
    update_rows(Activity, [item.activity for item in worked], ["contact", "price_seen"])
    return conversions, len(worked)


def work_activities(activities, now):
    """Apply ``activities`` (claimed, in the order they happened); return a Counter of outcomes and
    the Conversions recorded, to announce once they are committed."""
    outcomes, conversions, pending = Counter(), [], []
    for activity in activities:
        if activity.kind in ORDER_KINDS and activity.order is None:
            outcomes["order deleted"] += 1
            continue
        try:
            pending.append((activity, normalize_email(_email_of(activity))))
        except InvalidContactEmail as error:
            logger.warning("oscar_lifecycle: activity %s skipped: %s", activity.pk, error.message)
            outcomes["invalid address"] += 1
    while pending:
        try:
            recorded, done = _work(pending, now, outcomes)
        except AddressChanged:
            activity, email = pending[0]
            contact_for(email, user=activity.user)  # moves the account's contact to its address
            recorded, done = _work(pending, now, outcomes)
        conversions += recorded
        pending = pending[done:]
    return outcomes, conversions
