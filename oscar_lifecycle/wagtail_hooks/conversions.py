from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from ..models import Conversion
from .messages import ReadOnlyPermissionPolicy
from .shop_search import WithoutShopSearchViewSet

register_permission_policy(Conversion, ReadOnlyPermissionPolicy(Conversion))


class ConversionViewSet(WithoutShopSearchViewSet, ModelViewSet):
    """Orders the lifecycle emails earned: filtered by journey, exported; never edited."""

    model = Conversion
    icon = "success"
    menu_label = _("Revenue")
    add_to_admin_menu = False
    url_prefix = "lifecycle/revenue"
    url_namespace = "oscar_lifecycle_conversions"
    list_display = ["order", "revenue", "currency", "journey", "message", "attributed_to", "contact", "created_at"]
    list_filter = ["journey", "attributed_to"]
    search_fields = ["order__number", "contact__email"]
    list_export = ["order", "revenue", "currency", "journey", "step", "message", "attributed_to", "contact",
                   "created_at"]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    ordering = ["-created_at"]
    form_fields = []
