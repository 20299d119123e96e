"""Claim due enrollments so that one runner, and only one, works on each."""

import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..conf import lifecycle_setting
from ..models import Enrollment


def _claimable(now, claimed_at):
    """Due at ``now`` (the pass's time), and unclaimed, or claimed longer than the lease before
    ``claimed_at`` (the clock when the claim is made)."""
    lease_start = claimed_at - lifecycle_setting("CLAIM_LEASE")
    return Enrollment.objects.filter(state=Enrollment.State.ACTIVE, next_run_at__lte=now).filter(
        Q(claim_token__isnull=True) | Q(claimed_at__lt=lease_start)
    )


class ClaimKeeper:
    """Keeps a batch's claim while the runner works on it (a slow ESP, a long batch), and says
    whether the batch still holds a row before anything is sent for it.

    ``keep()``, called often, renews the claim every third of CLAIM_LEASE. Another runner takes
    a row back only once its claim is a whole lease old, so a row this batch renewed less than
    a third of a lease ago is still its own: ``holds()`` knows that without a query per email.
    A runner that stalled longer than the lease (a pause, an ESP call that never ends) finds,
    at its next renewal, which rows it lost, and sends nothing for them.
    """

    def __init__(self, claim_token, enrollments):
        self.claim_token = claim_token
        self.renew_every = lifecycle_setting("CLAIM_LEASE") / 3
        self.renewed_at = timezone.now()
        self.held = {enrollment.pk for enrollment in enrollments}

    def keep(self):
        if timezone.now() - self.renewed_at > self.renew_every:
            self.renew()

    def renew(self):
        renewed_at = timezone.now()
        renewed = Enrollment.objects.filter(claim_token=self.claim_token).update(claimed_at=renewed_at)
        if renewed != len(self.held):  # some were taken back, or ended by a goal meanwhile
            self.held = set(Enrollment.objects.filter(claim_token=self.claim_token).values_list("pk", flat=True))
        self.renewed_at = renewed_at

    def holds(self, enrollment):
        """Whether this batch still holds ``enrollment``'s claim (renewing it first when due)."""
        self.keep()
        return enrollment.pk in self.held


def claim_due(now, batch_size):
    """Claim up to ``batch_size`` due enrollments; return them with their contact and journey.

    Rows are locked with SKIP LOCKED where the database can (PostgreSQL), and the
    claim is a conditional UPDATE everywhere, so two runners never share a row.
    A claim older than CLAIM_LEASE is taken back: that is how a killed runner's
    rows return.
    """
    token = uuid.uuid4()
    claimed_at = timezone.now()  # not the pass's start: a long pass must not hand out stale claims
    with transaction.atomic():
        ids = list(
            _claimable(now, claimed_at)
            .order_by("next_run_at", "pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return []
        _claimable(now, claimed_at).filter(pk__in=ids).update(claim_token=token, claimed_at=claimed_at)
    return list(
        Enrollment.objects.filter(claim_token=token)
        .select_related("contact", "journey__segment", "order", "basket", "product", "campaign_send")
        .order_by("next_run_at", "pk")
    )
