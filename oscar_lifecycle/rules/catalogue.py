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
        return Q(product=product) | Q(product__parent=product)


class CategoryChoice(_Choice):
    chosen = "category"
    model_name = ("catalogue", "Category")
    missing = _("Choose a category.")
    unknown = _("The category no longer exists.")

    @classmethod
    def chooser(cls):
        return CategoryChooserBlock(label=_("category"), required=False)

    def products(self):
        """Costs one query (the category's place in the tree)."""
        Category = get_model(*self.model_name)
        path = Category.objects.filter(pk=self.settings["category"]).values_list("path", flat=True).first()
        if path is None:
            raise RuleError(self.unknown)
        in_tree = get_model("catalogue", "ProductCategory").objects.filter(
            category__path__startswith=path).values("product")
        return Q(product__in=in_tree) | Q(product__parent__in=in_tree)


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
        return Q(product__product_class=product_class) | Q(product__parent__product_class=product_class)
