"""Send every due step exactly once: claim, check, render, record, send, advance.

``dispatch_due()`` is what Celery beat, ``manage.py lifecycle_run`` and the
tests all call. A batch costs a fixed number of queries plus two per email
(insert the Message, record the outcome). Up to SEND_CONCURRENCY emails are in
flight to the ESP at once (``send_pool.py``); everything else happens on the
runner's thread, in order.
"""

import logging
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from ..campaigns import controls as campaign_controls
from ..conditions import CONDITIONS, ORDER_PLACED_GOAL
from ..conf import lifecycle_setting
from ..consent_rules import AWAITING_CONFIRMATION, confirmation_deadline
from ..content.footer import consent_basis
from ..content.render import StepTemplate
from ..exceptions import ContentUnavailable, InvalidSender
from ..models import Enrollment, Journey, LifecycleSettings, Message, Step
from ..models.campaigns import CAMPAIGN_TRIGGER
from ..purchases import order_times, purchased_products
from ..signals import step_sent
from ..suppression import suppressed
from ..tracking.links import track_links
from ..triggers import registered_triggers
from .claim import ClaimKeeper, claim_due
from .gates import suppression_reason
from .held import Resolution, resolve
from .outcomes import PAUSED, PAUSED_REASON, RETRYING_REASON, SendFailure, send_failure
from .pressure import PressureLedger
from .progress import save_progress
from .quiet_hours import quiet_hours_end
from .rewards import voucher_issuer
from .send import build_email, from_email
from .send_pool import SendPool
from .segment_filters import segment_exit_reasons
from .send_time import send_time
from .sent_copies import packed_copy
from .translations import TranslatedSteps, language_of

logger = logging.getLogger(__name__)

REASON_LENGTH = Enrollment._meta.get_field("reason").max_length
SUBJECT_LENGTH = Message._meta.get_field("subject").max_length
CONSENT_BASIS_LENGTH = Message._meta.get_field("consent_basis").max_length
MESSAGE_REASON_LENGTH = Message._meta.get_field("reason").max_length
ADVANCED_FIELDS = ["state", "next_step", "next_run_at", "reason", "claim_token", "claimed_at", "ended_at"]


@dataclass
class DispatchReport:
    """What one pass did, counted by outcome ("sent", "deferred", "suppressed", ...)."""

    outcomes: Counter = field(default_factory=Counter)

    @property
    def sent(self):
        return self.outcomes["sent"]

    def __str__(self):
        return ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.outcomes.items())) or "nothing due"


