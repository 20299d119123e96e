"""Notices: emails outside journeys (the double opt-in confirmation), sent by the same rules as
journey steps.

A notice is queued as a Message in the transaction that decides it (processing a registration,
say), so a rollback takes it away and a commit keeps it. The runner then claims due notices with
a conditional UPDATE (and SKIP LOCKED where the database has it), marks each SENDING with a lease
before its email leaves, and records the ESP's answer: an outage or a refusal before the ESP took
it waits RETRY_DELAY (never dropped), a refused address is given up after MAX_SEND_ATTEMPTS, and
an unknown outcome (a lost answer, a runner killed mid-send: SENDING past its lease) is held for
review like a journey step's.
"""

import logging
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..conf import lifecycle_setting
from ..exceptions import InvalidSender
from ..models import Journey, LifecycleSettings, Message
from .outcomes import SendFailure, send_failure
from .send import from_email
from .send_pool import SendPool
from .send_time import send_time

logger = logging.getLogger(__name__)

REASON_LENGTH = Message._meta.get_field("reason").max_length
# What builds each kind of notice's email: a function (contact, sender) -> email, or None when
# it is no longer to be sent.
NOTICE_EMAILS = {
    Message.Kind.CONFIRMATION: "oscar_lifecycle.optin.confirmation_email",
    Message.Kind.DATA_ACCESS: "oscar_lifecycle.ownership.data_access_email",
    Message.Kind.ADDRESS_PROOF: "oscar_lifecycle.ownership.address_proof_email",
}


def notice(contact, kind, now=None):
    """A notice of ``kind`` (a Message.Kind) for ``contact``, queued once saved (a batch saves many
    in one INSERT); the runner sends it."""
    return Message(
        kind=kind, contact=contact, category=Journey.Category.RELATIONAL, status=Message.Status.QUEUED,
        to_email=contact.email, next_attempt_at=now or timezone.now(),
    )


def queue_notice(contact, kind, now=None):
    """Queue a notice of ``kind`` (a Message.Kind) for ``contact``; the runner sends it."""
    message = notice(contact, kind, now)
    message.save(force_insert=True)
    return message


def recently_queued(contact, kind, within):
    """Whether a notice of ``kind`` was queued for ``contact`` less than ``within`` ago."""
    return Message.objects.filter(contact=contact, kind=kind, created_at__gt=timezone.now() - within).exists()


def _notices():
    return Message.objects.exclude(kind=Message.Kind.STEP)


def hold_interrupted_notices(now):
    """Notices left SENDING past their lease (their runner died mid-send): held, never resent blindly."""
    return _notices().filter(status=Message.Status.SENDING, next_attempt_at__lt=now).update(
        status=Message.Status.HELD, reason="the send was interrupted; it may or may not have reached the ESP",
    )


def _claim(now, batch_size):
    lease_end = timezone.now() + lifecycle_setting("CLAIM_LEASE")
    with transaction.atomic():
        ids = list(
            _notices().filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk").select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch_size]
        )
        # Conditional: on SQLite (no row locks) a second runner finds the rows taken.
        _notices().filter(pk__in=ids, status=Message.Status.QUEUED).update(
            status=Message.Status.SENDING, next_attempt_at=lease_end, handed_over_at=timezone.now(),
        )
    return list(_notices().filter(pk__in=ids, status=Message.Status.SENDING, next_attempt_at=lease_end)
                .select_related("contact"))


def _save(message, fields):
    """Write ``fields`` of ``message`` while it is still SENDING, as this runner left it."""
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
        **{name: getattr(message, name) for name in fields}
    )


class _Sending:
    """A notice handed to the pool, with its email (what a failure is judged against)."""

    def __init__(self, message, email):
        self.message, self.email = message, email


def _record(delivery, now):
    message, email, error = delivery.item.message, delivery.item.email, delivery.error
    if error is None:
        message.status, message.sent_at, message.esp_message_id = Message.Status.SENT, send_time(now), delivery.esp_message_id
        message.reason = ""
        _save(message, ["status", "sent_at", "esp_message_id", "reason"])
        return "sent"
    logger.warning("Sending notice %s failed (attempt %s): %s", message.pk, message.attempts, error)
    message.reason = f"{type(error).__name__}: {error}"[:REASON_LENGTH]
    failure = send_failure(error, email)
    if failure == SendFailure.UNKNOWN:
        message.status = Message.Status.HELD
        message.reason = f"the ESP's answer was lost, it may have been sent: {message.reason}"[:REASON_LENGTH]
        outcome = "held"
    elif failure == SendFailure.RECIPIENT and message.attempts >= lifecycle_setting("MAX_SEND_ATTEMPTS"):
        message.status = Message.Status.UNDELIVERABLE
        outcome = "undeliverable"
    else:
        message.status = Message.Status.QUEUED
        message.next_attempt_at = now + lifecycle_setting("RETRY_DELAY")
        outcome = "retrying" if failure == SendFailure.RECIPIENT else "waiting for the ESP"
    _save(message, ["status", "reason", "next_attempt_at"])
    return outcome


def send_due_notices(now=None):
    """Send every notice due at ``now`` (default, or when earlier: the current time, so that a
    notice queued during this pass goes in it); return a Counter of outcomes."""
    now = max(now or timezone.now(), timezone.now())
    outcomes = Counter()
    held = hold_interrupted_notices(now)
    if held:
        outcomes["held"] += held
    try:
        sender = from_email(LifecycleSettings.current())
    except InvalidSender as error:
        logger.error("oscar_lifecycle: notices are paused: %s", error)
        return outcomes
    esp_down = False
    while not esp_down:
        messages = _claim(now, lifecycle_setting("BATCH_SIZE"))
        if not messages:
            break
        with SendPool(lifecycle_setting("SEND_CONCURRENCY")) as pool:
            for message in messages:
                if esp_down:  # untried: back in the queue at once, nothing lost
                    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
                        status=Message.Status.QUEUED, next_attempt_at=now + lifecycle_setting("RETRY_DELAY"))
                    outcomes["paused"] += 1
                    continue
                email = import_string(NOTICE_EMAILS[message.kind])(message.contact, sender)
                if email is None:
                    message.status, message.reason = Message.Status.SKIPPED, "no longer to be sent"
                    _save(message, ["status", "reason"])
                    outcomes["skipped"] += 1
                    continue
                message.attempts += 1
                message.subject = email.subject[: Message._meta.get_field("subject").max_length]
                Message.objects.filter(pk=message.pk).update(attempts=message.attempts, subject=message.subject)
                email.metadata = {"lifecycle_message": str(message.pk)}
                pool.submit(_Sending(message, email), email)
                for delivery in pool.completed():
                    outcome = _record(delivery, now)
                    esp_down = esp_down or outcome in ("held", "waiting for the ESP")
                    outcomes[outcome] += 1
            for delivery in pool.wait_all():
                outcome = _record(delivery, now)
                esp_down = esp_down or outcome in ("held", "waiting for the ESP")
                outcomes[outcome] += 1
    return outcomes
