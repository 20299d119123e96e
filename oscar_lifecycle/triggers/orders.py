from django.utils.translation import gettext_lazy as _

from ..models import Activity
from .base import EventTrigger


class OrderPlacedTrigger(EventTrigger):
    """An order is placed (Oscar's ``order_placed``): cross-sell, up-sell, thank-you series."""

    name = "order_placed"
    label = _("Order placed (Oscar's order_placed)")
    activity_kind = Activity.Kind.ORDER_PLACED
