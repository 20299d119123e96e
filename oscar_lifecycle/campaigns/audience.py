"""A send's audience, frozen when it starts: the contacts of the campaign's segments, minus those
of its excluded segments, that its email may reach (consent, status), each given one enrollment
of the campaign's journey, inserted in batches. Who joins a segment later is not added."""

from functools import reduce
from operator import or_

from django.db.models import Q

from ..engine.gates import reachable
from ..models import Contact, Enrollment
from ..query_plans import jit_off
from ..rules import RuleContext

INSERT_BATCH = 2000


def _any_of(segments, context):
    conditions = [segment.q(context) for segment in segments]
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def audience(campaign, journey, now):
    """The ids of the contacts ``campaign`` goes to at ``now`` (raises RuleError when a
    segment's rules no longer work)."""
    context = RuleContext(now=now)
    contacts = Contact.objects.filter(_any_of(campaign.segments.filter(live=True), context))
    excluded = list(campaign.excluded_segments.all())
    if excluded:
        contacts = contacts.exclude(pk__in=Contact.objects.filter(_any_of(excluded, context)).values("pk"))
    return contacts.filter(reachable(journey, now)).order_by().values_list("pk", flat=True).distinct()


def freeze_audience(send, step, now):
    """One active enrollment per contact of ``send``'s audience, due at ``now``; return how many."""
    journey = step.journey
    with jit_off():
        contact_ids = list(audience(send.campaign, journey, now))
    for start in range(0, len(contact_ids), INSERT_BATCH):
        Enrollment.objects.bulk_create([
            Enrollment(contact_id=contact_id, journey=journey, campaign_send=send, next_step=step,
                       next_run_at=now, created_at=now)
            for contact_id in contact_ids[start:start + INSERT_BATCH]
        ])
    return len(contact_ids)
