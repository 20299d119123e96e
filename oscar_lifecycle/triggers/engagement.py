"""Contacts who start answering our emails: N human opens or clicks within D days."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ..engine.gates import reachable
from ..models import Contact, MessageEvent
from .base import Entry, ScanTrigger, TriggerSetting


def engagement_kinds():
    return [(MessageEvent.Kind.OPENED, _("Opens")), (MessageEvent.Kind.CLICKED, _("Clicks"))]


class EngagementThresholdTrigger(ScanTrigger):
    """A contact whose human opens or clicks (never a mail privacy proxy's or a link scanner's)
    within the last ``days`` reach ``count``, when they were below it at the journey's previous
    scan: one entry per crossing, as the journey's re-entry rule allows. A journey's first scan
    looks back one interval, so who crossed before the journey existed does not enter."""

    name = "engagement_threshold"
    label = _("Contact opens or clicks a number of times within some days")
    interval = timedelta(minutes=15)
    settings = (
        TriggerSetting(
            "count", _("Number of opens or clicks"), 3, min_value=1, max_value=100,
            help_text=_("Engagement threshold: the journey starts when a contact's opens or clicks "
                        "within the days below reach this number."),
        ),
        TriggerSetting(
            "days", _("Within (days)"), 7, min_value=1, max_value=365,
            help_text=_("Engagement threshold: the opens or clicks counted are those of the last days."),
        ),
        TriggerSetting(
            "kinds", _("Counting"), lambda: [kind for kind, _label in engagement_kinds()],
            choices=engagement_kinds,
            help_text=_("Engagement threshold: what counts. None ticked: opens and clicks."),
        ),
    )

    def due_entries(self, journey, settings, now, since=None):
        since = since if since is not None else now - self.interval
        window = timedelta(days=settings["days"])
        counted = MessageEvent.objects.filter(is_machine=False, kind__in=settings["kinds"])
        # Only who opened or clicked since the previous scan can have crossed: without a new
        # event, a count can only have fallen. Their events of both windows, grouped in one query
        # (the contact-kind-time index): each one's count now and at the previous scan.
        active = counted.filter(created_at__gt=since, created_at__lte=now).values("contact_id")
        crossed = (
            counted.filter(contact_id__in=active, created_at__gt=since - window, created_at__lte=now)
            .values("contact_id")
            .annotate(
                count_now=Count("pk", filter=Q(created_at__gt=now - window)),
                count_before=Count("pk", filter=Q(created_at__lte=since)),
            )
            .filter(count_now__gte=settings["count"], count_before__lt=settings["count"])
            .values("contact_id")
        )
        return [Entry(contact) for contact in Contact.objects.filter(reachable(journey, now), pk__in=crossed)]
