"""Win-back: customers who stopped ordering and stopped answering."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ..engine.gates import reachable
from ..models import Contact, Enrollment
from .base import Entry, ScanTrigger, TriggerSetting


class WinbackTrigger(ScanTrigger):
    """A customer whose last order is older than ``days_inactive`` and who shows no engagement
    since (an order, a human open or click, a visit to the preferences page, a rating),
    once per last order. What follows the series (SUNSET) is ``engine/sunset.py``'s."""

    name = "winback"
    label = _("Customer inactive for a number of days (win-back)")
    interval = timedelta(hours=1)
    settings = (
        TriggerSetting(
            "days_inactive", _("Days since the last order"), 90, min_value=14, max_value=3 * 365,
            help_text=_("Win-back: customers enter once their last order and their last engagement "
                        "are this old."),
        ),
    )

    def due_entries(self, journey, settings, now, since=None):
        inactive_since = now - timedelta(days=settings["days_inactive"])
        contacts = (
            Contact.objects.filter(reachable(journey, now), last_order_at__lte=inactive_since)
            .filter(Q(last_engagement_at__isnull=True) | Q(last_engagement_at__lte=inactive_since))
            .exclude(Exists(Enrollment.objects.filter(
                journey=journey, contact=OuterRef("pk"), created_at__gte=OuterRef("last_order_at")
            )))
        )
        return [Entry(contact) for contact in contacts]

