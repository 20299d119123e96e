"""A contact's orders inside a rule's SQL: those of their user account, and the guest orders
(no account) placed with their address, lower-cased as the index on Oscar's orders has it
(models/oscar_indexes.py; contacts' addresses are lower-case).

Whether a contact has orders of some kind (``owned``) is a list worked out once for all
contacts (an uncorrelated subquery, which PostgreSQL joins or hashes), not a subquery run for
each contact: at 100,000 contacts and 1,000,000 orders, the correlated form took 0.1 ms per
contact and rule. The lists are distinct, so that PostgreSQL may hash them whatever the number
of orders when a rule is negated or in an "any of". A figure of a contact's orders (how many,
how much) is a subquery per contact, read from an index alone (lifecycle_order_user_date), so
that it costs only for the contacts the segment's other conditions leave: counting every
contact's orders first took a second or more whatever the segment.
"""

from django.db.models import DecimalField, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from oscar.core.loading import get_model


def owned(queryset, prefix=""):
    """Whether the contact has a row of ``queryset`` (orders, or rows reaching an order through
    ``prefix``): the users and the guest addresses of those orders."""
    users = queryset.filter(**{f"{prefix}user__isnull": False}).order_by().values(f"{prefix}user").distinct()
    addresses = (queryset.filter(**{f"{prefix}user__isnull": True}).order_by()
                 .annotate(guest_address=Lower(f"{prefix}guest_email")).values("guest_address").distinct())
    return Q(user__in=users) | Q(email__in=addresses)


def _per_contact(function, field, output_field):
    """``function`` of ``field`` over the outer contact's orders, by account plus as a guest, 0
    when they have none: two subqueries run for each contact that reaches them (after the
    segment's other conditions), each through an index."""
    orders = get_model("order", "Order").objects.order_by()
    member = orders.filter(user=OuterRef("user"))
    guest = orders.annotate(guest_address=Lower("guest_email")).filter(guest_address=OuterRef("email"),
                                                                        user__isnull=True)
    parts = [Coalesce(Subquery(part.annotate(value=Func(F(field), function=function)).values("value")),
                      Value(0), output_field=output_field) for part in (member, guest)]
    return parts[0] + parts[1]


def order_count():
    """Counts their dates (never NULL), which the index holds, unlike their ids."""
    return _per_contact("COUNT", "date_placed", IntegerField())


def total_spent():
    return _per_contact("SUM", "total_incl_tax", DecimalField())


def average_order_value():
    """NULL for a contact without orders."""
    return total_spent() / NullIf(order_count(), 0)
