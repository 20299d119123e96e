"""May this contact receive this journey's mail at all? Consent and suppression.

Two faces that must agree: ``suppression_reason`` / ``may_enter`` for one contact (enrollment and
the dispatcher) and ``reachable`` for many (the scans' SQL), so a scan finds only contacts it
would enroll. Topics are the one check left to Python.
"""

from datetime import datetime

from django.db.models import Q

from ..consent_rules import AWAITING_CONFIRMATION, awaiting_confirmation_q, awaits_confirmation, consent_rule
from ..models import Contact, Journey


def suppression_reason(contact: Contact, journey: Journey, now: datetime) -> str:
    """Return why ``contact`` must not get ``journey``'s mail at ``now``, or "" when it may.

    A sunset contact still gets relational mail (order news); nobody who said no does. Marketing
    follows the shop's consent rule; a contact it refuses only for want of the confirmation of a
    box they ticked gets ``AWAITING_CONFIRMATION`` until CONFIRMATION_WAIT has passed.
    """
    if contact.status == Contact.Status.SUNSET and not journey.is_marketing:
        return ""
    if contact.status != Contact.Status.ACTIVE:
        return f"contact is {contact.get_status_display().lower()}"
    if journey.is_marketing:
        if contact.consent == Contact.Consent.WITHDRAWN:
            return "marketing consent withdrawn"
        if journey.topic and journey.topic in (contact.declined_topics or ()):
            return f"the contact declined {journey.topic}"
        rule = consent_rule()
        if not rule.allows(contact):
            return AWAITING_CONFIRMATION if awaits_confirmation(contact, now) else rule.refusal
    return ""


def may_enter(contact: Contact, journey: Journey, now: datetime) -> bool:
    """``contact`` may enter ``journey`` at ``now``: it may get its mail, or will once it
    confirms the consent box it ticked (its steps wait for that)."""
    return suppression_reason(contact, journey, now) in ("", AWAITING_CONFIRMATION)


def reachable(journey: Journey, now: datetime, prefix: str = "") -> Q:
    """``may_enter`` as one SQL condition on contacts (under ``prefix``, e.g. "contact__"),
    topics aside."""
    statuses = [Contact.Status.ACTIVE] if journey.is_marketing else [Contact.Status.ACTIVE, Contact.Status.SUNSET]
    condition = Q(**{f"{prefix}status__in": statuses})
    if journey.is_marketing:
        condition &= ~Q(**{f"{prefix}consent": Contact.Consent.WITHDRAWN})
        condition &= consent_rule().q(prefix) | awaiting_confirmation_q(now, prefix)
    return condition
