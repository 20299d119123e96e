import json
from datetime import timedelta

import django_filters
from django.contrib.admin.utils import quote, unquote
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ..models import Contact, Enrollment, Segment
from ..privacy import erase_contact, export_contact
from ..rules import RuleContext, RuleError
from .attributes import ContactAttributesView
from .contact_pages import ContactSubpageMixin
from .contact_facts import MOMENT_FORMAT, attribute_facts, other_details, who_they_are
from .shop_search import WithoutShopSearchViewSet
from .timeline import contact_timeline

ERASED_LOG_ACTION = "oscar_lifecycle.contact_erased"

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
    segment = django_filters.ModelChoiceFilter(
        label=_("Segment"), queryset=Segment.objects.filter(live=True).order_by("name"), method="filter_segment"
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

    def filter_segment(self, queryset, name, segment):
        """The contacts in the segment's published version now (a live segment's row is its
        published version); none, and the reason, when its rules no longer work."""
        try:
            return queryset.filter(segment.q(RuleContext()))
        except RuleError as error:
            messages.error(self.request, _("“%(segment)s” cannot be counted: %(reason)s") % {
                "segment": segment, "reason": " ".join(error.messages)})
            return queryset.none()


class ContactPermissionPolicy(ModelPermissionPolicy):
    """Contacts come from the shop, never from the admin: nobody may add one."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)


register_permission_policy(Contact, ContactPermissionPolicy(Contact))


class ContactIndexView(IndexView):
    """The contacts listing: clicking a contact opens their page; editing is in the row's menu."""

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        return self._get_custom_column(
            field_name, self._get_title_column_class(column_class), get_url=self.get_inspect_url, **kwargs
        )


class ContactInspectView(InspectView):
    """A contact's page: who they are and what they agreed to, then their timeline, then the rest,
    every moment in the admin user's time zone."""

    template_name = "oscar_lifecycle/admin/contact_inspect.html"
    page_title = _("Contact")
    export_url_name = None
    erase_url_name = None
    attributes_url_name = None

    def get_fields(self):
        # The page lays out its own facts (contact_facts.py) instead of listing every field.
        return []

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": capfirst(Contact._meta.verbose_name_plural)},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    @cached_property
    def header_buttons(self):
        if edit_url := self.get_edit_url():
            return [HeaderButton(_("Edit"), url=edit_url, icon_name="edit")]
        return []

    @cached_property
    def header_more_buttons(self):
        if delete_url := self.get_delete_url():
            return [Button(_("Delete"), url=delete_url, icon_name="bin", priority=20)]
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            who_they_are=who_they_are(self.object, self.request.user),
            timeline=contact_timeline(self.object),
            other_details=other_details(self.object),
            attributes=attribute_facts(self.object),
            attributes_url=self._url_if_allowed(self.attributes_url_name, ContactAttributesView.permission_required),
            moment_format=MOMENT_FORMAT,
            export_url=self._url_if_allowed(self.export_url_name, ContactExportView.permission_required),
            erase_url=self._url_if_allowed(self.erase_url_name, ContactEraseView.permission_required),
            **kwargs,
        )

    def _url_if_allowed(self, url_name, permission):
        if url_name and self.user_has_permission(permission):
            return reverse(url_name, args=[quote(self.object.pk)])
        return None


class ContactExportView(PermissionCheckedMixin, View):
    """Everything held on a contact, downloaded as JSON: for whoever may see contacts."""

    model = Contact
    permission_required = "view"

    def get(self, request, pk):
        contact = get_object_or_404(Contact, pk=unquote(str(pk)))
        response = HttpResponse(
            json.dumps(export_contact(contact), indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
        return response


class ContactEraseView(ContactSubpageMixin, TemplateView):
    """Erase a contact's personal data, after a confirmation page that says what happens.

    Needs the permission to delete contacts: erasing is as final for the person's data as a
    deletion, while keeping the shop's numbers (which deleting the contact would not).
    """

    permission_required = "delete"
    template_name = "oscar_lifecycle/admin/contact_erase.html"
    page_title = _("Erase personal data")
    header_icon = "user"

    def get_context_data(self, **kwargs):
        contact = self.object
        return super().get_context_data(
            contact=contact,
            inspect_url=self.inspect_url(),
            message_count=contact.messages.count(),
            rating_count=contact.survey_responses.count(),
            activity_count=contact.activities.count(),
            active_enrollment_count=contact.enrollments.filter(state=Enrollment.State.ACTIVE).count(),
            **kwargs,
        )

    def post(self, request, pk):
        done = erase_contact(self.object, source="erasure request (admin)", actor=request.user)
        log(instance=self.object, action=ERASED_LOG_ACTION, user=request.user, data=done)
        messages.success(request, _("Personal data erased. The anonymised contact keeps the shop's numbers "
                                    "and gets no more email."))
        return redirect(self.inspect_url_name, quote(self.object.pk))


@hooks.register("register_log_actions")
def register_contact_erased_action(actions):
    actions.register_action(ERASED_LOG_ACTION, _("Erase personal data"), _("Personal data erased"))


class ContactViewSet(WithoutShopSearchViewSet, ModelViewSet):
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
                   "frequency", "paused_until", "birth_date", "title", "postcode", "city", "country",
                   "last_order_at", "last_engagement_at", "created_at"]
    index_view_class = ContactIndexView
    inspect_view_enabled = True
    inspect_view_class = ContactInspectView
    copy_view_enabled = False
    # Wagtail's reference index would add queries to every save the dispatcher makes.
    add_to_reference_index = False
    ordering = ["-created_at"]
    panels = [FieldPanel("first_name"), FieldPanel("last_name"), FieldPanel("locale"), FieldPanel("birth_date")]

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            export_url_name=self.get_url_name("export"), erase_url_name=self.get_url_name("erase"),
            attributes_url_name=self.get_url_name("attributes"), **kwargs
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("export/<int:pk>/", self.construct_view(ContactExportView), name="export"),
            path("erase/<int:pk>/", self.construct_view(
                ContactEraseView, inspect_url_name=self.get_url_name("inspect")), name="erase"),
            path("attributes/<int:pk>/", self.construct_view(
                ContactAttributesView, inspect_url_name=self.get_url_name("inspect")), name="attributes"),
        ]
