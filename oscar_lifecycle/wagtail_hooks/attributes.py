"""Declared attributes in the admin: the attributes themselves (a snippet under Lifecycle), and
a contact's values of them, edited from the contact's page."""

from django import forms
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from ..attribute_fields import AttributeFields
from ..models import ContactAttribute
from .contact_pages import ContactSubpageMixin
from .shop_search import WithoutShopSearchViewSet


class ContactAttributeViewSet(WithoutShopSearchViewSet, SnippetViewSet):
    model = ContactAttribute
    icon = "tag"
    menu_label = _("Contact attributes")
    base_url_path = "lifecycle/attributes"
    admin_url_namespace = "oscar_lifecycle_attributes"
    list_display = ["name", "key", "kind", "on_preferences_page", "editable_by_contact"]
    search_fields = ["name", "key"]
    panels = [FieldPanel("name"), FieldPanel("key"), FieldPanel("kind"), FieldPanel("choices"),
              FieldPanel("on_preferences_page"), FieldPanel("editable_by_contact")]


class ContactAttributesView(ContactSubpageMixin, FormView):
    """A contact's values of every declared attribute, for whoever may change contacts."""

    permission_required = "change"
    template_name = "oscar_lifecycle/admin/contact_attributes.html"
    page_title = _("Attributes")
    header_icon = "tag"
    form_class = forms.Form

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        attributes = list(ContactAttribute.objects.all())
        self.attribute_fields = AttributeFields(form, self.object, attributes, attributes)
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact=self.object, inspect_url=self.inspect_url(), **kwargs)

    def form_valid(self, form):
        self.attribute_fields.save()
        messages.success(self.request, _("Attributes saved."))
        return redirect(self.inspect_url())
