"""Commercial pressure: how many marketing emails a contact got in the rolling window."""

from ..models import Journey, Message


class PressureLedger:
    """Marketing send times per contact for one batch, loaded in one query and kept current.

    ``cap`` None means no cap.
    """

    def __init__(self, contact_ids, now, *, cap, window):
        self.cap = cap
        self.window = window
        self.sent_at = {contact_id: [] for contact_id in contact_ids}
        recent = Message.objects.filter(
            contact_id__in=contact_ids,
            category=Journey.Category.MARKETING,
            status=Message.Status.SENT,
            sent_at__gt=now - window,
        ).order_by("sent_at").values_list("contact_id", "sent_at")
        for contact_id, sent_at in recent:
            self.sent_at[contact_id].append(sent_at)

    def allowed_from(self, contact_id, now):
        """Return when the next marketing email to the contact may go: ``now`` or later."""
        if self.cap is None:
            return now
        in_window = [sent for sent in self.sent_at[contact_id] if sent > now - self.window]
        if len(in_window) < self.cap:
            return now
        return in_window[len(in_window) - self.cap] + self.window

    def record(self, contact_id, sent_at):
        self.sent_at[contact_id].append(sent_at)
