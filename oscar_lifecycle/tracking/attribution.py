"""Which lifecycle email earned an order: the last one the contact clicked within CLICK_WINDOW
before it, else the last one they opened within OPEN_WINDOW. People only: a machine's open or
click (a privacy proxy, a link scanner) never earns an order. Once per order."""

import logging

from ..conf import lifecycle_setting
from ..models import Conversion, MessageEvent
from ..signals import conversion_attributed

logger = logging.getLogger(__name__)


def _engagements(contacts, since, until):
    """{contact id: its people's clicks and opens between ``since`` and ``until``, newest first}."""
    engagements = {}
    for event in MessageEvent.objects.filter(
        contact__in=contacts, kind__in=[MessageEvent.Kind.CLICKED, MessageEvent.Kind.OPENED], is_machine=False,
        created_at__lte=until, created_at__gte=since,
    ).select_related("message").order_by("-created_at", "-pk"):
        engagements.setdefault(event.contact_id, []).append(event)
    return engagements


def _last_engagement(events, kind, window, placed_at):
    return next((event for event in events
                 if event.kind == kind and placed_at - window <= event.created_at <= placed_at), None)


def attribute_orders(orders_of_contacts):
    """Record the Conversions that ``orders_of_contacts``, pairs of (order, its saved contact),
    owe to an email, in a fixed number of queries whatever their number; return them. Call
    ``announce`` with them once they are saved with what the caller writes beside them."""
    pairs = list(orders_of_contacts)
    if not pairs:
        return []
    click_window, open_window = lifecycle_setting("CLICK_WINDOW"), lifecycle_setting("OPEN_WINDOW")
    already = set(Conversion.objects.filter(order__in=[order for order, _contact in pairs])
                  .values_list("order_id", flat=True))
    engagements = _engagements(
        {contact.pk for _order, contact in pairs},
        min(order.date_placed for order, _contact in pairs) - max(click_window, open_window),
        max(order.date_placed for order, _contact in pairs),
    )
    conversions = []
    for order, contact in pairs:
        if order.pk in already:
            continue
        events = engagements.get(contact.pk, ())
        engagement, attributed_to = _last_engagement(
            events, MessageEvent.Kind.CLICKED, click_window, order.date_placed), "click"
        if engagement is None:
            engagement, attributed_to = _last_engagement(
                events, MessageEvent.Kind.OPENED, open_window, order.date_placed), "open"
        if engagement is None:
            continue
        already.add(order.pk)
        message = engagement.message
        conversions.append(Conversion(
            order=order, message=message, contact=contact, journey_id=message.journey_id,
            step_id=message.step_id, revenue=order.total_incl_tax, currency=order.currency,
            attributed_to=attributed_to,
        ))
    return Conversion.objects.bulk_create(conversions)


def announce(conversions):
    """Send ``conversion_attributed`` for each of ``conversions``; a receiver that fails is logged."""
    for conversion in conversions:
        for receiver, error in conversion_attributed.send_robust(sender=Conversion, conversion=conversion):
            if error is not None:
                logger.error("A conversion_attributed receiver (%r) failed", receiver, exc_info=error)
