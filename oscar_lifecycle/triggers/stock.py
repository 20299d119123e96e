"""Back in stock: a product a contact wanted (an alert asked in Oscar, an open basket, a recent
view) can be sold again. Restocks are noted by ``signals/stock.py`` as stock records are saved."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from ..content.products import available_product_ids
from ..contacts import contacts_for_users
from ..engine.gates import reachable
from ..models import Activity, Contact, Enrollment, ProductRestock
from .base import Entry, ScanTrigger, TriggerSetting

ALERT, BASKET, VIEWED = "alert", "basket", "viewed"


def _source_choices():
    return [
        (ALERT, _("Asked to be told (Oscar's stock alert)")),
        (BASKET, _("Has it in an open basket")),
        (VIEWED, _("Viewed it recently")),
    ]


class BackInStockTrigger(ScanTrigger):
    """A product out of stock (a stock record saved with nothing left to sell) can be sold again;
    each contact who wanted it enters once for that restock, with the product (the "product the
    contact viewed" grid and the product merge tags show it). One product per contact a scan: the
    latest restocked."""

    name = "back_in_stock"
    label = _("A product the contact wanted is back in stock")
    records = (Activity.Kind.PRODUCT_VIEWED,)
    about = "product"
    interval = timedelta(minutes=10)
    settings = (
        TriggerSetting(
            "sources", _("Who wanted the product"), [ALERT, BASKET, VIEWED], choices=_source_choices,
            help_text=_("Back in stock: the contacts told when the product is back."),
        ),
        TriggerSetting(
            "viewed_days", _("Viewed in the last (days)"), 30, min_value=1, max_value=365,
            help_text=_("Back in stock: a view older than this does not count."),
        ),
    )
    lookback = timedelta(days=2)  # restocks older than this are never acted on (e.g. a new journey)

    def due_entries(self, journey, settings, now, since=None):
        restocked_after = now - self.lookback
        if since is not None:
            restocked_after = max(restocked_after, since - self.interval)
        restocked = dict(ProductRestock.objects.filter(
            out_of_stock=False, back_in_stock_at__gt=restocked_after, back_in_stock_at__lte=now,
        ).values_list("product_id", "back_in_stock_at"))
        in_stock = available_product_ids(restocked)
        restocked = {pk: at for pk, at in restocked.items() if pk in in_stock}
        if not restocked:
            return []
        wanted = self._wanted(settings, list(restocked), now)  # {contact id: product ids}
        already = set(Enrollment.objects.filter(
            journey=journey, product__in=list(restocked), created_at__gte=min(restocked.values()),
        ).values_list("contact_id", "product_id", "created_at"))
        entered = {(contact_id, product_id) for contact_id, product_id, created_at in already
                   if created_at >= restocked[product_id]}
        contacts = Contact.objects.filter(reachable(journey, now)).in_bulk(list(wanted))
        entries = []
        for contact_id, product_ids in wanted.items():
            new = [pk for pk in product_ids if (contact_id, pk) not in entered]
            if contact_id in contacts and new:
                entries.append(Entry(contacts[contact_id], product_id=max(new, key=restocked.get)))
        return entries

    def _wanted(self, settings, product_ids, now):
        """{contact id: the ``product_ids`` they wanted}, from the journey's sources."""
        pairs = set()
        sources = settings["sources"]
        if ALERT in sources:
            ProductAlert = get_model("customer", "ProductAlert")
            alerts = list(ProductAlert.objects.filter(product__in=product_ids, status=ProductAlert.ACTIVE)
                          .values_list("user_id", "email", "product_id"))
            members = {user_id for user_id, _email, _product in alerts if user_id}
            contact_of_user = {contact.user_id: contact.pk for contact in contacts_for_users(members)}
            addresses = {email.lower() for user_id, email, _product in alerts if not user_id and email}
            contact_of_address = dict(Contact.objects.filter(email__in=addresses).values_list("email", "pk"))
            for user_id, email, product_id in alerts:
                contact_id = contact_of_user.get(user_id) if user_id else contact_of_address.get(email.lower())
                if contact_id:
                    pairs.add((contact_id, product_id))
        if BASKET in sources:
            Basket = get_model("basket", "Basket")
            BasketLine = get_model("basket", "Line")
            owners = list(BasketLine.objects.filter(
                product__in=product_ids, basket__status=Basket.OPEN, basket__owner__isnull=False,
            ).values_list("basket__owner_id", "product_id"))
            contact_of_user = {contact.user_id: contact.pk
                               for contact in contacts_for_users({owner for owner, _product in owners})}
            pairs |= {(contact_of_user[owner], product_id) for owner, product_id in owners if owner in contact_of_user}
        if VIEWED in sources:
            pairs |= set(Activity.objects.filter(
                kind=Activity.Kind.PRODUCT_VIEWED, product__in=product_ids, contact__isnull=False,
                created_at__gt=now - timedelta(days=settings["viewed_days"]),
            ).values_list("contact_id", "product_id"))
        wanted = {}
        for contact_id, product_id in pairs:
            wanted.setdefault(contact_id, set()).add(product_id)
        return wanted
