"""Rules on what contacts did in the shop: products they looked at, baskets they left open, the
ratings they gave their orders."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail import blocks

from ..models import Activity, SurveyResponse
from .base import Rule, RuleError
from .bounds import check_days, days_block, since
from .catalogue import CategoryChoice, ProductChoice

GROUP = _("Behaviour")


class _ViewedRule(Rule):
    """Viewed (Oscar's product page, recorded as a product_viewed activity once the contact is
    known) what the setting names (rules/catalogue.py) in the last ``days``."""

    group = GROUP

    @classmethod
    def setting_blocks(cls):
        return [(cls.chosen, cls.chooser()), ("days", days_block())]

    def check(self):
        self.check_chosen()
        check_days(self.settings)

    def q(self, context):
        return Q(Exists(Activity.objects.filter(
            self.products(), kind=Activity.Kind.PRODUCT_VIEWED, contact=OuterRef("pk"),
            created_at__gte=since(self.settings, context),
        )))


class ViewedProductRule(ProductChoice, _ViewedRule):
    name = "viewed_product"
    label = _("Viewed a product")


class ViewedCategoryRule(CategoryChoice, _ViewedRule):
    name = "viewed_category"
    label = _("Viewed a product of a category (or its subcategories)")


class OpenBasketRule(Rule):
    """Has an open basket with something in it: a member's own (its owner), a guest's the one
    they took to the checkout gateway with their address (the checkout_started activity)."""

    name = "open_basket"
    label = _("Has an open basket")
    group = GROUP

    def q(self, context):
        Basket = get_model("basket", "Basket")
        Line = get_model("basket", "Line")
        filled = Exists(Line.objects.filter(basket=OuterRef("pk")))
        open_baskets = Basket.objects.filter(filled, status=Basket.OPEN)
        at_checkout = Activity.objects.filter(
            kind=Activity.Kind.CHECKOUT_STARTED, contact=OuterRef("pk"),
            basket__in=open_baskets.values("pk"),
        )
        return Q(Exists(open_baskets.filter(owner=OuterRef("user")))) | Q(Exists(at_checkout))


AT_MOST, AT_LEAST = "lte", "gte"


class RatingRule(Rule):
    """Rated an order (the satisfaction survey) at most / at least ``rating`` out of 5, in the
    last ``days`` (empty: ever), as the rating stands now."""

    name = "rating"
    label = _("Rated an order")
    group = GROUP

    @classmethod
    def setting_blocks(cls):
        return [
            ("comparison", blocks.ChoiceBlock(
                choices=[(AT_MOST, _("at most")), (AT_LEAST, _("at least"))], label=_("rating"), required=False)),
            ("rating", blocks.IntegerBlock(label=_("out of 5"), required=False)),
            ("days", days_block(_("in the last days (empty: ever)"), required=False)),
        ]

    def check(self):
        if self.settings.get("comparison") not in (AT_MOST, AT_LEAST):
            raise RuleError(_("Choose \"at most\" or \"at least\"."))
        if self.settings.get("rating") not in range(1, 6):
            raise RuleError(_("The rating is from 1 to 5."))
        check_days(self.settings, required=False)

    def q(self, context):
        ratings = SurveyResponse.objects.filter(
            contact=OuterRef("pk"), **{f"rating__{self.settings['comparison']}": self.settings["rating"]})
        moment = since(self.settings, context)
        if moment is not None:
            ratings = ratings.filter(created_at__gte=moment)
        return Q(Exists(ratings))
