"""What a rule may name in the catalogue (a product, a category with its subcategories, a
product class), shared by the rules on purchases and on views: the setting's block, its check,
and a ``Q`` on rows with a ``product`` (order lines, activities) for the products it covers. A
variant counts for its parent, whose categories and class it takes."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail import blocks

from ..content.choosers import CategoryChooserBlock, ProductChooserBlock
from .base import RuleError


def _products(condition):
    """``product`` among the products of ``condition``, read now (one query) and written into the
    SQL as a list, which PostgreSQL checks each row against in a hash table: as a subquery, it
    joined the catalogue to every contact's order lines instead (17 s for 100,000 contacts)."""
    product_ids = list(get_model("catalogue", "Product").objects.filter(condition).values_list("pk", flat=True))
    return Q(product__in=product_ids)


class _Choice:
    chosen = ""  # the name of the setting
    model_name = ("", "")
    missing = unknown = ""

    def check_chosen(self):
        pk = self.settings.get(self.chosen)
        if not pk:
            raise RuleError(self.missing)
        if not get_model(*self.model_name).objects.filter(pk=pk).exists():
            raise RuleError(self.unknown)


class ProductChoice(_Choice):
    chosen = "product"
    model_name = ("catalogue", "Product")
    missing = _("Choose a product.")
    unknown = _("The product no longer exists.")

    @classmethod
    def chooser(cls):
        return ProductChooserBlock(label=_("product"), required=False)

    def products(self):
        product = self.settings["product"]
        return _products(Q(pk=product) | Q(parent=product))


class CategoryChoice(_Choice):
    chosen = "category"
    model_name = ("catalogue", "Category")
    missing = _("Choose a category.")
    unknown = _("The category no longer exists.")

    @classmethod
    def chooser(cls):
        return CategoryChooserBlock(label=_("category"), required=False)

    def products(self):
        Category = get_model(*self.model_name)
        path = Category.objects.filter(pk=self.settings["category"]).values_list("path", flat=True).first()
        if path is None:
            raise RuleError(self.unknown)
        in_tree = get_model("catalogue", "ProductCategory").objects.filter(
            category__path__startswith=path).values("product")
        return _products(Q(pk__in=in_tree) | Q(parent__in=in_tree))


def product_class_choices():
    return list(get_model("catalogue", "ProductClass").objects.order_by("name").values_list("pk", "name"))


class ProductClassChoice(_Choice):
    chosen = "product_class"
    model_name = ("catalogue", "ProductClass")
    missing = _("Choose a product type.")
    unknown = _("The product type no longer exists.")

    @classmethod
    def chooser(cls):
        return blocks.ChoiceBlock(choices=product_class_choices, label=_("product type"), required=False)

    def products(self):
        product_class = self.settings["product_class"]
        return _products(Q(product_class=product_class) | Q(parent__product_class=product_class))
