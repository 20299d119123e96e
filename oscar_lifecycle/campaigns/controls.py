"""Pause, resume and cancel a campaign send, and what the dispatcher does with the enrollments
of a paused or cancelled one it has claimed (a runner may hold some when the editor acts).

A paused send's waiting enrollments lose their time (``next_run_at`` empty), so no runner
claims them; resuming makes them due at once (quiet hours and the pressure cap still apply).
A cancelled send's enrollments end, with the reason ``CANCELLED``."""

from django.db import transaction
from django.utils import timezone

from ..models import CampaignSend, Enrollment

PAUSED = "campaign paused"
CANCELLED = "campaign cancelled"


def _waiting(send):
    return Enrollment.objects.filter(campaign_send=send, state=Enrollment.State.ACTIVE)


def _change_state(send, from_states, to_state, **fields):
    changed = CampaignSend.objects.filter(pk=send.pk, state__in=from_states).update(state=to_state, **fields)
    if changed:
        send.state = to_state
        for name, value in fields.items():
            setattr(send, name, value)
    return bool(changed)


@transaction.atomic
def pause(send):
    """Stop ``send`` where it is; return whether it was sending."""
    if not _change_state(send, [CampaignSend.State.SENDING], CampaignSend.State.PAUSED):
        return False
    _waiting(send).filter(claim_token__isnull=True).update(next_run_at=None, reason=PAUSED)
    return True


@transaction.atomic
def resume(send, now=None):
    """Send the rest of a paused ``send``; return whether it was paused."""
    now = now or timezone.now()
    if not _change_state(send, [CampaignSend.State.PAUSED], CampaignSend.State.SENDING):
        return False
    _waiting(send).filter(next_run_at__isnull=True).update(next_run_at=now, reason="")
    return True


@transaction.atomic
def cancel(send, now=None):
    """Send nothing more of ``send`` (scheduled, sending or paused); return whether it was."""
    now = now or timezone.now()
    open_states = [CampaignSend.State.SCHEDULED, CampaignSend.State.SENDING, CampaignSend.State.PAUSED]
    if not _change_state(send, open_states, CampaignSend.State.CANCELLED, finished_at=now):
        return False
    _waiting(send).filter(claim_token__isnull=True).update(
        state=Enrollment.State.EXITED, reason=CANCELLED, next_step=None, next_run_at=None, ended_at=now)
    return True


def stopped_reason(enrollment):
    """PAUSED or CANCELLED for an enrollment of a paused or cancelled send, else None (the
    dispatcher's claim loaded the send with it)."""
    send = enrollment.campaign_send
    if send is None:
        return None
    return {CampaignSend.State.PAUSED: PAUSED, CampaignSend.State.CANCELLED: CANCELLED}.get(send.state)
