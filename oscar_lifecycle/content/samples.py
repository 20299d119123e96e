"""Who previews and test sends are written for: a made-up customer whose order and basket hold
products of the catalogue, or a real order that an editor allowed to see contacts chose.

Nothing is written, and without a chosen order no customer's name, address, order or basket
is read.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from oscar.core.loading import get_model

from ..models import Contact
from .products import listed_available
from .sample_lines import SampleBasket, SampleLine, SampleOrder

SAMPLE_EMAIL = "sample.customer@example.com"
SAMPLE_FIRST_NAME = "Alex"
SAMPLE_LAST_NAME = "Martin"
SAMPLE_LINE_COUNT = 2


@dataclass(frozen=True)
class SampleEnrollment:
    """What rendering reads of an Enrollment. Never saved (``pk`` None): its links stay inert and
    nothing it is about counts as deleted since."""

    contact: Contact
    order: object = None
    basket: object = None
    product: object = None
    context: dict | None = None
    pk = None


def sample_contact() -> Contact:
    """The made-up customer, unsaved."""
    return Contact(email=SAMPLE_EMAIL, first_name=SAMPLE_FIRST_NAME, last_name=SAMPLE_LAST_NAME)


def sample_enrollment(order=None, *, stage=None) -> SampleEnrollment:
    """The made-up customer, or, given ``order``, that order's customer, the order and its basket;
    with ``stage``, a shopper who left there (what stage sections show).

    Only pass an ``order`` an editor allowed to see contacts chose.
    """
    context = {"stage": stage} if stage else None
    if order is not None:
        return _real_order_enrollment(order, context)
    contact = sample_contact()
    products = _catalogue_products()
    if not products:
        return SampleEnrollment(contact, context=context)
    lines = tuple(
        SampleLine(product=product, quantity=1, unit_price=product.listed_price) for product in products
    )
    return SampleEnrollment(
        contact,
        order=SampleOrder(lines),
        basket=SampleBasket(lines, currency=products[0].listed_price_currency),
        product=products[0],
        context=context,
    )


def _catalogue_products():
    """What the made-up customer bought and has in their basket, in one query: products a shopper
    can buy now, priced in one currency, first those Oscar recommends others for (so that a
    preview's recommendations have something to show)."""
    Product = get_model("catalogue", "Product")
    ProductRecommendation = get_model("catalogue", "ProductRecommendation")
    products = list(
        listed_available(Product.objects.exclude(structure=Product.PARENT))
        .filter(listed_price__isnull=False)
        .annotate(recommends_others=Exists(ProductRecommendation.objects.filter(primary=OuterRef("pk"))))
        .order_by("-recommends_others", "pk")[:SAMPLE_LINE_COUNT]
    )
    currencies = [product.listed_price_currency for product in products]
    return [product for product in products if product.listed_price_currency == currencies[0]]


def _real_order_enrollment(order, context):
    contact = Contact.objects.filter(email__iexact=order.email).first()
    if contact is None:
        user = order.user
        contact = Contact(
            email=order.email,
            first_name=user.first_name if user else "",
            last_name=user.last_name if user else "",
        )
    first_line = order.lines.filter(product__isnull=False).select_related("product").first()
    return SampleEnrollment(
        contact, order=order, basket=order.basket, product=first_line.product if first_line else None,
        context=context,
    )
