"""A contact's history, newest first: enrollments, messages, consent changes and orders."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


KIND_LABELS = {
    "enrollment": gettext_lazy("Journey"),
    "message": gettext_lazy("Email"),
    "consent": gettext_lazy("Consent"),
    "order": gettext_lazy("Order"),
    "rating": gettext_lazy("Rating"),
    "feedback": gettext_lazy("Email feedback"),
    "conversion": gettext_lazy("Revenue"),
}


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
        text = _("%(status)s: “%(subject)s”") % {
            "status": message.get_status_display(), "subject": message.subject}
        if message.reason:
            text += f" ({message.reason})"
        entries.append(TimelineEntry(message.sent_at or message.created_at, "message", text))
    for event in contact.message_events.select_related("message"):
        text = _("%(what)s: “%(subject)s”") % {"what": event.get_kind_display(), "subject": event.message.subject}
        if event.url:
            text += f" → {event.url}"
        if event.is_machine:
            text += " " + _("(by a machine: not counted)")
        if event.description:
            text += f" ({event.description})"
        entries.append(TimelineEntry(event.created_at, "feedback", text))
    for conversion in contact.conversions.select_related("order", "message"):
        text = _("Order %(number)s (%(total)s) attributed to “%(subject)s”") % {
            "number": conversion.order.number, "total": currency(conversion.revenue, conversion.currency),
            "subject": conversion.message.subject if conversion.message else "?"}
        entries.append(TimelineEntry(conversion.created_at, "conversion", text))
    for event in contact.consent_events.all():
        text = _("Consent %(consent)s, status %(status)s, by %(source)s") % {
            "consent": event.get_consent_display(), "status": event.get_status_display(),
            "source": event.source}
        entries.append(TimelineEntry(event.created_at, "consent", text))
    for response in contact.survey_responses.select_related("order"):
        text = _("Rated order %(number)s %(rating)s/5") % {
            "number": response.order.number if response.order else "?", "rating": response.rating}
        if response.comment:
            text += f": “{response.comment}”"
        entries.append(TimelineEntry(response.updated_at, "rating", text))
    placed_by_contact = Q(guest_email__iexact=contact.email) | Q(user__email__iexact=contact.email)
    if contact.user_id:
        placed_by_contact |= Q(user_id=contact.user_id)
    for order in get_model("order", "Order").objects.filter(placed_by_contact):
        text = _("Order %(number)s: %(total)s") % {
            "number": order.number, "total": currency(order.total_incl_tax, order.currency)}
        entries.append(TimelineEntry(order.date_placed, "order", text))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
