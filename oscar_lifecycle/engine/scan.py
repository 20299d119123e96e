"""Run the scan triggers that are due: each finds who enters its journeys now, then enroll()s them."""

import logging
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import ScanRun
from ..triggers import scan_triggers
from .enroll import enroll_entries, live_journeys

logger = logging.getLogger(__name__)


def claim_scan(trigger, now):
    """True when ``trigger``'s interval has passed since its last run, which is now stamped.

    A conditional UPDATE: of two runners, one gets the scan. A clock that went back
    (a last run in the future) does not block the scan.
    """
    ScanRun.objects.get_or_create(trigger=trigger.name, defaults={"last_run_at": now - trigger.interval})
    due = Q(last_run_at__lte=now - trigger.interval) | Q(last_run_at__gt=now)
    return ScanRun.objects.filter(due, trigger=trigger.name).update(last_run_at=now) == 1


def run_scan(trigger, now):
    """Run ``trigger``'s scan for each of its live journeys; return how many contacts entered."""
    enrolled = 0
    for journey in live_journeys(trigger.name):
        with transaction.atomic():
            entries = trigger.due_entries(journey, trigger.settings_for(journey), now)
            enrolled += len(enroll_entries(trigger.name, entries, journeys=[journey], now=now))
    return enrolled


def run_due_scans(now=None):
    """Run every scan trigger whose interval has passed; return {trigger name: contacts enrolled}."""
    now = now or timezone.now()
    enrolled = Counter()
    for trigger in scan_triggers():
        if not claim_scan(trigger, now):
            continue
        try:
            enrolled[trigger.name] += run_scan(trigger, now)
        except Exception:
            logger.exception("oscar_lifecycle: scan %s failed", trigger.name)
    return enrolled
