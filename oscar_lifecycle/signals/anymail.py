"""Receiver of django-anymail's ``tracking`` signal: the ESP's feedback on the messages we sent.

anymail's own webhook views (``anymail.urls``, authenticated with ``ANYMAIL["WEBHOOK_SECRET"]``)
turn each ESP's payload into normalized events; this matches them to our Message by the ESP's
message id and records them. Never raises into the webhook: an error is logged, and the ESP
gets its 200 (or it would retry for days).
"""

import logging

from anymail.signals import EventType, RejectReason

from ..conf import lifecycle_setting
from ..engine.held import Resolution, resolve
from ..models import Message, MessageEvent
from ..storable import storable_text
from ..tracking.bounces import bounce_kind
from ..tracking.events import record_event
from ..tracking.machines import is_machine

logger = logging.getLogger(__name__)

KINDS = {
    EventType.DELIVERED: MessageEvent.Kind.DELIVERED,
    EventType.DEFERRED: MessageEvent.Kind.DEFERRED,
    EventType.BOUNCED: MessageEvent.Kind.BOUNCED,
    EventType.REJECTED: MessageEvent.Kind.REJECTED,
    EventType.COMPLAINED: MessageEvent.Kind.COMPLAINED,
    EventType.UNSUBSCRIBED: MessageEvent.Kind.UNSUBSCRIBED,
    EventType.OPENED: MessageEvent.Kind.OPENED,
    EventType.CLICKED: MessageEvent.Kind.CLICKED,
}

# A refusal because of the ESP's own suppression list says what the address said before.
REJECTED_BECAUSE = {
    RejectReason.BOUNCED: MessageEvent.Kind.BOUNCED,
    RejectReason.INVALID: MessageEvent.Kind.BOUNCED,
    RejectReason.SPAM: MessageEvent.Kind.COMPLAINED,
    RejectReason.UNSUBSCRIBED: MessageEvent.Kind.UNSUBSCRIBED,
}


def _kind(event, esp_name):
    kind = KINDS.get(event.event_type)
    if kind == MessageEvent.Kind.BOUNCED:
        return bounce_kind(esp_name, event.esp_event)
    if kind == MessageEvent.Kind.REJECTED:
        return REJECTED_BECAUSE.get(event.reject_reason, kind)
    return kind


def message_of(event):
    """Our Message the event is about: by the ESP's message id, else by the id we sent in the
    email's metadata (the only link to a message whose send's answer was lost), when the event's
    recipient is that message's."""
    message_id = str(event.message_id or "")
    if message_id and storable_text(message_id) == message_id:  # PostgreSQL refuses to look up a NUL
        message = Message.objects.filter(esp_message_id=message_id).first()
        if message is not None:
            return message
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    message_id = str(metadata.get("lifecycle_message", ""))
    if not message_id.isdigit():
        return None
    message = Message.objects.filter(pk=int(message_id)).first()
    if message is None or (event.recipient and event.recipient.strip().lower() != message.to_email.lower()):
        return None
    return message


def on_tracking(sender, event, esp_name, **kwargs):
    try:
        if not lifecycle_setting("ENABLED"):
            return
        kind = _kind(event, esp_name)
        if kind is None:
            return
        message = message_of(event)
        if message is None:
            return  # not ours (Oscar's own mail, another app's), or from before the app
        if message.status == Message.Status.HELD:
            # Whatever the ESP says of it, it has it: the send happened.
            resolved = resolve(message.pk, Resolution.DELIVERED, by=f"{esp_name}'s {event.event_type} event",
                               esp_message_id=str(event.message_id))
            message = resolved.message if resolved else message
        user_agent = event.user_agent or ""
        machine = kind in (MessageEvent.Kind.OPENED, MessageEvent.Kind.CLICKED) and is_machine(
            user_agent, message.sent_at, event.timestamp or message.sent_at
        )
        record_event(
            message, kind, source=MessageEvent.Source.ESP, url=event.click_url or "", user_agent=user_agent,
            is_machine=machine, at=event.timestamp,
            description=" ".join(filter(None, [esp_name, event.description, event.mta_response])),
        )
    except Exception:
        logger.exception("oscar_lifecycle: an ESP event (%s from %s) could not be recorded",
                         getattr(event, "event_type", "?"), esp_name)


def connect():
    from anymail.signals import tracking

    tracking.connect(on_tracking, dispatch_uid="oscar_lifecycle.anymail_tracking")
