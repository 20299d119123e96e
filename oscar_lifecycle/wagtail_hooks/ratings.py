from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from ..models import SurveyResponse
from .messages import ReadOnlyPermissionPolicy
from .shop_search import WithoutShopSearchViewSet

register_permission_policy(SurveyResponse, ReadOnlyPermissionPolicy(SurveyResponse))


class SurveyResponseViewSet(WithoutShopSearchViewSet, ModelViewSet):
    """What customers answered to satisfaction emails: read, filtered, exported; never edited."""

    model = SurveyResponse
    icon = "pick"
    menu_label = _("Ratings")
    add_to_admin_menu = False
    url_prefix = "lifecycle/ratings"
    url_namespace = "oscar_lifecycle_ratings"
    list_display = ["contact", "rating", "order", "comment", "journey", "updated_at"]
    list_filter = ["rating", "journey"]
    search_fields = ["contact__email", "order__number", "comment"]
    list_export = ["contact", "rating", "order", "comment", "journey", "created_at", "updated_at"]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    ordering = ["-updated_at"]
    form_fields = []
