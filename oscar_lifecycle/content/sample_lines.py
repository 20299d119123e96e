"""A made-up order and basket for previews and test sends: lines of catalogue products, held in
memory and never saved (an unsaved Order or Basket cannot be used in the product queries)."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class SampleLine:
    product: object  # a Product annotated as product grids list it (price, image)
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class SampleOrder:
    lines: tuple


@dataclass(frozen=True)
class SampleBasket:
    lines: tuple
    currency: str
