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


def renew_claim(claim_token):
    """Stamp a batch's claim again: a runner still at work keeps its rows past the lease."""
    Enrollment.objects.filter(claim_token=claim_token).update(claimed_at=timezone.now())


class ClaimKeeper:
    """Keeps a batch's claim while the runner works on it (a slow ESP, a long batch):
    ``keep()``, called often, renews it every third of CLAIM_LEASE."""

    def __init__(self, claim_token):
        self.claim_token = claim_token
        self.renew_every = lifecycle_setting("CLAIM_LEASE") / 3
        self.renewed_at = timezone.now()

    def keep(self):
        if timezone.now() - self.renewed_at > self.renew_every:
            renew_claim(self.claim_token)
            self.renewed_at = timezone.now()


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
        .select_related("contact", "journey", "order", "basket", "product")
        .order_by("next_run_at", "pk")
    )
