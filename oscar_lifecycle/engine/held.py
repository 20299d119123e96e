"""Held messages: an email whose send may or may not have reached the ESP (a runner killed
mid-send, an answer lost after the request left). Nothing sends it again blindly; it is
resolved by the ESP's own events about it (which prove it was sent), or by the shop: it was
delivered (go on), send it again, or skip this step.

Each resolution is one transaction that locks the message and moves it and its enrollment
together, and only from HELD: two reviewers, or a reviewer and a webhook, resolve a message
once.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models import Enrollment, Message

REASON_LENGTH = Message._meta.get_field("reason").max_length
ENROLLMENT_REASON_LENGTH = Enrollment._meta.get_field("reason").max_length


class Resolution:
    """What the shop (or the ESP) says of a held message."""

    DELIVERED = "delivered"
    SEND_AGAIN = "send again"
    SKIP = "skip"

    choices = [DELIVERED, SEND_AGAIN, SKIP]


@dataclass
class Resolved:
    message: Message
    resolution: str


def held_messages():
    """Every message waiting for a decision, oldest first."""
    return Message.objects.filter(status=Message.Status.HELD).order_by("created_at", "pk")


def _next_step(step):
    later = [other for other in step.journey.ordered_steps() if other.send_order() > step.send_order()]
    return later[0] if later else None


def _move_on(enrollment, step, since, now):
    """The held enrollment goes on after ``step``, its next step's delay counted from ``since``."""
    following = _next_step(step) if step is not None else None
    if following is None or not enrollment.journey.live:
        enrollment.state = Enrollment.State.COMPLETED if following is None else Enrollment.State.EXITED
        enrollment.reason = "" if following is None else "journey unpublished"
        enrollment.next_step, enrollment.next_run_at, enrollment.ended_at = None, None, now
    else:
        enrollment.state = Enrollment.State.ACTIVE
        enrollment.next_step = following
        enrollment.next_run_at = max(since, enrollment.created_at) + following.delay
        enrollment.reason = ""
        enrollment.ended_at = None


def _held_enrollment(message):
    """The message's enrollment when it is held on this message's step, else None."""
    if message.enrollment_id is None:
        return None
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("journey")
        .filter(pk=message.enrollment_id, state=Enrollment.State.HELD).first()
    )
    if enrollment is None or enrollment.next_step_id not in (None, message.step_id):
        return None
    return enrollment


def resolve(message_id, resolution, *, by, esp_message_id="", now=None):
    """Resolve the held message ``message_id`` as ``resolution`` (a Resolution), recording ``by``
    (who or what decided) in its reason; return a Resolved, or None when it is not held (any more).

    - DELIVERED: the message counts as sent; its journey goes on to the next step.
    - SEND_AGAIN: the dispatcher sends it again at its next pass, once, on the same Message row
      (so through every gate again: consent, suppression, pressure, quiet hours).
    - SKIP: the step is recorded as skipped; the journey goes on to the next step.
    """
    if resolution not in Resolution.choices:
        raise ValueError(f"Unknown resolution {resolution!r}: one of {Resolution.choices}")
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",)).select_related("step__journey")
            .filter(pk=message_id, status=Message.Status.HELD).first()
        )
        if message is None:
            return None
        enrollment = _held_enrollment(message)
        fields = ["status", "reason"]
        if resolution == Resolution.DELIVERED:
            message.status = Message.Status.SENT
            message.sent_at = message.handed_over_at or now
            message.esp_message_id = esp_message_id or message.esp_message_id
            fields += ["sent_at", "esp_message_id"]
            message.reason = f"held, then marked delivered by {by}"
        elif resolution == Resolution.SEND_AGAIN:
            message.status = Message.Status.FAILED if message.step_id else Message.Status.QUEUED
            message.next_attempt_at = now
            fields.append("next_attempt_at")
            message.reason = f"held, then sent again by {by}"
        else:
            message.status = Message.Status.SKIPPED
            message.reason = f"held, then skipped by {by}"
        message.reason = message.reason[:REASON_LENGTH]
        message.save(update_fields=fields)
        if enrollment is not None:
            if resolution == Resolution.SEND_AGAIN and message.step_id is not None:
                enrollment.state = Enrollment.State.ACTIVE
                enrollment.next_step_id = message.step_id
                enrollment.next_run_at = now
                enrollment.reason = f"sent again after review by {by}"[:ENROLLMENT_REASON_LENGTH]
                enrollment.ended_at = None
            else:
                _move_on(enrollment, message.step, message.sent_at or now, now)
            enrollment.claim_token = enrollment.claimed_at = None
            enrollment.save(update_fields=["state", "next_step", "next_run_at", "reason", "ended_at",
                                           "claim_token", "claimed_at"])
    return Resolved(message, resolution)