class _Batch:
    """Everything one claimed batch needs, loaded in a fixed number of queries."""

    def __init__(self, enrollments, now):
        self.now = now
        journeys = Journey.objects.filter(
            pk__in={enrollment.journey_id for enrollment in enrollments}
        ).select_related("locale").prefetch_related("steps")
        self.steps_by_journey = {journey.pk: journey.ordered_steps() for journey in journeys}
        self.steps_by_id = {step.pk: step for steps in self.steps_by_journey.values() for step in steps}
        self.translated = TranslatedSteps(journeys)
        self.earlier_messages = {
            (message.enrollment_id, message.step_id): message
            for message in Message.objects.filter(
                enrollment__in=enrollments,
                step_id__in={enrollment.next_step_id for enrollment in enrollments},
            )
        }
        self.shop_settings = LifecycleSettings.current()
        self.templates = {}
        self.esp_down = False
        self.pause_reason = PAUSED_REASON
        try:
            self.sender = from_email(self.shop_settings)
        except InvalidSender as error:
            # Every ESP would refuse every email: nothing is tried until the sender is fixed.
            logger.error("oscar_lifecycle: sending is paused: %s", error)
            self.sender, self.esp_down = None, True
            self.pause_reason = f"{PAUSED}: {error}"[:REASON_LENGTH]
        contacts = {enrollment.contact_id: enrollment.contact for enrollment in enrollments}.values()
        self.purchases = purchased_products(contacts)
        self.exit_reasons = _exit_reasons(enrollments, contacts, now)
        self.suppressed = suppressed({contact.email for contact in contacts})
        self.pressure = PressureLedger(
            {enrollment.contact_id for enrollment in enrollments},
            now,
            cap=self.shop_settings.pressure_cap,
            window=self.shop_settings.pressure_window,
            gap=self.shop_settings.minimum_gap,
        )

    def step_in_language(self, enrollment, step):
        language = language_of(enrollment.contact, self.shop_settings)
        return self.translated.step_for(
            enrollment.journey, self.steps_by_journey[step.journey_id], step, language
        )

    def template_for(self, step):
        """``step`` rendered once for the batch's emails of it."""
        template = self.templates.get(step.pk)
        if template is None:
            template = self.templates[step.pk] = StepTemplate(step, shop_settings=self.shop_settings)
        return template

    def consent_basis(self, contact, journey):
        """What the log keeps of the consent a message was sent on (marketing only), in the shop's language."""
        if not journey.is_marketing:
            return ""
        with translation.override(self.shop_settings.default_locale or settings.LANGUAGE_CODE):
            return consent_basis(contact)[:CONSENT_BASIS_LENGTH]

    def step_in_place_of_deleted(self, enrollment):
        """The step that now follows the last one the contact got (the first step when they got
        none): where an editor deleted the step they waited for. None when nothing follows."""
        last = (
            Message.objects.filter(enrollment=enrollment, step__isnull=False)
            .select_related("step").order_by("-created_at", "-pk").first()
        )
        if last is None:
            steps = self.steps_by_journey.get(enrollment.journey_id, [])
            return steps[0] if steps else None
        if last.step.journey_id != enrollment.journey_id:
            return None
        return self.step_after(last.step)

    def step_after(self, step):
        steps = self.steps_by_journey.get(step.journey_id, [])
        return next((later for later in steps if later.send_order() > step.send_order()), None)


def _goal_reasons(enrollments, contacts):
    """The enrollments whose journey's goal (an order) was reached since they began, read from
    Oscar's orders: a missed order_placed signal never lets a reminder through."""
    with_goal = [enrollment for enrollment in enrollments if enrollment.journey.goal == ORDER_PLACED_GOAL]
    if not with_goal:
        return {}
    placed = order_times(contacts, since=min(enrollment.created_at for enrollment in with_goal))
    return {
        enrollment.pk: f"goal reached: {ORDER_PLACED_GOAL}"
        for enrollment in with_goal
        if any(date_placed >= enrollment.created_at for date_placed in placed.get(enrollment.contact_id, ()))
    }


def _exit_reasons(enrollments, contacts, now):
    """{enrollment id: why it ends before its next send}: each trigger's own checks, else the
    journey's segment, else goals."""
    reasons = _goal_reasons(enrollments, contacts)
    reasons.update(segment_exit_reasons(enrollments, now))
    triggers = registered_triggers()
    by_trigger = {}
    for enrollment in enrollments:
        by_trigger.setdefault(enrollment.journey.trigger, []).append(enrollment)
    for trigger_name, group in by_trigger.items():
        if trigger_name == CAMPAIGN_TRIGGER:
            continue  # a campaign send's audience is frozen: nothing ends it but the editor
        if trigger_name in triggers:
            reasons.update(triggers[trigger_name].exit_reasons(group, now))
        else:  # its checks are gone with it: nothing it started may go out unchecked
            reasons.update({enrollment.pk: f"trigger {trigger_name!r} is no longer in OSCAR_LIFECYCLE['TRIGGERS']"
                            for enrollment in group})
    return reasons


def _end(enrollment, state, reason, now):
    enrollment.state = state
    enrollment.reason = reason[:REASON_LENGTH]
    enrollment.next_step = None
    enrollment.next_run_at = None
    enrollment.ended_at = now


def _advance(enrollment, batch, step, now):
    next_step = batch.step_after(step)
    if next_step is None:
        _end(enrollment, Enrollment.State.COMPLETED, "", now)
    else:
        enrollment.next_step = next_step
        enrollment.next_run_at = now + next_step.delay
        enrollment.reason = ""


