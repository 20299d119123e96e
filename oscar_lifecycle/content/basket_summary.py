"""What a basket holds, priced for an email: its lines and total, in the basket's currency."""

from dataclasses import dataclass
from decimal import Decimal

from ..purchases import bought_since_added
from .sample_lines import SampleBasket


@dataclass(frozen=True)
class SummaryLine:
    product: object
    quantity: int
    price: Decimal | None


@dataclass(frozen=True)
class BasketSummary:
    lines: list
    currency: str
    total: Decimal


def unit_price(line):
    """The price stored when the line was added, or the stock record's when tax was unknown."""
    if line.price_incl_tax is not None:
        return line.price_incl_tax
    return line.stockrecord.price


def basket_summary(basket, purchases=None):
    """Summarize ``basket`` in one query (none for a made-up basket); None without a basket or lines.
    Lines whose product the contact bought since adding it (``purchases``: {product id: when}) are
    left out."""
    if isinstance(basket, SampleBasket):
        return _summary([
            SummaryLine(product=line.product, quantity=line.quantity, price=line.unit_price * line.quantity)
            for line in basket.lines
        ], basket.currency)
    if basket is None or basket.pk is None:
        return None
    lines = [
        line for line in basket.lines.select_related("product__parent", "stockrecord").order_by("pk")
        if not bought_since_added(line.product_id, line.date_created, purchases)
    ]
    if not lines:
        return None
    summary_lines = []
    for line in lines:
        price = unit_price(line)
        summary_lines.append(SummaryLine(
            product=line.product,
            quantity=line.quantity,
            price=None if price is None else price * line.quantity,
        ))
    return _summary(summary_lines, lines[0].price_currency or lines[0].stockrecord.price_currency)


def _summary(lines, currency):
    return BasketSummary(
        lines=lines,
        currency=currency,
        total=sum((line.price for line in lines if line.price is not None), Decimal("0.00")),
    )
