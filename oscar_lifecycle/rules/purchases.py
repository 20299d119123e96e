"""Rules on what contacts bought, from Oscar's orders (rules/orders.py: by account or as a guest)."""

from django.conf import settings as django_settings
from django.db.models import Q
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual, Range
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail import blocks

from ..conf import lifecycle_setting
from .base import Rule, RuleError
from .bounds import check_days, check_range, days_block, range_blocks, range_lookups, since
from .catalogue import CategoryChoice, ProductChoice, ProductClassChoice
from .orders import average_order_value, order_count, owned, total_spent

GROUP = _("Purchases")
LOOKUPS = {"gte": GreaterThanOrEqual, "lte": LessThanOrEqual}


def _orders():
    return get_model("order", "Order").objects.all()


def _lines():
    return get_model("order", "Line").objects.all()


class _BetweenRule(Rule):
    """A figure of the contact's orders (``figure()``: rules/orders.py) between a minimum and a
    maximum."""

    group = GROUP
    range_block = blocks.IntegerBlock

    @classmethod
    def setting_blocks(cls):
        return range_blocks(cls.range_block)

    def check(self):
        check_range(self.settings)

    def figure(self):
        raise NotImplementedError

    def q(self, context):
        """One comparison (BETWEEN when both bounds are set), so the figure is computed once."""
        lookups = range_lookups(self.settings)
        if len(lookups) == 2:
            return Q(Range(self.figure(), (lookups["gte"], lookups["lte"])))
        ((lookup, bound),) = lookups.items()
        return Q(LOOKUPS[lookup](self.figure(), bound))


class OrderCountRule(_BetweenRule):
    name = "order_count"
    label = _("Number of orders")

    def figure(self):
        return order_count()


class TotalSpentRule(_BetweenRule):
    """All their orders, tax included, in the shop's currency (amounts are added as they are)."""

    name = "total_spent"
    label = _("Total spent")
    range_block = blocks.DecimalBlock

    def figure(self):
        return total_spent()


class AverageOrderValueRule(_BetweenRule):
    """Tax included; a contact without orders has no average and never matches."""

    name = "average_order_value"
    label = _("Average order value")
    range_block = blocks.DecimalBlock

    def figure(self):
        return average_order_value()


WITHIN, BEFORE, NEVER = "within", "before", "never"
WHEN_CHOICES = [
    (WITHIN, _("in the last N days")),
    (BEFORE, _("more than N days ago")),
    (NEVER, _("never (no order at all)")),
]


class _OrderDateRule(Rule):
    group = GROUP

    @classmethod
    def setting_blocks(cls):
        return [
            ("when", blocks.ChoiceBlock(choices=WHEN_CHOICES, label=_("when"), required=False)),
            ("days", days_block(_("days (N)"), required=False)),
        ]

    def check(self):
        when = self.settings.get("when")
        if when not in dict(WHEN_CHOICES):
            raise RuleError(_("Choose when."))
        check_days(self.settings, required=when != NEVER)

    def q(self, context):
        when = self.settings["when"]
        if when == NEVER:
            return ~owned(_orders())
        moment = since(self.settings, context)
        return self.placed(owned(_orders().filter(date_placed__gte=moment)),
                           owned(_orders().filter(date_placed__lt=moment)), when)

    def placed(self, since_moment, before_moment, when):
        """The condition from "an order since the moment" and "an order before it"."""
        raise NotImplementedError


class FirstOrderRule(_OrderDateRule):
    name = "first_order"
    label = _("Date of the first order")

    def placed(self, since_moment, before_moment, when):
        return since_moment & ~before_moment if when == WITHIN else before_moment


class LastOrderRule(_OrderDateRule):
    name = "last_order"
    label = _("Date of the last order")

    def placed(self, since_moment, before_moment, when):
        return since_moment if when == WITHIN else before_moment & ~since_moment


class _BoughtRule(Rule):
    """Bought (a line of an order of theirs) what the setting names (rules/catalogue.py), ever or
    in the last ``days``."""

    group = GROUP

    @classmethod
    def setting_blocks(cls):
        return [(cls.chosen, cls.chooser()), ("days", days_block(_("in the last days (empty: ever)"), required=False))]

    def check(self):
        self.check_chosen()
        check_days(self.settings, required=False)

    def q(self, context):
        lines = _lines().filter(self.products())
        moment = since(self.settings, context)
        if moment is not None:
            lines = lines.filter(order__date_placed__gte=moment)
        return owned(lines, "order__")


class BoughtProductRule(ProductChoice, _BoughtRule):
    name = "bought_product"
    label = _("Bought a product")


class BoughtCategoryRule(CategoryChoice, _BoughtRule):
    name = "bought_category"
    label = _("Bought in a category (or its subcategories)")


class BoughtProductClassRule(ProductClassChoice, _BoughtRule):
    name = "bought_product_class"
    label = _("Bought a product of a type (product class)")


def finished_order_statuses():
    """OSCAR_LIFECYCLE["FINISHED_ORDER_STATUSES"], or the statuses of OSCAR_ORDER_STATUS_PIPELINE
    from which no transition leads on; None when neither names any."""
    configured = lifecycle_setting("FINISHED_ORDER_STATUSES")
    if configured is not None:
        return list(configured)
    pipeline = getattr(django_settings, "OSCAR_ORDER_STATUS_PIPELINE", {})
    return [status for status, next_statuses in pipeline.items() if not next_statuses] or None


class OpenOrderRule(Rule):
    """Has an order whose status is not a finished one: the closest Oscar has to "an open
    customer-service request"."""

    name = "open_order"
    label = _("Has an order not yet at the end of its fulfilment")
    group = GROUP

    def check(self):
        if finished_order_statuses() is None:
            raise RuleError(_(
                "The shop has no order status pipeline (OSCAR_ORDER_STATUS_PIPELINE): name the finished "
                "statuses in OSCAR_LIFECYCLE[\"FINISHED_ORDER_STATUSES\"]."))

    def q(self, context):
        self.check()
        return owned(_orders().exclude(status__in=finished_order_statuses()))