def _record_without_sending(enrollment, step, status, reason):
    Message.objects.create(
        enrollment=enrollment, step=step, journey=enrollment.journey, contact=enrollment.contact,
        category=enrollment.journey.category, status=status, reason=reason,
        to_email=enrollment.contact.email, subject=step.subject,
    )


def _skip(enrollment, step, earlier, batch, reason):
    """Record ``step`` as skipped for ``reason`` (on the ``earlier`` failed attempt, if any) and move on."""
    if earlier is None:
        _record_without_sending(enrollment, step, Message.Status.SKIPPED, reason)
    else:
        earlier.status = Message.Status.SKIPPED
        earlier.reason = reason[:MESSAGE_REASON_LENGTH]
        earlier.save(update_fields=["status", "reason"])
    _advance(enrollment, batch, step, batch.now)
    return "skipped"


@dataclass
class _Handover:
    """A step rendered, its Message saved as SENDING, and its email ready for the ESP, with the
    copy of it the message log keeps once it went out (or may have)."""

    enrollment: Enrollment
    step: Step
    message: Message
    email: object
    copy: bytes | None


def _prepare_send(enrollment, step, message, batch, claim):
    """Render ``step`` and save its Message as SENDING (``message``: an earlier failed attempt,
    or None); return the _Handover, or the outcome when there is nothing to send.

    Nothing is saved or sent for a row whose claim this runner lost (it stalled longer than the
    lease and another runner took the row back), nor for a failed attempt another runner has
    taken up meanwhile."""
    now = batch.now
    contact = enrollment.contact
    if not claim.holds(enrollment):
        return "claim lost"
    try:
        rendered = batch.template_for(batch.step_in_language(enrollment, step)).render(
            contact, enrollment=enrollment, purchases=batch.purchases.get(contact.pk, {}),
            issue_voucher=voucher_issuer(enrollment),
        )
    except ContentUnavailable as unavailable:
        return _skip(enrollment, step, message, batch, f"not sent: {unavailable}")
    except Exception as error:
        logger.exception("Could not render step %s of journey %r", step.pk, enrollment.journey.name)
        _end(enrollment, Enrollment.State.HELD, f"render failed: {error}", now)
        return "held"
    if message is None:
        try:
            # A savepoint only inside a caller's transaction, which the refused INSERT must not
            # break; in autocommit the INSERT alone is its own transaction (one round trip, not three).
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                message = Message.objects.create(
                    enrollment=enrollment, step=step, journey=enrollment.journey, contact=contact,
                    category=enrollment.journey.category, status=Message.Status.SENDING,
                    to_email=contact.email, subject=rendered.subject[:SUBJECT_LENGTH], attempts=1,
                    consent_basis=batch.consent_basis(contact, enrollment.journey),
                    handed_over_at=timezone.now(),
                )
        except IntegrityError:
            _end(enrollment, Enrollment.State.HELD, "a message for this step already exists", now)
            return "held"
    else:
        message.status = Message.Status.SENDING
        message.subject = rendered.subject[:SUBJECT_LENGTH]
        message.handed_over_at = timezone.now()
        taken_up = Message.objects.filter(
            pk=message.pk, status=Message.Status.FAILED, attempts=message.attempts
        ).update(status=message.status, attempts=message.attempts + 1, subject=message.subject,
                 handed_over_at=message.handed_over_at)
        if not taken_up:
            return "claim lost"  # another runner is retrying this step, or did
        message.attempts += 1
    if enrollment.journey.is_marketing:
        # Counted when handed over: another step for the contact in this batch must not pass
        # the cap while this one is in flight.
        batch.pressure.record(contact.pk, send_time(batch.now))
    email = build_email(
        track_links(rendered, message.pk, basket_id=enrollment.basket_id), contact, batch.shop_settings,
        sender=batch.sender,
        # One tag: Postmark, Mailjet, SparkPost, Postal, Mailtrap and Amazon SES refuse several.
        tags=[f"journey:{enrollment.journey.pk}"],
        metadata={"lifecycle_message": str(message.pk), "lifecycle_step": str(step.pk)},
    )
    return _Handover(enrollment, step, message, email, packed_copy(email))


