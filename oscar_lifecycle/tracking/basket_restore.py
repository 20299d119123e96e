"""The basket link of an abandoned-basket email, followed on any device: the lines of the basket
the email was about are copied into the visitor's own basket.

Copied, never handed over: the basket row of the email stays its owner's (a member's account
basket, a guest's cookie basket), so whoever follows a forwarded email gets the products the
email already listed, in a basket of their own, and nothing they do there (remove a line, add a
voucher, check out) touches the owner's. The original stays open and unchanged, so the reminder
series goes on until an order ends it, and the shopper may still come back on the first device.
"""

from django.db import transaction

from ..purchases import bought_since_added


def restore_lines(basket, into, purchases):
    """Copy the lines of ``basket`` into ``into`` (the visitor's basket, with its strategy, as
    Oscar's basket middleware gives it); return (titles of the products now in ``into``, titles
    of those left out because they can no longer be bought here). Lines whose product the
    contact bought since adding it (``purchases``: {product id: when}) are left out quietly, as
    the email left them out.

    A line ``into`` already holds keeps the larger quantity, as Oscar's login merge does
    (``add_quantities=False``), so a link followed twice, or from two reminders, restores once.
    Prices are the shop's of today, as for any product added to a basket."""
    restored, left_out = [], []
    lines = basket.lines.select_related("product").prefetch_related("attributes__option").order_by("pk")
    with transaction.atomic():
        for line in lines:
            if bought_since_added(line.product_id, line.date_created, purchases):
                continue
            options = [{"option": attribute.option, "value": attribute.value} for attribute in line.attributes.all()]
            topped_up = _topped_up(into, line.product, line.quantity, options)
            (restored if topped_up else left_out).append(line.product.get_title())
    return restored, left_out


def _topped_up(into, product, quantity, options):
    """Whether ``into`` now holds ``quantity`` of ``product`` with ``options`` (adding what it
    lacks), or False when the product cannot be bought in that quantity any more."""
    if not product.is_public:
        return False
    stock = into.get_stock_info(product, options)
    if not stock.availability.is_available_to_buy:
        return False
    missing = quantity - into.line_quantity(product, stock.stockrecord, options)
    if missing <= 0:
        return True
    permitted, _reason = stock.availability.is_purchase_permitted(quantity)
    allowed, _reason = into.is_quantity_allowed(missing)
    if not (permitted and allowed):
        return False
    try:
        into.add_product(product, missing, options)
    except ValueError:  # Oscar's refusal: no price, or another currency than the basket's
        return False
    return True
