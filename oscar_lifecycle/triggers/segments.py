"""Contacts who join a segment: the journey's own segment ("only for contacts in segment")."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ..engine.gates import reachable
from ..models import Contact, SegmentMember
from ..rules import RuleContext
from .base import Entry, ScanTrigger


class SegmentEnteredTrigger(ScanTrigger):
    """Everyone who is in the journey's segment at a scan and was not at the scan before. A
    journey's first scan only notes who is in it already: they joined before the journey
    existed, and it starts with those who join after (as Klaviyo's segment-triggered flows do).
    Who leaves the segment and joins again enters again, as its re-entry settings allow."""

    name = "segment_entered"
    label = _("Contact joins the journey's segment")
    interval = timedelta(minutes=15)
    needs_segment = True

    def due_entries(self, journey, settings, now, since=None):
        segment = journey.segment
        members = SegmentMember.objects.filter(journey=journey)
        if segment is None or not segment.live:
            members.delete()
            return []
        in_segment = Contact.objects.filter(segment.q(RuleContext(now=now)))
        members.exclude(contact__in=in_segment.values("pk")).delete()
        joined = list(in_segment.exclude(
            Exists(SegmentMember.objects.filter(journey=journey, contact=OuterRef("pk")))
        ).values_list("pk", flat=True))
        SegmentMember.objects.bulk_create(
            [SegmentMember(journey=journey, contact_id=contact_id, since=now) for contact_id in joined],
            batch_size=1000,
        )
        if since is None:
            return []
        return [Entry(contact) for contact in Contact.objects.filter(reachable(journey, now), pk__in=joined)]
