"""What contacts bought, from Oscar's orders: for goals, and so emails never push what was bought.

Each function takes a batch of contacts and costs one query, whatever their number.
A contact's orders are those of their user account, and guest orders placed with their
address.
"""

from django.db.models import Q
from django.db.models.functions import Lower
from oscar.core.loading import get_model


def _of_contacts(queryset, contacts, prefix):
    user_ids = {contact.user_id for contact in contacts if contact.user_id}
    emails = {contact.email for contact in contacts}
    return queryset.annotate(guest_address=Lower(f"{prefix}guest_email")).filter(
        Q(**{f"{prefix}user_id__in": user_ids}) | Q(guest_address__in=emails)
    )


def _contact_ids_by_owner(contacts):
    by_user = {contact.user_id: contact.pk for contact in contacts if contact.user_id}
    by_email = {contact.email: contact.pk for contact in contacts}
    return lambda user_id, guest_address: by_user.get(user_id) or by_email.get(guest_address)


def order_times(contacts, since):
    """{contact id: [date_placed, ...]} of the orders ``contacts`` placed at or after ``since``."""
    Order = get_model("order", "Order")
    contacts = list(contacts)
    if not contacts:
        return {}
    owner = _contact_ids_by_owner(contacts)
    placed = {}
    orders = _of_contacts(Order.objects.filter(date_placed__gte=since), contacts, "")
    for user_id, guest_address, date_placed in orders.values_list("user_id", "guest_address", "date_placed"):
        contact_id = owner(user_id, guest_address)
        if contact_id is not None:
            placed.setdefault(contact_id, []).append(date_placed)
    return placed


def purchased_products(contacts):
    """{contact id: {product id: when last bought}}; a variant bought counts for its parent too."""
    OrderLine = get_model("order", "Line")
    contacts = list(contacts)
    if not contacts:
        return {}
    owner = _contact_ids_by_owner(contacts)
    bought = {}
    lines = _of_contacts(OrderLine.objects.filter(product__isnull=False), contacts, "order__")
    for user_id, guest_address, product_id, parent_id, date_placed in lines.values_list(
        "order__user_id", "guest_address", "product_id", "product__parent_id", "order__date_placed"
    ):
        contact_id = owner(user_id, guest_address)
        if contact_id is None:
            continue
        products = bought.setdefault(contact_id, {})
        for pk in filter(None, (product_id, parent_id)):
            if pk not in products or products[pk] < date_placed:
                products[pk] = date_placed
    return bought


def bought_since_added(product_id, added_at, purchases):
    """Whether the contact bought ``product_id`` after putting it in a basket at ``added_at``;
    ``purchases``: the contact's {product id: when last bought}."""
    bought_at = (purchases or {}).get(product_id)
    return bought_at is not None and bought_at >= added_at
