"""Browse abandonment: a known contact viewed a product and neither put it in a basket nor bought it."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from ..content.products import available_product_ids
from ..engine.gates import reachable
from ..models import Activity, Contact, Enrollment
from ..purchases import purchased_products
from .base import Entry, ScanTrigger, TriggerSetting


def _in_basket_or_bought():
    """Subqueries for "the viewing contact has the viewed product (or a variant of it) in an
    open basket, or bought it": one per way in, none with an OR, so that PostgreSQL reaches each
    through an index instead of comparing every view with every order line."""
    BasketLine = get_model("basket", "Line")
    OrderLine = get_model("order", "Line")
    Basket = get_model("basket", "Basket")
    for same_product in ({"product": OuterRef("product")}, {"product__parent": OuterRef("product")}):
        yield BasketLine.objects.filter(
            **same_product, basket__owner=OuterRef("contact__user"),
            basket__status__in=[Basket.OPEN, Basket.SAVED, Basket.FROZEN],
        )
        yield OrderLine.objects.filter(**same_product, order__user=OuterRef("contact__user"))
        # Lower(), as the index on Oscar's orders has it (models/oscar_indexes.py); contacts' addresses
        # are lower-case.
        yield OrderLine.objects.annotate(guest_address=Lower("order__guest_email")).filter(
            **same_product, guest_address=OuterRef("contact__email"))


class BrowseAbandonmentTrigger(ScanTrigger):
    """A logged-in shopper viewed a product (Oscar's ``product_viewed``) and, ``hours`` later,
    has not added it to a basket nor bought it, and it is in stock: one contact, their latest
    such product, at most once per ``hours_between_emails``."""

    name = "browse_abandonment"
    label = _("Product viewed, not bought (Oscar's product_viewed)")
    records = (Activity.Kind.PRODUCT_VIEWED,)
    about = "product"
    interval = timedelta(minutes=10)
    settings = (
        TriggerSetting(
            "hours", _("Hours after the view"), 2, min_value=1, max_value=14 * 24,
            help_text=_("Browse abandonment: the email may go this long after the product was viewed."),
        ),
        TriggerSetting(
            "hours_between_emails", _("Hours between two browse emails to one contact"), 72,
            min_value=1, max_value=90 * 24,
            help_text=_("Browse abandonment: at most one such email per contact in this many hours."),
        ),
    )
    lookback = timedelta(days=2)  # views older than hours + this are never acted on

    def due_entries(self, journey, settings, now, since=None):
        viewed_before = now - timedelta(hours=settings["hours"])
        views = (
            Activity.objects.filter(
                kind=Activity.Kind.PRODUCT_VIEWED, contact__isnull=False, product__isnull=False,
                created_at__lte=viewed_before, created_at__gt=viewed_before - self.lookback,
            )
            .filter(reachable(journey, now, "contact__"))
            # Still browsing: due only once the contact's last view is ``hours`` old.
            .exclude(Exists(Activity.objects.filter(
                kind=Activity.Kind.PRODUCT_VIEWED, contact=OuterRef("contact"), created_at__gt=viewed_before,
            )))
            .exclude(Exists(Enrollment.objects.filter(
                journey=journey, contact=OuterRef("contact"),
                created_at__gt=now - timedelta(hours=settings["hours_between_emails"]),
            )))
            .exclude(Exists(Enrollment.objects.filter(
                journey=journey, contact=OuterRef("contact"), product=OuterRef("product"),
                created_at__gte=OuterRef("created_at"),
            )))
        )
        if since is not None:
            # Only the contacts whose browsing ended since the last scan: a view in between, and
            # none after (the "still browsing" exclusion above).
            views = views.filter(contact__in=Activity.objects.filter(
                kind=Activity.Kind.PRODUCT_VIEWED, created_at__gt=since - timedelta(hours=settings["hours"]),
                created_at__lte=viewed_before,
            ).values("contact_id"))
        for in_basket_or_bought in _in_basket_or_bought():
            views = views.exclude(Exists(in_basket_or_bought))
        views = views.order_by("-created_at", "-pk").values_list("contact_id", "product_id")
        viewed_by = {}
        for contact_id, product_id in views:
            viewed_by.setdefault(contact_id, []).append(product_id)
        in_stock = available_product_ids({product_id for products in viewed_by.values() for product_id in products})
        chosen = {}  # the latest product viewed that is still in stock, per contact
        for contact_id, products in viewed_by.items():
            product_id = next((product_id for product_id in products if product_id in in_stock), None)
            if product_id is not None:
                chosen[contact_id] = product_id
        contacts = Contact.objects.in_bulk(list(chosen))
        return [Entry(contacts[contact_id], product_id=product_id)
                for contact_id, product_id in chosen.items() if contact_id in contacts]

    def exit_reasons(self, enrollments, now):
        BasketLine = get_model("basket", "Line")
        contacts = {enrollment.contact_id: enrollment.contact for enrollment in enrollments}.values()
        purchases = purchased_products(contacts)
        in_baskets = set()
        for owner_id, product_id, parent_id in BasketLine.objects.filter(
            basket__owner__in=[contact.user_id for contact in contacts if contact.user_id]
        ).values_list("basket__owner", "product_id", "product__parent_id"):
            in_baskets |= {(owner_id, product_id), (owner_id, parent_id)}
        in_stock = available_product_ids({enrollment.product_id for enrollment in enrollments if enrollment.product_id})
        reasons = {}
        for enrollment in enrollments:
            product_id = enrollment.product_id
            if product_id is None:
                reasons[enrollment.pk] = "the product was deleted"
            elif product_id in purchases.get(enrollment.contact_id, {}):
                reasons[enrollment.pk] = "the contact bought the product"
            elif (enrollment.contact.user_id, product_id) in in_baskets:
                reasons[enrollment.pk] = "the product is in the contact's basket"
            elif product_id not in in_stock:
                reasons[enrollment.pk] = "the product is out of stock or no longer sold"
        return reasons
