"""Run the scan triggers that are due: each finds who enters its journeys now, then enroll()s them."""

import logging
from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import JourneyScan, ScanRun
from ..query_plans import jit_off
from ..triggers import scan_triggers
from .enroll import enroll_entries, live_journeys
from .sunset import sunset_silent_contacts

logger = logging.getLogger(__name__)


SUNSET_INTERVAL = timedelta(hours=1)


def claim_scan(name, interval, now):
    """True when ``interval`` has passed since scan ``name`` last ran, which is now stamped.

    A conditional UPDATE: of two runners, one gets the scan. A clock that went back
    (a last run in the future) does not block the scan.
    """
    ScanRun.objects.get_or_create(trigger=name, defaults={"last_run_at": now - interval})
    due = Q(last_run_at__lte=now - interval) | Q(last_run_at__gt=now)
    return ScanRun.objects.filter(due, trigger=name).update(last_run_at=now) == 1


def _previous_scan(journey, now):
    """When ``journey``'s last scan ran, or None for a first scan (or a clock set back since):
    then the scan looks at everything its trigger's window holds."""
    return JourneyScan.objects.filter(journey=journey, scanned_at__lte=now).values_list(
        "scanned_at", flat=True).first()


def run_scan(trigger, now):
    """Run ``trigger``'s scan for each of its live journeys; return how many contacts entered."""
    enrolled = 0
    for journey in live_journeys(trigger.name):
        with transaction.atomic(), jit_off():
            since = _previous_scan(journey, now)
            entries = trigger.due_entries(journey, trigger.settings_for(journey), now, since=since)
            enrolled += len(enroll_entries(trigger.name, entries, journeys=[journey], now=now))
            if not JourneyScan.objects.filter(journey=journey).update(scanned_at=now):
                JourneyScan.objects.create(journey=journey, scanned_at=now)
    return enrolled


def run_due_scans(now=None):
    """Run every scan trigger whose interval has passed; return {trigger name: contacts enrolled}."""
    now = now or timezone.now()
    enrolled = Counter()
    for trigger in scan_triggers():
        if not claim_scan(trigger.name, trigger.interval, now):
            continue
        try:
            enrolled[trigger.name] += run_scan(trigger, now)
        except Exception:
            logger.exception("oscar_lifecycle: scan %s failed", trigger.name)
    return enrolled


def run_sunset_if_due(now):
    """Sunset silent contacts at most every SUNSET_INTERVAL; return {why: how many}."""
    if not claim_scan("sunset", SUNSET_INTERVAL, now):
        return {}
    with transaction.atomic(), jit_off():
        return sunset_silent_contacts(now)
