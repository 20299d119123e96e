"""A sample recipient for previews and test sends: a real order and basket from the shop."""

from oscar.core.loading import get_model

from ..models import Contact, Enrollment

SAMPLE_EMAIL = "sample.customer@example.com"


def sample_enrollment():
    """An unsaved Enrollment of a real recent customer with their order and an open basket.

    Nothing is written: previews never create contacts. Without orders, a made-up contact.
    """
    Basket = get_model("basket", "Basket")
    Order = get_model("order", "Order")
    order = Order.objects.select_related("user").order_by("-date_placed", "-pk").first()
    basket = (
        Basket.objects.filter(status=Basket.OPEN, lines__isnull=False).order_by("-pk").first()
    )
    contact = None
    if order is not None:
        contact = Contact.objects.filter(email__iexact=order.email).first()
        if contact is None:
            user = order.user
            contact = Contact(
                email=order.email,
                first_name=user.first_name if user else "",
                last_name=user.last_name if user else "",
            )
    if contact is None:
        contact = Contact(email=SAMPLE_EMAIL, first_name="Alex", last_name="Martin")
    first_line = order.lines.select_related("product").first() if order is not None else None
    return Enrollment(
        contact=contact,
        order=order,
        basket=basket,
        product=first_line.product if first_line is not None else None,
    )
