"""Record what happened to a sent message, once, and what it means for the contact."""

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from ..conf import lifecycle_setting
from ..contacts import record_engagement, say_no
from ..models import Contact, Message, MessageEvent
from ..models.contacts import ERASED_DOMAIN
from ..storable import USER_AGENT_LENGTH, storable_text

SAYS_NO = {
    MessageEvent.Kind.BOUNCED: Contact.Status.BOUNCED,
    MessageEvent.Kind.COMPLAINED: Contact.Status.COMPLAINED,
    MessageEvent.Kind.UNSUBSCRIBED: Contact.Status.UNSUBSCRIBED,
}
ENGAGEMENT = {MessageEvent.Kind.OPENED: ("opened_at", "open_count"),
              MessageEvent.Kind.CLICKED: ("clicked_at", "click_count")}
# Signs that the contact's mailbox takes our mail: soft bounces before them no longer count.
REACHED_THE_MAILBOX = [MessageEvent.Kind.DELIVERED, MessageEvent.Kind.OPENED, MessageEvent.Kind.CLICKED]


def record_event(message, kind, *, source, url="", user_agent="", is_machine=False, description="", at=None):
    """Record ``kind`` for ``message``; return the MessageEvent, or None when it was already known.

    A human open or click moves the message's counts and the contact's last engagement; a hard
    bounce, a complaint or an ESP unsubscribe stops mail to the contact at once, and so does the
    soft bounce that makes SOFT_BOUNCE_LIMIT of them in a row (``soft_bounces_in_a_row``).
    """
    at = at or timezone.now()
    if message.to_email.endswith(f"@{ERASED_DOMAIN}"):
        # Old links of an erased contact still work, and are counted, but record nothing personal.
        url = user_agent = description = ""
    try:
        with transaction.atomic():
            event = MessageEvent.objects.create(
                message=message, contact_id=message.contact_id, kind=kind, source=source,
                url=storable_text(url, 2000), user_agent=storable_text(user_agent, USER_AGENT_LENGTH),
                is_machine=is_machine, description=storable_text(description, 300), created_at=at,
            )
    except IntegrityError:
        event = None
    # Our pixel and redirect count every hit; an ESP retries its webhooks, so a known event is a replay.
    if kind in ENGAGEMENT and not is_machine and (event is not None or source != MessageEvent.Source.ESP):
        _count_engagement(message, kind, at)
    if event is not None and kind in SAYS_NO:
        contact = Contact.objects.get(pk=message.contact_id)
        say_no(contact, SAYS_NO[kind], source=f"ESP: {event.get_kind_display().lower()} ({message.to_email})")
    elif event is not None and kind == MessageEvent.Kind.SOFT_BOUNCED:
        soft_bounces = soft_bounces_in_a_row(message.contact_id, at)
        if soft_bounces >= lifecycle_setting("SOFT_BOUNCE_LIMIT"):
            contact = Contact.objects.get(pk=message.contact_id)
            say_no(contact, Contact.Status.BOUNCED,
                   source=f"ESP: {soft_bounces} soft bounces in a row ({message.to_email})"[:100])
    return event


def soft_bounces_in_a_row(contact_id, at):
    """How many of the contact's messages soft-bounced after ``at`` minus SOFT_BOUNCE_WINDOW and
    after the last sign that their mailbox takes our mail (a delivery, a person's open or click).
    A message counts once, however often the ESP retried it."""
    events = MessageEvent.objects.filter(contact_id=contact_id, is_machine=False)
    since = at - lifecycle_setting("SOFT_BOUNCE_WINDOW")
    last_reached = events.filter(kind__in=REACHED_THE_MAILBOX).aggregate(last=Max("created_at"))["last"]
    if last_reached is not None and last_reached > since:
        since = last_reached
    return events.filter(kind=MessageEvent.Kind.SOFT_BOUNCED, created_at__gt=since).count()


def _count_engagement(message, kind, at):
    first_field, count_field = ENGAGEMENT[kind]
    Message.objects.filter(pk=message.pk).update(**{count_field: F(count_field) + 1})
    Message.objects.filter(pk=message.pk, **{f"{first_field}__isnull": True}).update(**{first_field: at})
    record_engagement(message.contact_id, at)
