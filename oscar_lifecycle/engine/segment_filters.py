"""A journey's segment: only its contacts enter, and, when the journey says so, who has left it
leaves the journey before its next email (Klaviyo's flow filters). One query per journey with a
segment, whatever the number of contacts."""

import logging

from ..models import Contact, Journey
from ..query_plans import jit_off
from ..rules import RuleContext, RuleError

logger = logging.getLogger(__name__)


def segment_members(journeys, contact_ids, now):
    """{journey id: the ids among ``contact_ids`` in its segment} for ``journeys`` with one; an
    unpublished segment, or one whose rules no longer work (a rule taken out of RULES), holds
    nobody: a journey never sends to contacts nobody chose."""
    ids = [contact_id for contact_id in set(contact_ids) if contact_id is not None]
    members = {}
    for journey in journeys:
        if journey.segment_id is None:
            continue
        segment = journey.segment
        if not segment.live or not ids:
            members[journey.pk] = set()
            continue
        try:
            condition = segment.q(RuleContext(now=now))
        except RuleError as error:
            logger.error("oscar_lifecycle: segment %r of journey %r holds nobody: %s", segment.name,
                         journey.name, " ".join(error.messages))
            members[journey.pk] = set()
            continue
        with jit_off():
            members[journey.pk] = set(Contact.objects.filter(pk__in=ids).filter(condition).values_list("pk", flat=True))
    return members


def segment_exit_reasons(enrollments, now):
    """{enrollment id: why it ends} for ``enrollments`` whose journey checks its segment before
    every email and whose contact is no longer in it."""
    rechecked = {}
    for enrollment in enrollments:
        journey = enrollment.journey
        if journey.segment_id is not None and journey.segment_check == Journey.SegmentCheck.BEFORE_EVERY_EMAIL:
            rechecked.setdefault(journey.pk, (journey, []))[1].append(enrollment)
    reasons = {}
    for journey, group in rechecked.values():
        members = segment_members([journey], [enrollment.contact_id for enrollment in group], now)[journey.pk]
        reasons.update({enrollment.pk: f"no longer in segment “{journey.segment}”"
                        for enrollment in group if enrollment.contact_id not in members})
    return reasons
