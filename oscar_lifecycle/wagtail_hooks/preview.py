"""The journey preview panel's views: Wagtail's, plus the real order an editor allowed to see
contacts may choose in the panel. The choice is kept in their session, so that the panel, which
reloads as the editor types, goes on showing it."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import PreviewOnCreateView, PreviewOnEditView

from .real_orders import RealOrderField, may_choose_real_order

SESSION_KEY = "oscar_lifecycle_preview_order"


class PreviewOrderForm(forms.Form):
    order = RealOrderField(
        label=_("Preview with a real order"),
        widget=forms.TextInput(attrs={"placeholder": _("Order number")}),
    )


class RealOrderPreviewMixin:
    """Puts on Wagtail's preview request the chosen order and the form to choose one
    (read by Journey.get_preview_context); nothing for an editor not allowed to see contacts."""

    def get_extra_request_attrs(self):
        attrs = super().get_extra_request_attrs()
        if not may_choose_real_order(self.request.user):
            return attrs
        form = self.order_form()
        order = form.cleaned_data["order"] if form.is_valid() else None
        return {**attrs, "lifecycle_order_form": form, "lifecycle_preview_order": order}

    def order_form(self):
        """The order number just typed (remembered when valid; empty forgets it), or the one remembered."""
        session = self.request.session
        if "order" not in self.request.GET:
            return PreviewOrderForm({"order": session.get(SESSION_KEY, "")})
        form = PreviewOrderForm(self.request.GET)
        if form.is_valid():
            order = form.cleaned_data["order"]
            session[SESSION_KEY] = order.number if order is not None else ""
        return form


class JourneyPreviewOnCreateView(RealOrderPreviewMixin, PreviewOnCreateView):
    pass


class JourneyPreviewOnEditView(RealOrderPreviewMixin, PreviewOnEditView):
    pass
