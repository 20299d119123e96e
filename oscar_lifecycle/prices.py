"""Products' prices as a grid shows them (the first stock record's), and the price a shopper saw."""

from django.db.models import Subquery
from oscar.core.loading import get_model

from .models import Activity

StockRecord = get_model("partner", "StockRecord")


def current_price(product_ref):
    """A subquery: the price of ``product_ref`` now, from its first stock record."""
    return Subquery(StockRecord.objects.filter(product=product_ref).order_by("pk").values("price")[:1])


def note_prices_seen(activities):
    """Set ``price_seen`` on the product views among ``activities`` (not saved), in one query: the
    runner works them minutes after the view, so the shopper's request pays nothing."""
    views = [activity for activity in activities
             if activity.kind == Activity.Kind.PRODUCT_VIEWED and activity.product_id and activity.price_seen is None]
    if not views:
        return
    records = StockRecord.objects.filter(product__in={view.product_id for view in views})
    price_of = {}  # the first stock record's price, as current_price
    for product_id, price in records.order_by("product_id", "pk").values_list("product_id", "price"):
        price_of.setdefault(product_id, price)
    for view in views:
        view.price_seen = price_of.get(view.product_id)
