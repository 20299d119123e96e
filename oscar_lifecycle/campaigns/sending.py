"""Scheduling and starting campaign sends, and seeing them finish. ``start_due_sends`` and
``finish_sent`` run at every pass of the runner, before the dispatcher."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import lifecycle_setting
from ..content.products import any_new_products
from ..models import Campaign, CampaignSend, Enrollment
from ..rules import RuleError
from .audience import freeze_audience
from .email import sending_step
from .recurrence import next_issue_at

OPEN_STATES = [CampaignSend.State.SCHEDULED, CampaignSend.State.SENDING, CampaignSend.State.PAUSED]


class CannotSchedule(Exception):
    pass


def schedule_send(campaign, send_at=None, now=None):
    """Schedule ``campaign`` to go at ``send_at`` (a one-off: now when None; a repeating one: its
    next issue). Refused for a translation (its original is sent, in every language), an
    unpublished campaign, or one with a send not yet over."""
    now = now or timezone.now()
    if campaign.is_translation:
        raise CannotSchedule(_("This is a translation of “%(original)s”: send the original, and contacts of "
                               "this language get these words.") % {"original": campaign.original()})
    if not campaign.live:
        raise CannotSchedule(_("Publish the campaign before sending it."))
    if not campaign.segments.filter(live=True).exists():
        raise CannotSchedule(_("Choose at least one published segment to send to, and publish the campaign."))
    if campaign.sends.filter(state__in=OPEN_STATES).exists():
        raise CannotSchedule(_("This campaign has a send scheduled or under way: cancel it first."))
    if send_at is None:
        send_at = next_issue_at(campaign, now) or now
    return CampaignSend.objects.create(campaign=campaign, send_at=send_at)


def _products_since(send, now):
    """Since when the new-products section of ``send`` lists products: the start of the
    campaign's previous issue, or NEW_PRODUCTS_DAYS ago for its first."""
    previous = (CampaignSend.objects.filter(campaign_id=send.campaign_id, started_at__isnull=False)
                .exclude(pk=send.pk).order_by("-started_at").values_list("started_at", flat=True).first())
    return previous or now - lifecycle_setting("NEW_PRODUCTS_DAYS")


def _end_without_sending(send, state, reason, now):
    send.state, send.reason, send.finished_at = state, reason[:255], now
    send.save(update_fields=["state", "reason", "finished_at", "new_products_since"])


def start_send(send, now):
    """Freeze ``send``'s audience and let the dispatcher send it; return the send, or None when
    another runner started it first. The next issue of a repeating campaign is scheduled."""
    with transaction.atomic():
        if not CampaignSend.objects.filter(pk=send.pk, state=CampaignSend.State.SCHEDULED).update(
                state=CampaignSend.State.SENDING, started_at=now):
            return None
        send.state, send.started_at = CampaignSend.State.SENDING, now
        campaign = Campaign.objects.get(pk=send.campaign_id)
        following = next_issue_at(campaign, max(send.send_at, now))
        if following is not None:
            CampaignSend.objects.create(campaign=campaign, send_at=following)
        send.new_products_since = _products_since(send, now)
        if not campaign.live:
            _end_without_sending(send, CampaignSend.State.SKIPPED, _("the campaign is not published"), now)
            return send
        if campaign.skip_when_no_new_products and not any_new_products(send.new_products_since):
            _end_without_sending(send, CampaignSend.State.SKIPPED, _("no new products since the last issue"), now)
            return send
        step = sending_step(campaign)
        try:
            send.audience = freeze_audience(send, step, now)
        except RuleError as error:
            _end_without_sending(send, CampaignSend.State.CANCELLED, " ".join(error.messages), now)
            return send
        if send.audience == 0:
            send.state, send.finished_at = CampaignSend.State.FINISHED, now
        send.save(update_fields=["state", "audience", "finished_at", "new_products_since"])
    return send


def start_due_sends(now=None):
    """Start every send due at ``now``; return how many started."""
    now = now or timezone.now()
    started = 0
    due = CampaignSend.objects.filter(state=CampaignSend.State.SCHEDULED, send_at__lte=now).order_by("send_at", "pk")
    for send in due:
        if start_send(send, now) is not None:
            started += 1
    return started


def finish_sent(now=None):
    """Mark finished the sends with no enrollment left to send; return how many."""
    now = now or timezone.now()
    waiting = Enrollment.objects.filter(campaign_send=OuterRef("pk"), state=Enrollment.State.ACTIVE)
    return CampaignSend.objects.filter(state=CampaignSend.State.SENDING).exclude(Exists(waiting)).update(
        state=CampaignSend.State.FINISHED, finished_at=now)