def _save_outcome(message, fields, *, also_from=()):
    """Write ``fields`` of ``message`` if it is still SENDING (or in a status of ``also_from``);
    return whether it was."""
    return bool(Message.objects.filter(pk=message.pk, status__in=[Message.Status.SENDING, *also_from]).update(
        **{name: getattr(message, name) for name in fields}
    ))


def _record_failure(delivery, batch):
    handover, now = delivery.item, batch.now
    enrollment, message, error = handover.enrollment, handover.message, delivery.error
    logger.warning("Sending message %s failed (attempt %s): %s", message.pk, message.attempts, error)
    message.reason = f"{type(error).__name__}: {error}"[:MESSAGE_REASON_LENGTH]
    failure = send_failure(error, handover.email)
    if failure != SendFailure.RECIPIENT:
        # An outage is not a bad address: the rest of the batch pauses (below), untouched.
        batch.esp_down = True
    if failure == SendFailure.UNKNOWN:
        # The request may have reached the ESP: sending again could send twice.
        message.status = Message.Status.HELD
        message.reason = f"the ESP's answer was lost, it may have been sent: {message.reason}"[:MESSAGE_REASON_LENGTH]
        message.sent_copy = handover.copy
        _save_outcome(message, ["status", "reason", "sent_copy"])
        _end(enrollment, Enrollment.State.HELD, "send outcome unknown; review before resending", now)
        return "held"
    if failure == SendFailure.RECIPIENT and message.attempts >= lifecycle_setting("MAX_SEND_ATTEMPTS"):
        message.status = Message.Status.UNDELIVERABLE
        _save_outcome(message, ["status", "reason"])
        _end(enrollment, Enrollment.State.EXITED, f"gave up after {message.attempts} attempts", now)
        return "undeliverable"
    message.status = Message.Status.FAILED
    _save_outcome(message, ["status", "reason"])
    enrollment.next_run_at = now + lifecycle_setting("RETRY_DELAY")
    enrollment.reason = f"{RETRYING_REASON}: {message.reason}"[:REASON_LENGTH]
    return "waiting for the ESP" if batch.esp_down else "retrying"


def _record_delivery(delivery, batch):
    """Save what the ESP answered for a handed-over email; return the outcome."""
    if delivery.error is not None:
        return _record_failure(delivery, batch)
    handover = delivery.item
    message = handover.message
    message.status = Message.Status.SENT
    message.sent_at = send_time(batch.now)
    message.esp_message_id = delivery.esp_message_id
    message.reason = ""
    message.sent_copy = handover.copy
    if not _save_outcome(message, ["status", "sent_at", "esp_message_id", "reason", "sent_copy"]):
        # Another runner found it in flight after this one stalled past its lease and held it:
        # the ESP's answer settles it.
        resolve(message.pk, Resolution.DELIVERED, by="its runner, which got the ESP's answer late",
                esp_message_id=message.esp_message_id)
        Message.objects.filter(pk=message.pk).update(sent_copy=handover.copy)
    for receiver, receiver_error in step_sent.send_robust(sender=Message, message=message):
        if receiver_error is not None:
            logger.error("A step_sent receiver (%r) failed for message %s", receiver, message.pk,
                         exc_info=receiver_error)
    _advance(handover.enrollment, batch, handover.step, batch.now)
    return "sent"


def _waited_for_the_esp(enrollment):
    """Whether ``enrollment``'s step was paused or failed by the ESP on its last try."""
    return enrollment.reason.startswith((f"{PAUSED}:", RETRYING_REASON))


def _pause(enrollment, batch):
    """The ESP is not answering: the step waits RETRY_DELAY, untried, so nothing is lost or doubled."""
    enrollment.next_run_at = batch.now + lifecycle_setting("RETRY_DELAY")
    enrollment.reason = batch.pause_reason
    return "paused"


