"""A notice on the Wagtail dashboard while sending is paused because the ESP does not answer."""

from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from ..engine.outcomes import PAUSED_REASON, RETRYING_REASON
from ..models import Enrollment


class EspOutagePanel(Component):
    name = "oscar_lifecycle_esp_outage"
    order = 50

    def __init__(self, waiting):
        self.waiting = waiting

    def render_html(self, parent_context=None):
        return format_html(
            '<section class="panel help-block help-warning" role="status"><p><strong>{}</strong> {}</p></section>',
            _("Lifecycle emails are paused: the ESP is not answering."),
            _("%(count)s emails wait and will go out, once each, when it answers again; the log says more.")
            % {"count": self.waiting},
        )


@hooks.register("construct_homepage_panels")
def add_esp_outage_panel(request, panels):
    if not Enrollment.objects.filter(state=Enrollment.State.ACTIVE, reason=PAUSED_REASON).exists():
        return
    waiting = Enrollment.objects.filter(state=Enrollment.State.ACTIVE).filter(
        Q(reason=PAUSED_REASON) | Q(reason__startswith=RETRYING_REASON)
    ).count()
    if request.user.has_perm("oscar_lifecycle.view_message"):
        panels.append(EspOutagePanel(waiting))
