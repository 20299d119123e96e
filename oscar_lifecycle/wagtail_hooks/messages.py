from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ..models import Message
from .shop_search import WithoutShopSearchViewSet


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The sent-mail log is a record: it can be read, never added to, edited or deleted."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, "view")


register_permission_policy(Message, ReadOnlyPermissionPolicy(Message))


class MessageViewSet(WithoutShopSearchViewSet, ModelViewSet):
    model = Message
    icon = "mail"
    menu_label = _("Messages")
    add_to_admin_menu = False
    url_prefix = "lifecycle/messages"
    url_namespace = "oscar_lifecycle_messages"
    list_display = ["subject", "to_email", "journey", "status", "reason", "sent_at", "opened_at",
                    "clicked_at"]
    list_filter = ["status", "category", "journey"]
    search_fields = ["to_email", "subject"]
    list_export = ["to_email", "subject", "journey", "category", "status", "reason", "esp_message_id",
                   "attempts", "created_at", "sent_at", "opened_at", "open_count", "clicked_at", "click_count",
                   "consent_basis"]
    inspect_view_enabled = True
    copy_view_enabled = False
    # Wagtail's reference index would add queries to every save the dispatcher makes.
    add_to_reference_index = False
    ordering = ["-created_at"]
    form_fields = []
