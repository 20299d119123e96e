"""Held messages, reviewed by the shop: each email whose send may or may not have reached the ESP,
with what is known of it, and the three decisions (it was delivered: go on; send it again; skip
this step), one by one or in bulk, each recorded in Wagtail's log with who took it. A notice on
the dashboard says while any wait."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from ..engine.held import Resolution, held_messages, resolve
from ..models import MessageEvent

REVIEW_PERMISSION = "oscar_lifecycle.review_message"
LOG_ACTIONS = {
    Resolution.DELIVERED: ("oscar_lifecycle.held_delivered", gettext_lazy("Held email: delivered, go on")),
    Resolution.SEND_AGAIN: ("oscar_lifecycle.held_send_again", gettext_lazy("Held email: send it again")),
    Resolution.SKIP: ("oscar_lifecycle.held_skipped", gettext_lazy("Held email: skip this step")),
}
DONE = {
    Resolution.DELIVERED: gettext_lazy("%(count)s held emails counted as delivered: their journeys go on."),
    Resolution.SEND_AGAIN: gettext_lazy("%(count)s held emails will be sent again at the next pass."),
    Resolution.SKIP: gettext_lazy("%(count)s held emails skipped: their journeys go on."),
}


class HeldMessagesView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "oscar_lifecycle/admin/held_messages.html"
    page_title = gettext_lazy("Held emails")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        held = held_messages().select_related("journey", "step", "contact").prefetch_related(
            Prefetch("events", queryset=MessageEvent.objects.order_by("created_at", "pk"))
        )
        can_open_messages = self.request.user.has_perm("oscar_lifecycle.view_message")
        return super().get_context_data(held=held, can_open_messages=can_open_messages, resolutions=[
            (Resolution.DELIVERED, _("It was delivered: go on")),
            (Resolution.SEND_AGAIN, _("Send it again")),
            (Resolution.SKIP, _("Skip this step")),
        ], **kwargs)

    def post(self, request):
        resolution = request.POST.get("resolution")
        ids = [value for value in request.POST.getlist("message") if value.isdigit()]
        if resolution not in Resolution.choices or not ids:
            messages.error(request, _("Tick at least one email, then choose what happened to it."))
            return redirect(request.path)
        by = request.user.get_username()
        action = LOG_ACTIONS[resolution][0]
        resolved = 0
        for message_id in ids:
            done = resolve(int(message_id), resolution, by=by)
            if done is not None:
                log(instance=done.message, action=action, user=request.user)
                resolved += 1
        messages.success(request, DONE[resolution] % {"count": resolved})
        return redirect(request.path)


@hooks.register("register_log_actions")
def register_held_actions(actions):
    for action, label in LOG_ACTIONS.values():
        actions.register_action(action, label, label)


class HeldMessagesPanel(Component):
    name = "oscar_lifecycle_held"
    order = 51

    def __init__(self, count, url):
        self.count, self.url = count, url

    def render_html(self, parent_context=None):
        return format_html(
            '<section class="panel help-block help-warning" role="status"><p><strong>{}</strong> {} '
            '<a href="{}">{}</a></p></section>',
            _("%(count)s lifecycle emails are held for review.") % {"count": self.count},
            _("Their sends may or may not have reached the ESP; their journeys wait until you say."),
            self.url, _("Review them"),
        )


@hooks.register("construct_homepage_panels")
def add_held_panel(request, panels):
    if not request.user.has_perm(REVIEW_PERMISSION):
        return
    count = held_messages().count()
    if count:
        panels.append(HeldMessagesPanel(count, reverse("oscar_lifecycle_held")))


@hooks.register("register_admin_urls")
def register_held_url():
    from django.urls import path

    return [path("lifecycle/held/", HeldMessagesView.as_view(), name="oscar_lifecycle_held")]


@hooks.register("register_permissions")
def register_review_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="oscar_lifecycle", codename="review_message")
