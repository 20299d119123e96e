"""Sunset: stop marketing mail to addresses that no longer answer, keeping relational mail.

Two kinds of silence, checked at most hourly by the runner, set-based (a few queries
whatever the number of contacts), each recorded with a ConsentEvent:

- a win-back series that ended SUNSET_AFTER_DAYS ago without an order or engagement since
  the contact entered it;
- a prospect (never ordered) with no engagement for PROSPECT_SUNSET_DAYS since they were
  created or last engaged.

An order lifts the sunset (``engine/activities.py``).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest

from ..conf import lifecycle_setting
from ..models import ConsentEvent, Contact, Enrollment

SUNSET_WINBACK_SOURCE = "sunset: no answer to the win-back series"
SUNSET_PROSPECT_SOURCE = "sunset: prospect silent too long"


def _silent_after_winback(now):
    ended_before = now - timedelta(days=lifecycle_setting("SUNSET_AFTER_DAYS"))
    unanswered = Enrollment.objects.filter(
        contact=OuterRef("pk"), journey__trigger="winback", state=Enrollment.State.COMPLETED,
        ended_at__lte=ended_before,
    ).exclude(
        Q(contact__last_order_at__gte=F("created_at")) | Q(contact__last_engagement_at__gte=F("created_at"))
    )
    return Contact.objects.filter(status=Contact.Status.ACTIVE).filter(Exists(unanswered))


def _silent_prospects(now):
    silent_since = now - timedelta(days=lifecycle_setting("PROSPECT_SUNSET_DAYS"))
    return Contact.objects.filter(
        status=Contact.Status.ACTIVE, last_order_at__isnull=True
    ).annotate(
        last_sign=Greatest("created_at", Coalesce("last_engagement_at", "created_at"))
    ).filter(last_sign__lte=silent_since)


def _sunset(contacts, source, now):
    ids = list(contacts.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        changed = Contact.objects.filter(pk__in=ids, status=Contact.Status.ACTIVE).update(
            status=Contact.Status.SUNSET
        )
        ConsentEvent.objects.bulk_create(
            ConsentEvent(contact_id=contact_id, consent=consent, status=Contact.Status.SUNSET,
                         source=source, created_at=now)
            for contact_id, consent in Contact.objects.filter(pk__in=ids).values_list("pk", "consent")
        )
    return changed


def sunset_silent_contacts(now):
    """Sunset the contacts who stopped answering; return {why: how many}."""
    return {
        "after win-back": _sunset(_silent_after_winback(now), SUNSET_WINBACK_SOURCE, now),
        "silent prospects": _sunset(_silent_prospects(now), SUNSET_PROSPECT_SOURCE, now),
    }