def _move_past_deleted_step(enrollment, batch):
    """An editor deleted the step the contact waited for: they move on to the step now in its
    place, keeping the journey's spacing (its delay counts from when the deleted one was due)."""
    replacement = batch.step_in_place_of_deleted(enrollment)
    if replacement is None:
        _end(enrollment, Enrollment.State.COMPLETED, "its next step was deleted, and no step followed", batch.now)
        return "completed"
    enrollment.next_step = replacement
    enrollment.next_run_at = (enrollment.next_run_at or batch.now) + replacement.delay
    enrollment.reason = "its next step was deleted: moved on to the next one"
    return "moved on"


def _stop_for_campaign(enrollment, stopped, now):
    """The editor paused or cancelled the campaign send of ``enrollment``."""
    if stopped == campaign_controls.PAUSED:
        enrollment.next_run_at = None
        enrollment.reason = stopped
        return "campaign paused"
    _end(enrollment, Enrollment.State.EXITED, stopped, now)
    return "exited"


def _process(enrollment, batch, claim):
    now = batch.now
    step = batch.steps_by_id.get(enrollment.next_step_id)
    journey = enrollment.journey
    stopped = campaign_controls.stopped_reason(enrollment)
    if stopped:
        return _stop_for_campaign(enrollment, stopped, now)
    if not journey.live:
        _end(enrollment, Enrollment.State.EXITED, "journey unpublished", now)
        return "exited"
    if step is None:
        return _move_past_deleted_step(enrollment, batch)

    earlier = batch.earlier_messages.get((enrollment.pk, step.pk))
    if earlier is not None and earlier.status == Message.Status.SENDING:
        earlier.status = Message.Status.HELD
        earlier.reason = "the send was interrupted; it may or may not have reached the ESP"
        earlier.save(update_fields=["status", "reason"])
        _end(enrollment, Enrollment.State.HELD, "send outcome unknown; review before resending", now)
        return "held"
    if earlier is not None and earlier.status == Message.Status.HELD:
        # Held by a runner killed before it saved the enrollment: held it stays, not "done".
        _end(enrollment, Enrollment.State.HELD, "send outcome unknown; review before resending", now)
        return "held"
    if earlier is not None and earlier.status != Message.Status.FAILED:
        _advance(enrollment, batch, step, now)
        return "already done"

    exit_reason = batch.exit_reasons.get(enrollment.pk)
    if exit_reason:
        _end(enrollment, Enrollment.State.EXITED, exit_reason, now)
        return "exited"

    if step.condition:
        condition = CONDITIONS.get(step.condition)
        if condition is None or not condition.is_met(enrollment):
            reason = f"condition not met: {step.condition}"
            if earlier is None:
                _record_without_sending(enrollment, step, Message.Status.SKIPPED, reason)
            if step.on_condition_fail == Step.OnConditionFail.EXIT:
                _end(enrollment, Enrollment.State.EXITED, reason, now)
                return "exited"
            _advance(enrollment, batch, step, now)
            return "skipped"

    reason = suppression_reason(enrollment.contact, journey, now)
    if reason == AWAITING_CONFIRMATION:
        # Until the contact confirms (release_awaiting makes the step due at once), or gives up.
        enrollment.next_run_at = confirmation_deadline(enrollment.contact)
        enrollment.reason = AWAITING_CONFIRMATION
        return "deferred"
    if not reason and enrollment.contact.email in batch.suppressed:
        reason = "the address is on the suppression list"
    if reason:
        if earlier is None:
            _record_without_sending(enrollment, step, Message.Status.SUPPRESSED, reason)
        _end(enrollment, Enrollment.State.EXITED, reason, now)
        return "suppressed"

    if journey.is_marketing:
        shop_settings = batch.shop_settings
        quiet_until = quiet_hours_end(now, shop_settings.quiet_hours_start, shop_settings.quiet_hours_end)
        if quiet_until is not None:
            enrollment.next_run_at = quiet_until
            enrollment.reason = (
                f"deferred by quiet hours until {timezone.localtime(quiet_until):%Y-%m-%d %H:%M %Z}"
            )
            return "deferred"
        allowed_from, why = batch.pressure.allowed_from(enrollment.contact, now)
        if enrollment.campaign_send_id and allowed_from > now + lifecycle_setting("CAMPAIGN_MAX_WAIT"):
            # A newsletter that would go days late is stale (its news, its new products): it skips.
            return _skip(enrollment, step, earlier, batch, f"not sent: held back by {why}")
        if allowed_from > now:
            enrollment.next_run_at = allowed_from
            enrollment.reason = (
                f"deferred by {why} until {timezone.localtime(allowed_from):%Y-%m-%d %H:%M %Z}"
            )[:REASON_LENGTH]
            return "deferred"

    return _prepare_send(enrollment, step, earlier, batch, claim)


