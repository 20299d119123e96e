from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ..models import Contact
from .timeline import contact_timeline

ENGAGEMENT_CHOICES = [
    ("30", _("in the last 30 days")),
    ("90", _("in the last 90 days")),
    ("never_90", _("not in the last 90 days, or never")),
]


class ContactFilterSet(WagtailFilterSet):
    has_ordered = django_filters.BooleanFilter(
        label=_("Has ordered"), field_name="last_order_at", lookup_expr="isnull", exclude=True
    )
    engaged = django_filters.ChoiceFilter(
        label=_("Last engagement"), choices=ENGAGEMENT_CHOICES, method="filter_engaged"
    )

    class Meta:
        model = Contact
        fields = ["status", "consent", "frequency"]

    def filter_engaged(self, queryset, name, value):
        days = int(value.removeprefix("never_"))
        since = timezone.now() - timedelta(days=days)
        if value.startswith("never_"):
            return queryset.filter(Q(last_engagement_at__lt=since) | Q(last_engagement_at__isnull=True))
        return queryset.filter(last_engagement_at__gte=since)


class ContactPermissionPolicy(ModelPermissionPolicy):
    """Contacts come from the shop, never from the admin: nobody may add one."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)


register_permission_policy(Contact, ContactPermissionPolicy(Contact))


class ContactInspectView(InspectView):
    template_name = "oscar_lifecycle/admin/contact_inspect.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(timeline=contact_timeline(self.object), **kwargs)


class ContactViewSet(ModelViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    add_to_admin_menu = False
    url_prefix = "lifecycle/contacts"
    url_namespace = "oscar_lifecycle_contacts"
    list_display = ["email", "first_name", "last_name", "status", "consent", "last_order_at",
                    "last_engagement_at"]
    filterset_class = ContactFilterSet
    search_fields = ["email", "first_name", "last_name"]
    list_export = ["email", "first_name", "last_name", "status", "consent", "consent_changed_at",
                   "frequency", "paused_until", "birth_date", "last_order_at", "last_engagement_at",
                   "created_at"]
    inspect_view_enabled = True
    inspect_view_class = ContactInspectView
    copy_view_enabled = False
    # Wagtail's reference index would add queries to every save the dispatcher makes.
    add_to_reference_index = False
    ordering = ["-created_at"]
    panels = [FieldPanel("first_name"), FieldPanel("last_name"), FieldPanel("locale"), FieldPanel("birth_date")]
