"""What the admin's pages of one contact share (their data erasure, their attribute values)."""

from django.contrib.admin.utils import quote, unquote
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import capfirst
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from ..models import Contact


class ContactSubpageMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """A page of one contact's, under their page in the breadcrumbs (the viewset gives the URL
    names of the list and of the contact's page)."""

    model = Contact
    index_url_name = None
    inspect_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Contact, pk=unquote(str(kwargs["pk"])))

    def get_page_subtitle(self):
        return str(self.object)

    def inspect_url(self):
        return reverse(self.inspect_url_name, args=[quote(self.object.pk)])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": capfirst(Contact._meta.verbose_name_plural)},
            {"url": self.inspect_url(), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]
