"""A real order instead of the made-up customer, in previews and test sends: offered only to
users allowed to see contacts, since it shows its customer's name, address and order."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail.permissions import policy_registry

from ..models import Contact


def may_choose_real_order(user):
    return policy_registry.get_by_type(Contact).user_has_permission(user, "view")


class RealOrderField(forms.CharField):
    """An order number, cleaned to that order (None when left empty: the made-up customer)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=128, **kwargs)

    def clean(self, value):
        number = super().clean(value)
        if not number:
            return None
        Order = get_model("order", "Order")
        order = Order.objects.select_related("user", "basket").filter(number=number).first()
        if order is None:
            raise ValidationError(_("No order has the number %(number)s."), params={"number": number})
        return order
