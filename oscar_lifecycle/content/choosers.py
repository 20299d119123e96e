"""Admin choosers for Oscar's products and categories, and the StreamField blocks that use them.

Oscar's models are not in Wagtail's search index, so the chooser searches the
database directly. The viewsets are registered by ``wagtail_hooks``. They serve the
journey editor: only those who may edit journeys are answered, and they offer only
what the shop shows its customers (public products, categories neither hidden nor
inside a hidden one).
"""

from functools import reduce
from operator import or_

from django import forms
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.permissions import policy_registry

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


def may_edit_journeys(user):
    """Whether ``user`` may add or change journeys (the journey snippet's permission policy)."""
    journey_model = apps.get_model("oscar_lifecycle", "Journey")  # the models import this module's blocks
    return policy_registry.get_by_type(journey_model).user_has_any_permission(user, ["add", "change"])


class JourneyEditorsOnly:
    """A view that answers only users who may edit journeys; Wagtail's admin turns the refusal
    into its usual one (the dashboard with a message, a 403 for script requests)."""

    def dispatch(self, request, *args, **kwargs):
        if not may_edit_journeys(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ForJourneyEditors:
    """For a chooser viewset: every one of its views (choose, results, chosen, create) is JourneyEditorsOnly."""

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(type(view_class.__name__, (JourneyEditorsOnly, view_class), {}), **kwargs)


class DatabaseSearchChooserViewSet(ForJourneyEditors, ChooserViewSet):
    """A chooser for journey editors, listing ``get_object_list()`` searched with ``filter_form_class``;
    what it does not list cannot be chosen by its id either."""

    filter_form_class = None

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(filter_form_class=self.filter_form_class, **kwargs)

    def get_object(self, pk):
        return self.get_object_list().get(pk=pk)

    def get_objects(self, pks):
        return self.get_object_list().filter(pk__in=pks)

    @property
    def chosen_view(self):
        return self.construct_view(self.inject_view_methods(self.chosen_view_class, ["get_object"]))

    @property
    def chosen_multiple_view(self):
        return self.construct_view(self.inject_view_methods(self.chosen_multiple_view_class, ["get_objects"]))


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
        return Category.objects.browsable().order_by("path")


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
