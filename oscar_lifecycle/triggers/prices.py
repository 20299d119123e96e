"""Price drop: a product the contact viewed or put in a basket lately costs at least some percent
less now than when they saw it (the price a view saw is noted by the runner; a basket line keeps
the price it was added at)."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from ..content.products import available_product_ids
from ..contacts import contacts_for_users
from ..engine.gates import reachable
from ..models import Activity, Contact, Enrollment
from ..prices import current_price
from .base import Entry, ScanTrigger, TriggerSetting


class PriceDropTrigger(ScanTrigger):
    """Compared every hour: the contact's latest view (or basket line) of a product in the last
    ``days``, and the product's price now; once per contact for that view or line, with the
    product (the "product the contact viewed" grid shows it). One product per contact a scan:
    the one they saw last."""

    name = "price_drop"
    label = _("A product the contact viewed or put in a basket costs less")
    records = (Activity.Kind.PRODUCT_VIEWED,)
    about = "product"
    interval = timedelta(hours=1)
    settings = (
        TriggerSetting(
            "days", _("Seen in the last (days)"), 14, min_value=1, max_value=90,
            help_text=_("Price drop: views and basket lines older than this do not count."),
        ),
        TriggerSetting(
            "percent", _("Price lower by at least (%)"), 10, min_value=1, max_value=90,
            help_text=_("Price drop: the price now, compared with the price the contact saw."),
        ),
    )

    def due_entries(self, journey, settings, now, since=None):
        seen_after = now - timedelta(days=settings["days"])
        ratio = Decimal(100 - settings["percent"]) / 100
        seen = {}  # contact id: [(seen at, product id)]
        views = (
            Activity.objects.filter(
                kind=Activity.Kind.PRODUCT_VIEWED, contact__isnull=False, product__isnull=False,
                price_seen__isnull=False, created_at__gt=seen_after,
            )
            .exclude(Exists(Activity.objects.filter(
                kind=Activity.Kind.PRODUCT_VIEWED, contact=OuterRef("contact"), product=OuterRef("product"),
                created_at__gt=OuterRef("created_at"),
            )))
            .annotate(price_now=current_price(OuterRef("product")))
            .filter(price_now__lte=F("price_seen") * ratio)
            .values_list("contact_id", "product_id", "created_at")
        )
        for contact_id, product_id, seen_at in views:
            seen.setdefault(contact_id, []).append((seen_at, product_id))
        Basket = get_model("basket", "Basket")
        BasketLine = get_model("basket", "Line")
        lines = list(
            BasketLine.objects.filter(
                basket__status=Basket.OPEN, basket__owner__isnull=False, date_created__gt=seen_after,
            )
            .annotate(price_now=current_price(OuterRef("product")))
            .filter(price_now__lte=F("price_excl_tax") * ratio)
            .values_list("basket__owner_id", "product_id", "date_created")
        )
        contact_of_user = {contact.user_id: contact.pk
                           for contact in contacts_for_users({owner for owner, _p, _s in lines})}
        for owner_id, product_id, seen_at in lines:
            if owner_id in contact_of_user:
                seen.setdefault(contact_of_user[owner_id], []).append((seen_at, product_id))
        if not seen:
            return []
        entered = {}  # (contact id, product id): when last entered for it
        for contact_id, product_id, created_at in Enrollment.objects.filter(
            journey=journey, contact__in=list(seen), created_at__gt=seen_after,
        ).values_list("contact_id", "product_id", "created_at"):
            entered[contact_id, product_id] = max(created_at, entered.get((contact_id, product_id), created_at))
        in_stock = available_product_ids({product_id for pairs in seen.values() for _at, product_id in pairs})
        contacts = Contact.objects.filter(reachable(journey, now)).in_bulk(list(seen))
        entries = []
        for contact_id, pairs in seen.items():
            # Entered since they saw it at that price: told already.
            due = [(seen_at, product_id) for seen_at, product_id in pairs if product_id in in_stock
                   and not entered.get((contact_id, product_id), seen_at) > seen_at]
            if contact_id in contacts and due:
                entries.append(Entry(contacts[contact_id], product_id=max(due)[1]))
        return entries
