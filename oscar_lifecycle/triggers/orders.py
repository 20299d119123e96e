from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from oscar.core.loading import get_model
from django.utils.translation import gettext_lazy as _

from ..conf import lifecycle_setting
from ..models import Activity
from .base import Entry, EventTrigger, TriggerSetting


class OrderPlacedTrigger(EventTrigger):
    """An order is placed (Oscar's ``order_placed``): cross-sell, up-sell, thank-you series."""

    name = "order_placed"
    label = _("Order placed (Oscar's order_placed)")
    activity_kind = Activity.Kind.ORDER_PLACED
    about = "order"


def order_statuses():
    """Every status of OSCAR_ORDER_STATUS_PIPELINE, as choices."""
    return [(status, status) for status in getattr(settings, "OSCAR_ORDER_STATUS_PIPELINE", {})]


def delivered_statuses():
    """OSCAR_LIFECYCLE["DELIVERED_STATUSES"], or the ends of the pipeline that are not a
    cancellation (statuses that lead nowhere, whose name does not say "cancel")."""
    configured = lifecycle_setting("DELIVERED_STATUSES")
    if configured is not None:
        return list(configured)
    pipeline = getattr(settings, "OSCAR_ORDER_STATUS_PIPELINE", {})
    return [status for status, next_statuses in pipeline.items()
            if not next_statuses and "cancel" not in status.lower()]


class OrderStatusTrigger(EventTrigger):
    """An order reaches one of the statuses the editor ticks (Oscar's ``order_status_changed``,
    sent by ``Order.set_status``): the satisfaction question after delivery."""

    name = "order_status"
    label = _("Order reaches a status, e.g. delivered (Oscar's order_status_changed)")
    activity_kind = Activity.Kind.ORDER_STATUS_CHANGED
    about = "order"
    settings = (
        TriggerSetting(
            "statuses", _("Order statuses"), delivered_statuses, choices=order_statuses,
            help_text=_("Order status: the journey starts when an order reaches one of these. "
                        "None ticked: the end of the shop's fulfilment path (never a cancellation)."),
        ),
    )

    def entries_for(self, activity, contact, settings):
        if activity.status not in settings["statuses"]:
            return []
        return [Entry(contact, order_id=activity.order_id)]


class LoyaltyTrigger(EventTrigger):
    """A customer places their Nth order (a personal offer to say thank you)."""

    name = "loyalty"
    label = _("Customer places their Nth order (loyalty)")
    activity_kind = Activity.Kind.ORDER_PLACED
    about = "order"
    settings = (
        TriggerSetting(
            "order_count", _("Number of orders"), 3, min_value=2, max_value=100,
            help_text=_("Loyalty: the journey starts with the customer's order of this number."),
        ),
    )

    def order_number(self, settings):
        """Which of the customer's orders starts the journey: 3 for their third."""
        return settings["order_count"]

    def entries_for(self, activity, contact, settings):
        return self.entries_for_activities([(activity, contact)], settings)[activity.pk]

    def entries_for_activities(self, resolved, settings):
        """One query for the batch: the orders of its contacts placed up to its last order, counted
        per activity as those of the contact's account or address placed up to the activity's."""
        resolved = list(resolved)
        if not resolved:
            return {}
        Order = get_model("order", "Order")
        emails = {contact.email for _activity, contact in resolved}
        user_ids = {contact.user_id for _activity, contact in resolved if contact.user_id}
        orders = list(
            Order.objects.annotate(guest_address=Lower("guest_email"))
            .filter(Q(user_id__in=user_ids) | Q(guest_address__in=emails),
                    date_placed__lte=max(activity.order.date_placed for activity, _contact in resolved))
            .values_list("user_id", "guest_address", "date_placed")
        )
        of_user, of_address = {}, {}
        for index, (user_id, guest_address, _placed) in enumerate(orders):
            of_user.setdefault(user_id, set()).add(index)
            of_address.setdefault(guest_address, set()).add(index)
        entries = {}
        for activity, contact in resolved:
            indexes = of_address.get(contact.email, set())
            if contact.user_id:
                indexes = indexes | of_user.get(contact.user_id, set())
            placed = sum(1 for index in indexes if orders[index][2] <= activity.order.date_placed)
            loyal = placed == self.order_number(settings)
            entries[activity.pk] = [Entry(contact, order_id=activity.order_id)] if loyal else []
        return entries


class FirstOrderTrigger(LoyaltyTrigger):
    """A customer's first order, member or guest, counted by contact (their account or their
    address): the new customer's welcome, apart from the new member's. The runner counts the
    orders, as for loyalty: the shopper's request only records the order."""

    name = "first_order"
    label = _("Customer places their first order")
    settings = ()

    def order_number(self, settings):
        return 1
