"""Turn recorded activities into contacts' facts and enrollments: the runner's half of a receiver.

Each batch is claimed and worked in one transaction, so an activity is processed
exactly once: a crash rolls the whole batch back, and a second runner skips rows
the first holds (SKIP LOCKED on PostgreSQL; on SQLite the claiming UPDATE waits
for the first runner and finds the rows taken). A batch is worked at once
(``activity_batch``), in a number of statements that does not grow with it; when
that fails, its activities are worked one by one, so that one that cannot be
processed is logged and counted "failed" and the others go on.
"""

import logging
from collections import Counter

from django.db import transaction
from django.utils import timezone

from ..conf import lifecycle_setting
from ..models import Activity
from ..tracking.attribution import announce
from .activity_batch import work_activities

logger = logging.getLogger(__name__)


class _ClaimedElsewhere(Exception):
    """Another runner processed some of the rows this one selected (SQLite)."""


def _claim_batch(now, batch_size):
    ids = list(
        Activity.objects.filter(processed_at__isnull=True)
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:batch_size]
    )
    if ids and Activity.objects.filter(pk__in=ids, processed_at__isnull=True).update(processed_at=now) != len(ids):
        raise _ClaimedElsewhere
    return list(
        Activity.objects.filter(pk__in=ids)
        .select_related("user", "order__user", "order__shipping_address", "order__billing_address")
        .order_by("pk")
    )


def _work_one_by_one(activities, now):
    """Each of ``activities`` in a savepoint of its own: what a failed batch falls back to."""
    outcomes, conversions = Counter(), []
    for activity in activities:
        try:
            with transaction.atomic():
                worked, recorded = work_activities([activity], now)
        except Exception:
            logger.exception("oscar_lifecycle: processing activity %s failed", activity.pk)
            outcomes["failed"] += 1
            continue
        outcomes += worked
        conversions += recorded
    return outcomes, conversions


def _process_batch(now, batch_size, outcomes):
    """Process one batch in one transaction; return how many activities it held."""
    with transaction.atomic():
        activities = _claim_batch(now, batch_size)
        try:
            with transaction.atomic():
                worked, conversions = work_activities(activities, now)
        except Exception:
            logger.warning("oscar_lifecycle: a batch of %s activities failed; processing them one by one",
                           len(activities), exc_info=True)
            worked, conversions = _work_one_by_one(activities, now)
    outcomes.update(worked)
    announce(conversions)
    return len(activities)


def process_activities(now=None):
    """Process every activity recorded so far; return a Counter of outcomes."""
    now = now or timezone.now()
    batch_size = lifecycle_setting("ACTIVITY_BATCH_SIZE")
    outcomes = Counter()
    while True:
        try:
            if _process_batch(now, batch_size, outcomes) < batch_size:
                return outcomes
        except _ClaimedElsewhere:
            continue
