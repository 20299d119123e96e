"""Abandoned baskets, members' and guests': found by a scan of open baskets' lines."""

from datetime import timedelta

from django.db.models import BigIntegerField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from ..contacts import contacts_for_users
from ..content.blocks import StageSectionBlock
from ..engine.gates import reachable
from ..models import Activity, Contact, Enrollment
from ..purchases import bought_since_added, order_times, purchased_products
from .base import Entry, ScanTrigger, TriggerSetting

Stage = StageSectionBlock.Stage


class AbandonedBasketTrigger(ScanTrigger):
    """An open basket nobody touched for a while: no line changed (Line.date_updated), and
    nobody went to its checkout (a guest still typing an address there is not reminded).

    Members are reached through the basket's owner, guests through the address they
    typed at Oscar's checkout gateway (recorded from ``start_checkout``). The
    enrollment's context says where the shopper left: ``{"stage": "basket"}`` or
    ``{"stage": "checkout"}``. It ends before a send once the contact ordered, or the
    basket was submitted, merged, emptied or deleted.
    """

    name = "abandoned_basket"
    label = _("Basket abandoned (members and guests at checkout)")
    records = (Activity.Kind.CHECKOUT_STARTED,)
    about = "basket"
    stages = StageSectionBlock.Stage.choices
    interval = timedelta(minutes=5)
    settings = (
        TriggerSetting(
            "idle_minutes", _("Minutes the basket sat untouched"), 60, min_value=15, max_value=7 * 24 * 60,
            help_text=_("Abandoned basket: the first email may go this long after the last change."),
        ),
        TriggerSetting(
            "give_up_after_days", _("Ignore baskets untouched for more than (days)"), 7,
            min_value=1, max_value=90,
            help_text=_("Abandoned basket: older baskets are not reminded (e.g. when the journey is new)."),
        ),
        TriggerSetting(
            "hours_between_series", _("Hours between two reminder series to one contact"), 24,
            min_value=1, max_value=30 * 24,
            help_text=_("Abandoned basket: at most one series per contact in this many hours."),
        ),
    )

    def due_entries(self, journey, settings, now, since=None):
        Basket = get_model("basket", "Basket")
        Line = get_model("basket", "Line")
        idle = timedelta(minutes=settings["idle_minutes"])
        idle_since = now - idle
        # Baskets last touched since the previous scan's idle_since (all the window's, on a first
        # scan): a line changed, or the shopper went to the checkout, where a guest gives an address.
        touched_after = now - timedelta(days=settings["give_up_after_days"])
        if since is not None:
            touched_after = max(touched_after, since - idle)
        checkouts = Activity.objects.filter(
            kind=Activity.Kind.CHECKOUT_STARTED, basket=OuterRef("pk"), contact__isnull=False
        )
        last_line = Line.objects.filter(basket=OuterRef("pk")).order_by("-date_updated").values("date_updated")[:1]
        last_checkout = checkouts.order_by("-created_at").values("created_at")[:1]
        touched = Line.objects.filter(date_updated__gt=touched_after, date_updated__lte=idle_since)
        went_to_checkout = Activity.objects.filter(
            kind=Activity.Kind.CHECKOUT_STARTED, basket__isnull=False,
            created_at__gt=touched_after, created_at__lte=idle_since,
        )
        baskets = (
            Basket.objects.filter(
                status=Basket.OPEN,
                pk__in=touched.order_by().values("basket_id").union(went_to_checkout.order_by().values("basket_id")),
            )
            .annotate(last_line=Subquery(last_line), last_checkout=Subquery(last_checkout))
            .filter(last_line__isnull=False)  # an emptied basket
            .annotate(last_touched=Greatest("last_line", Coalesce("last_checkout", "last_line")))
            .filter(last_touched__lte=idle_since)
            .filter(Q(owner__isnull=False) | Exists(checkouts))  # a guest who gave no address: nobody
            .annotate(
                contact_id=Coalesce(
                    Subquery(Contact.objects.filter(user=OuterRef("owner")).values("pk")[:1]),
                    Subquery(checkouts.order_by("-pk").values("contact_id")[:1]),
                    output_field=BigIntegerField(),
                ),
                at_checkout=Exists(checkouts),
            )
            .exclude(Exists(Contact.objects.filter(pk=OuterRef("contact_id")).exclude(reachable(journey, now))))
            .exclude(Exists(Enrollment.objects.filter(
                journey=journey, basket=OuterRef("pk"), created_at__gte=OuterRef("last_touched")
            )))
            .exclude(Exists(Enrollment.objects.filter(
                journey=journey, contact=OuterRef("contact_id"),
                created_at__gt=now - timedelta(hours=settings["hours_between_series"]),
            )))
            .order_by("-last_touched")
            .values_list("pk", "owner_id", "contact_id", "at_checkout")
        )
        rows = list(baskets)
        owners_without_contact = {owner_id for _pk, owner_id, contact_id, _c in rows if contact_id is None and owner_id}
        contact_of_owner = {
            contact.user_id: contact.pk for contact in contacts_for_users(owners_without_contact)
        }
        chosen = {}
        for basket_id, owner_id, contact_id, at_checkout in rows:
            contact_id = contact_id or contact_of_owner.get(owner_id)
            if contact_id is not None and contact_id not in chosen:  # the latest basket per contact
                chosen[contact_id] = (basket_id, at_checkout)
        contacts = Contact.objects.in_bulk(list(chosen))
        return [
            Entry(contacts[contact_id], basket_id=basket_id,
                  context={"stage": Stage.CHECKOUT if at_checkout else Stage.BASKET})
            for contact_id, (basket_id, at_checkout) in chosen.items()
            if contact_id in contacts
        ]

    def exit_reasons(self, enrollments, now):
        Basket = get_model("basket", "Basket")
        Line = get_model("basket", "Line")
        lines_of = {}
        for basket_id, product_id, added_at in Line.objects.filter(
            basket__in=[enrollment.basket_id for enrollment in enrollments if enrollment.basket_id]
        ).values_list("basket_id", "product_id", "date_created"):
            lines_of.setdefault(basket_id, []).append((product_id, added_at))
        contacts = {enrollment.contact_id: enrollment.contact for enrollment in enrollments}.values()
        placed = order_times(contacts, since=min(enrollment.created_at for enrollment in enrollments))
        purchases = purchased_products(contacts)
        reasons = {}
        for enrollment in enrollments:
            basket = enrollment.basket
            if any(date_placed >= enrollment.created_at for date_placed in placed.get(enrollment.contact_id, ())):
                reasons[enrollment.pk] = "the contact placed an order"
            elif basket is None:
                reasons[enrollment.pk] = "the basket was deleted"
            elif basket.status != Basket.OPEN:
                reasons[enrollment.pk] = f"the basket is no longer open ({basket.status.lower()})"
            elif not lines_of.get(basket.pk):
                reasons[enrollment.pk] = "the basket was emptied"
            elif all(bought_since_added(product_id, added_at, purchases.get(enrollment.contact_id))
                     for product_id, added_at in lines_of[basket.pk]):
                reasons[enrollment.pk] = "the contact bought everything in the basket since"
        return reasons
