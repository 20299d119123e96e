"""A contact's history, newest first: enrollments, messages, consent changes and orders."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from oscar.core.loading import get_model


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str


def contact_timeline(contact):
    entries = []
    for enrollment in contact.enrollments.select_related("journey"):
        entries.append(TimelineEntry(enrollment.created_at, "enrollment",
                                     _("Entered “%s”") % enrollment.journey.name))
        if enrollment.ended_at:
            text = _("Left “%(journey)s”: %(state)s") % {
                "journey": enrollment.journey.name, "state": enrollment.get_state_display()}
            if enrollment.reason:
                text += f" ({enrollment.reason})"
            entries.append(TimelineEntry(enrollment.ended_at, "enrollment", text))
    for message in contact.messages.all():
        text = f"{message.get_status_display()}: “{message.subject}”"
        if message.reason:
            text += f" ({message.reason})"
        entries.append(TimelineEntry(message.sent_at or message.created_at, "message", text))
    for event in contact.consent_events.all():
        text = _("Consent %(consent)s, status %(status)s, by %(source)s") % {
            "consent": event.get_consent_display(), "status": event.get_status_display(),
            "source": event.source}
        entries.append(TimelineEntry(event.created_at, "consent", text))
    placed_by_contact = Q(guest_email__iexact=contact.email) | Q(user__email__iexact=contact.email)
    if contact.user_id:
        placed_by_contact |= Q(user_id=contact.user_id)
    for order in get_model("order", "Order").objects.filter(placed_by_contact):
        text = _("Order %(number)s: %(total)s %(currency)s") % {
            "number": order.number, "total": order.total_incl_tax, "currency": order.currency}
        entries.append(TimelineEntry(order.date_placed, "order", text))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
