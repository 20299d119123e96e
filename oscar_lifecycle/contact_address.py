"""Where a contact lives, copied onto the contact so that address rules filter one table: the
country, city, postcode and title of their default shipping address in their address book, else
of the shipping address of their latest order (a guest: their latest order with this address).

``refresh_contact_addresses`` recomputes it for a set of contacts in one UPDATE, whatever their
number: the address book's receiver (``signals/oscar.py``), the runner after a batch of
orders, imports and the migration that filled the columns all call it.
"""

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from oscar.core.loading import get_model

# Contact field: the field of Oscar's address it is copied from.
ADDRESS_FIELDS = {"country": "country_id", "city": "line4", "postcode": "postcode", "title": "title"}


def address_updates(UserAddress, Order):
    """{contact field: expression} for ``Contact.objects.update``; the models are passed so that a
    migration can give its historical ones."""
    # One default per user (Oscar keeps it so): no ordering, which an older migration state's
    # model would take from fields since renamed.
    default_address = UserAddress.objects.filter(user_id=OuterRef("user_id"), is_default_for_shipping=True).order_by()
    latest_order = (
        Order.objects.annotate(guest_address=Lower("guest_email"))
        .filter(Q(user_id=OuterRef("user_id")) | Q(user__isnull=True, guest_address=OuterRef("email")),
                shipping_address__isnull=False)
        .order_by("-date_placed", "-pk")
    )
    return {
        field: Coalesce(
            Subquery(default_address.values(source)[:1]),
            Subquery(latest_order.values(f"shipping_address__{source}")[:1]),
            Value(""),
        )
        for field, source in ADDRESS_FIELDS.items()
    }


def refresh_contact_addresses(contacts):
    """Recompute the address fields of the ``contacts`` queryset, in one query; return how many
    contacts were updated."""
    return contacts.update(**address_updates(get_model("address", "UserAddress"), get_model("order", "Order")))