def _held_after(error, enrollment, batch, what):
    # One broken enrollment must not stop the batch, nor come back every lease forever.
    logger.exception("%s enrollment %s failed", what, enrollment.pk)
    _end(enrollment, Enrollment.State.HELD, f"dispatch failed: {error}", batch.now)
    return "held"


def _settle(delivery, batch):
    try:
        return _record_delivery(delivery, batch)
    except Exception as error:
        return _held_after(error, delivery.item.enrollment, batch, "Recording the send of")


def dispatch_batch(enrollments, now):
    """Process claimed ``enrollments``, up to SEND_CONCURRENCY emails in flight at once; save
    their new state unless a goal ended them meanwhile."""
    claim_token = enrollments[0].claim_token
    batch = _Batch(enrollments, now)
    outcomes = Counter()
    claim = ClaimKeeper(claim_token, enrollments)  # a slow ESP, a long batch: the rows stay ours
    # After an outage the first email goes alone: if the ESP is still down, one try tells.
    probing = any(_waited_for_the_esp(enrollment) for enrollment in enrollments)
    with SendPool(lifecycle_setting("SEND_CONCURRENCY"), while_waiting=claim.keep) as pool:
        for enrollment in enrollments:
            claim.keep()
            pool.wait_for_room()  # the failures of the emails in flight are known before the next
            for delivery in pool.completed():
                outcomes[_settle(delivery, batch)] += 1
            try:
                outcome = _pause(enrollment, batch) if batch.esp_down else _process(enrollment, batch, claim)
            except Exception as error:
                outcome = _held_after(error, enrollment, batch, "Dispatching")
            if not isinstance(outcome, _Handover):
                outcomes[outcome] += 1
                continue
            pool.submit(outcome, outcome.email)
            if probing:
                probing = False
                for delivery in pool.wait_all():
                    outcomes[_settle(delivery, batch)] += 1
        for delivery in pool.wait_all():
            outcomes[_settle(delivery, batch)] += 1
    for enrollment in enrollments:
        enrollment.claim_token = None
        enrollment.claimed_at = None
    # exit_for_goal() clears the claim of rows it ends: those keep their exit.
    save_progress(Enrollment.objects.filter(claim_token=claim_token), enrollments, ADVANCED_FIELDS)
    return outcomes


def dispatch_due(now=None):
    """Send every step that is due at ``now`` (default: the current time); return a report."""
    now = now or timezone.now()
    batch_size = lifecycle_setting("BATCH_SIZE")
    report = DispatchReport()
    while True:
        enrollments = claim_due(now, batch_size)
        if not enrollments:
            break
        outcomes = dispatch_batch(enrollments, now)
        report.outcomes.update(outcomes)
        if outcomes["waiting for the ESP"]:
            logger.warning("oscar_lifecycle: the ESP is not answering; sending pauses until %s",
                           timezone.localtime(now + lifecycle_setting("RETRY_DELAY")))
            break  # the next pass, or the one after, tries again
        if len(enrollments) < batch_size:
            break
    return report
