"""Keep the shop's search box out of the admin.

Oscar's ``search_form`` context processor puts the shop's search form (a box and a "sort by"
menu) in every template's context, and Wagtail's page headers draw any ``search_form`` they find:
the admin pages whose views set none (history, usage) showed the shop's search in their header.
Views of these viewsets say they have none unless they set their own.
"""

from functools import cache


class _WithoutShopSearch:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("search_form", None)
        return context


@cache
def without_shop_search(view_class):
    return type(view_class.__name__, (_WithoutShopSearch, view_class), {"__module__": view_class.__module__})


class WithoutShopSearchViewSet:
    """A mixin for Wagtail viewsets: each of their views draws no search box it did not ask for."""

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(without_shop_search(view_class), **kwargs)
