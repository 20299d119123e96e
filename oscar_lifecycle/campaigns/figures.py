"""What a campaign send did, for its progress page and its results: a constant number of queries
whatever the size of its audience (aggregates over its enrollments, messages and conversions)."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from ..models import ConsentEvent, Contact, Conversion, Enrollment, Message, MessageEvent
from .controls import CANCELLED


@dataclass
class Progress:
    """Where the enrollments of a send are: waiting their turn (``queued``), stopped by a pause,
    sent, failed (retrying), held for review, or ended unsent (``skipped``, by reason)."""

    queued: int = 0
    paused: int = 0
    sent: int = 0
    failed: int = 0
    held: int = 0
    cancelled: int = 0
    skipped: Counter = field(default_factory=Counter)

    @property
    def skipped_reasons(self):
        """[(reason, count)], the most frequent first."""
        return self.skipped.most_common()

    @property
    def skipped_total(self):
        return sum(self.skipped.values())


@dataclass
class Results:
    sent: int = 0
    delivered: int = 0
    opened: int = 0
    clicked: int = 0
    unsubscribed: int = 0
    orders: int = 0
    revenue: Decimal = Decimal("0")

    def _rate(self, count):
        return f"{100 * count / self.sent:.1f} %" if self.sent else ""

    @property
    def delivered_rate(self):
        return self._rate(self.delivered)

    @property
    def opened_rate(self):
        return self._rate(self.opened)

    @property
    def clicked_rate(self):
        return self._rate(self.clicked)

    @property
    def unsubscribed_rate(self):
        return self._rate(self.unsubscribed)


def progress(send):
    """The Progress of ``send``, in two queries."""
    enrollments = Enrollment.objects.filter(campaign_send=send).aggregate(
        queued=Count("pk", filter=Q(state=Enrollment.State.ACTIVE, next_run_at__isnull=False)),
        paused=Count("pk", filter=Q(state=Enrollment.State.ACTIVE, next_run_at__isnull=True)),
        held=Count("pk", filter=Q(state=Enrollment.State.HELD)),
        cancelled=Count("pk", filter=Q(state=Enrollment.State.EXITED, reason=CANCELLED)),
    )
    found = Progress(**enrollments)
    by_status = (Message.objects.filter(enrollment__campaign_send=send).values_list("status", "reason")
                 .annotate(count=Count("pk")).order_by())
    for status, reason, count in by_status:
        if status == Message.Status.SENT:
            found.sent += count
        elif status == Message.Status.FAILED:
            found.failed += count
        elif status in (Message.Status.SUPPRESSED, Message.Status.SKIPPED, Message.Status.UNDELIVERABLE):
            found.skipped[reason or status] += count
    if found.cancelled:
        found.skipped[CANCELLED] += found.cancelled
    return found


def results(sends):
    """The Results of ``sends`` together (a campaign's issues, or one), in two queries: sent,
    delivered (the ESP said so), opened and clicked by a person (not a privacy proxy or a link
    scanner), unsubscribed after it, and the orders attributed to it."""
    sent = Message.objects.filter(enrollment__campaign_send__in=sends, status=Message.Status.SENT)
    delivered = MessageEvent.objects.filter(message=OuterRef("pk"), kind=MessageEvent.Kind.DELIVERED)
    unsubscribed = ConsentEvent.objects.filter(contact=OuterRef("contact_id"), status=Contact.Status.UNSUBSCRIBED,
                                               created_at__gte=OuterRef("sent_at"))
    counts = sent.annotate(was_delivered=Exists(delivered), then_unsubscribed=Exists(unsubscribed)).aggregate(
        sent=Count("pk"),
        delivered=Count("pk", filter=Q(was_delivered=True) | Q(opened_at__isnull=False) | Q(clicked_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
        unsubscribed=Count("contact_id", filter=Q(then_unsubscribed=True), distinct=True),
    )
    orders = Conversion.objects.filter(message__enrollment__campaign_send__in=sends).aggregate(
        orders=Count("pk"), revenue=Sum("revenue"))
    return Results(**counts, orders=orders["orders"], revenue=orders["revenue"] or Decimal("0"))

