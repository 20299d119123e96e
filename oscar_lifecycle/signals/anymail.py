"""Receiver of django-anymail's ``tracking`` signal: the ESP's feedback on the messages we sent.

anymail's own webhook views (``anymail.urls``, authenticated with ``ANYMAIL["WEBHOOK_SECRET"]``)
turn each ESP's payload into normalized events; this matches them to our Message by the ESP's
message id and records them. Never raises into the webhook: an error is logged, and the ESP
gets its 200 (or it would retry for days).
"""

import logging

from anymail.signals import EventType, RejectReason

from ..conf import lifecycle_setting
from ..models import Message, MessageEvent
from ..storable import storable_text
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
# Bounces that are not a dead address: Postmark's soft bounce (a full mailbox), and SendGrid's
# "blocked" (the receiving server refused this message, e.g. for the sender's reputation).
SOFT_BOUNCE_TYPES = {("Type", "SoftBounce"), ("type", "blocked")}


# A refusal because of the ESP's own suppression list says what the address said before.
REJECTED_BECAUSE = {
    RejectReason.BOUNCED: MessageEvent.Kind.BOUNCED,
    RejectReason.INVALID: MessageEvent.Kind.BOUNCED,
    RejectReason.SPAM: MessageEvent.Kind.COMPLAINED,
    RejectReason.UNSUBSCRIBED: MessageEvent.Kind.UNSUBSCRIBED,
}


def _kind(event):
    kind = KINDS.get(event.event_type)
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    if kind == MessageEvent.Kind.BOUNCED and any(esp_event.get(key) == value for key, value in SOFT_BOUNCE_TYPES):
        return MessageEvent.Kind.DEFERRED
    if kind == MessageEvent.Kind.REJECTED:
        return REJECTED_BECAUSE.get(event.reject_reason, kind)
    return kind


def on_tracking(sender, event, esp_name, **kwargs):
    try:
        if not lifecycle_setting("ENABLED"):
            return
        kind = _kind(event)
        if kind is None or not event.message_id:
            return
        message_id = str(event.message_id)
        if storable_text(message_id) != message_id:
            return  # we stored no such id, and PostgreSQL refuses even to look one up
        message = Message.objects.filter(esp_message_id=message_id).first()
        if message is None:
            return  # not ours (Oscar's own mail, another app's), or from before the app
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
