"""Commercial pressure: the shop's cap on marketing emails per contact, its minimum gap between two
of them, and each contact's own choice of how often (every email, weekly, monthly, or a pause)."""

from datetime import timedelta

from ..models import Contact, Journey, Message

FREQUENCY_WINDOWS = {
    Contact.Frequency.WEEKLY: timedelta(days=7),
    Contact.Frequency.MONTHLY: timedelta(days=30),
}
LONGEST_FREQUENCY_WINDOW = max(FREQUENCY_WINDOWS.values())


class PressureLedger:
    """Marketing send times per contact for one batch, loaded in one query and kept current.

    ``cap`` None means no cap; a ``gap`` of zero, no gap.
    """

    def __init__(self, contact_ids, now, *, cap, window, gap=timedelta(0)):
        self.cap = cap
        self.window = window
        self.gap = gap
        self.sent_at = {contact_id: [] for contact_id in contact_ids}
        recent = Message.objects.filter(
            contact_id__in=contact_ids,
            category=Journey.Category.MARKETING,
            status=Message.Status.SENT,
            sent_at__gt=now - max(window, gap, LONGEST_FREQUENCY_WINDOW),
        ).order_by("sent_at").values_list("contact_id", "sent_at")
        for contact_id, sent_at in recent:
            self.sent_at[contact_id].append(sent_at)

    def _cap_allows_from(self, contact_id, now):
        if self.cap is None:
            return now
        in_window = [sent for sent in self.sent_at[contact_id] if sent > now - self.window]
        if len(in_window) < self.cap:
            return now
        return in_window[len(in_window) - self.cap] + self.window

    def allowed_from(self, contact, now):
        """Return (when the next marketing email to ``contact`` may go, why it waits): ``now``
        and "" when it may go now."""
        if contact.frequency == Contact.Frequency.PAUSED and contact.paused_until and contact.paused_until > now:
            return contact.paused_until, "the contact paused marketing email"
        frequency_window = FREQUENCY_WINDOWS.get(contact.frequency)
        sent = self.sent_at[contact.pk]
        if frequency_window is not None and sent and sent[-1] > now - frequency_window:
            return sent[-1] + frequency_window, (
                f"the contact asked for {contact.get_frequency_display().lower()}"
            )
        if self.gap and sent and sent[-1] > now - self.gap:
            hours = int(self.gap.total_seconds() // 3600)
            return sent[-1] + self.gap, f"the minimum gap of {hours} h between two marketing emails"
        cap_allows_from = self._cap_allows_from(contact.pk, now)
        if cap_allows_from > now:
            return cap_allows_from, (
                f"the pressure cap ({self.cap} marketing emails in {self.window.days} days)"
            )
        return now, ""

    def record(self, contact_id, sent_at):
        self.sent_at[contact_id].append(sent_at)
