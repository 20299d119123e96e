"""Which lifecycle email earned an order: the last one the contact clicked within CLICK_WINDOW
before it, else the last one they opened within OPEN_WINDOW. People only: a machine's open or
click (a privacy proxy, a link scanner) never earns an order. Once per order."""

import logging

from django.db import IntegrityError, transaction

from ..conf import lifecycle_setting
from ..models import Conversion, MessageEvent
from ..signals import conversion_attributed

logger = logging.getLogger(__name__)


def _last_engagement(contact, kind, window, placed_at):
    return (
        MessageEvent.objects.filter(
            contact=contact, kind=kind, is_machine=False,
            created_at__lte=placed_at, created_at__gte=placed_at - window,
        )
        .select_related("message")
        .order_by("-created_at", "-pk")
        .first()
    )


def attribute_order(order, contact):
    """Record and announce the Conversion ``order`` owes to an email; None when it owes none."""
    if Conversion.objects.filter(order=order).exists():
        return None
    engagement, attributed_to = _last_engagement(
        contact, MessageEvent.Kind.CLICKED, lifecycle_setting("CLICK_WINDOW"), order.date_placed
    ), "click"
    if engagement is None:
        engagement, attributed_to = _last_engagement(
            contact, MessageEvent.Kind.OPENED, lifecycle_setting("OPEN_WINDOW"), order.date_placed
        ), "open"
    if engagement is None:
        return None
    message = engagement.message
    try:
        with transaction.atomic():
            conversion = Conversion.objects.create(
                order=order, message=message, contact=contact, journey_id=message.journey_id,
                step_id=message.step_id, revenue=order.total_incl_tax, currency=order.currency,
                attributed_to=attributed_to,
            )
    except IntegrityError:
        return None
    for receiver, error in conversion_attributed.send_robust(sender=Conversion, conversion=conversion):
        if error is not None:
            logger.error("A conversion_attributed receiver (%r) failed", receiver, exc_info=error)
    return conversion
