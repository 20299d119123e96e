from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from ..conf import lifecycle_setting
from ..engine.sent_copies import unpacked_copy
from ..models import Contact, Message
from ..tracking.inert_copy import inert_copy
from .shop_search import WithoutShopSearchViewSet


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The sent-mail log is a record: it can be read, never added to, edited or deleted."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, "view")


register_permission_policy(Message, ReadOnlyPermissionPolicy(Message))


class MessageInspectView(InspectView):
    """A message's fields, and the email itself as it went out, its links inert and its open
    pixel left out: reading it counts nothing and unsubscribes nobody. The email shows the
    contact's name, order and basket: only users allowed to see contacts see it."""

    template_name = "oscar_lifecycle/admin/message_inspect.html"

    def get_context_data(self, **kwargs):
        sent_email, not_shown = self.sent_email()
        return super().get_context_data(sent_email=sent_email, not_shown=not_shown, **kwargs)

    def sent_email(self):
        """(the copy, inert, or None; why it is not shown)."""
        message = self.object
        if not policy_registry.get_by_type(Contact).user_has_permission(self.request.user, "view"):
            return None, _("Only users allowed to see contacts see the email itself: it shows the "
                           "contact's name, order and basket.")
        copy = unpacked_copy(message.sent_copy)
        if copy is not None:
            return inert_copy(copy), ""
        if message.contact.is_erased:
            return None, _("The copy of this email was erased with the contact's personal data.")
        if message.kind != Message.Kind.STEP:
            return None, _("Only journey emails are kept.")
        if message.status not in (Message.Status.SENT, Message.Status.HELD):
            return None, _("This email did not go out.")
        days = lifecycle_setting("SENT_COPY_DAYS")
        if not days:
            return None, _("Copies of sent emails are not kept (SENT_COPY_DAYS is 0).")
        return None, _("Copies of sent emails are kept %(days)s days: this one is older, or went out "
                       "before copies were kept.") % {"days": days}


class MessageViewSet(WithoutShopSearchViewSet, ModelViewSet):
    model = Message
    icon = "mail"
    menu_label = gettext_lazy("Messages")
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
    inspect_view_class = MessageInspectView
    inspect_view_fields_exclude = ["sent_copy"]
    copy_view_enabled = False
    # Wagtail's reference index would add queries to every save the dispatcher makes.
    add_to_reference_index = False
    ordering = ["-created_at"]
    form_fields = []
