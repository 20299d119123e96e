"""Admin choosers for Oscar's products and categories, and the StreamField blocks that use them.

Oscar's models are not in Wagtail's search index, so the chooser searches the
database directly. The viewsets are registered by ``wagtail_hooks``.
"""

from functools import reduce
from operator import or_

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.viewsets.chooser import ChooserViewSet

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


class DatabaseSearchForm(BaseFilterForm):
    """A search box matching any of ``lookups`` (e.g. ``title__icontains``)."""

    lookups = ()

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = objects.filter(reduce(or_, (Q(**{lookup: query}) for lookup in self.lookups)))
            self.is_searching = True
            self.search_query = query
        return objects


class ProductSearchForm(DatabaseSearchForm):
    lookups = ("title__icontains", "upc__iexact")


class CategorySearchForm(DatabaseSearchForm):
    lookups = ("name__icontains",)


class DatabaseSearchChooserViewSet(ChooserViewSet):
    """A chooser whose listing is searched with ``filter_form_class``."""

    filter_form_class = None

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(filter_form_class=self.filter_form_class, **kwargs)


class ProductChooserViewSet(DatabaseSearchChooserViewSet):
    model = Product
    filter_form_class = ProductSearchForm
    icon = "tag"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")

    def get_object_list(self):
        return Product.objects.browsable().order_by("title")


class CategoryChooserViewSet(DatabaseSearchChooserViewSet):
    model = Category
    filter_form_class = CategorySearchForm
    icon = "folder-open-inverse"
    choose_one_text = _("Choose a category")
    choose_another_text = _("Choose another category")

    def get_object_list(self):
        return Category.objects.order_by("path")


product_chooser_viewset = ProductChooserViewSet(
    "lifecycle_product_chooser", url_prefix="lifecycle/choose-product"
)
category_chooser_viewset = CategoryChooserViewSet(
    "lifecycle_category_chooser", url_prefix="lifecycle/choose-category"
)

ProductChooserBlock = product_chooser_viewset.get_block_class(
    name="ProductChooserBlock", module_path="oscar_lifecycle.content.choosers"
)
CategoryChooserBlock = category_chooser_viewset.get_block_class(
    name="CategoryChooserBlock", module_path="oscar_lifecycle.content.choosers"
)
