"""A contact's orders inside a rule's SQL: those of their user account, and the guest orders
placed with their address (lower-cased, as the index on Oscar's orders has it:
models/oscar_indexes.py; contacts' addresses are lower-case). Querysets here are subqueries
whose outer query is ``Contact``."""

from django.db.models import Exists, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from oscar.core.loading import get_model


def owned(queryset, prefix=""):
    """``queryset`` (orders, or rows reaching an order through ``prefix``) of the outer contact:
    one Exists per way in, none with an OR, so that PostgreSQL reaches each through an index."""
    member = queryset.filter(**{f"{prefix}user": OuterRef("user")})
    guest = queryset.annotate(guest_address=Lower(f"{prefix}guest_email")).filter(guest_address=OuterRef("email"))
    return Q(Exists(member)) | Q(Exists(guest))


def order_aggregate(function, field):
    """``function`` (COUNT, SUM, AVG, MIN, MAX) of ``field`` over the outer contact's orders, as
    one scalar subquery (NULL for SUM, AVG, MIN, MAX when they have none)."""
    Order = get_model("order", "Order")
    orders = Order.objects.annotate(guest_address=Lower("guest_email")).filter(
        Q(user=OuterRef("user")) | Q(guest_address=OuterRef("email"))
    )
    return Subquery(orders.order_by().annotate(value=Func(F(field), function=function)).values("value"))
