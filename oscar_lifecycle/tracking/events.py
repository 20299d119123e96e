"""Record what happened to a sent message, once, and what it means for the contact."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..contacts import record_engagement, say_no
from ..models import Contact, Message, MessageEvent
from ..storable import USER_AGENT_LENGTH, storable_text

SAYS_NO = {
    MessageEvent.Kind.BOUNCED: Contact.Status.BOUNCED,
    MessageEvent.Kind.COMPLAINED: Contact.Status.COMPLAINED,
    MessageEvent.Kind.UNSUBSCRIBED: Contact.Status.UNSUBSCRIBED,
}
ENGAGEMENT = {MessageEvent.Kind.OPENED: ("opened_at", "open_count"),
              MessageEvent.Kind.CLICKED: ("clicked_at", "click_count")}


def record_event(message, kind, *, source, url="", user_agent="", is_machine=False, description="", at=None):
    """Record ``kind`` for ``message``; return the MessageEvent, or None when it was already known.

    A human open or click moves the message's counts and the contact's last engagement; a hard
    bounce, a complaint or an ESP unsubscribe stops marketing to the contact at once.
    """
    at = at or timezone.now()
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
    return event


def _count_engagement(message, kind, at):
    first_field, count_field = ENGAGEMENT[kind]
    Message.objects.filter(pk=message.pk).update(**{count_field: F(count_field) + 1})
    Message.objects.filter(pk=message.pk, **{f"{first_field}__isnull": True}).update(**{first_field: at})
    record_engagement(message.contact_id, at)
