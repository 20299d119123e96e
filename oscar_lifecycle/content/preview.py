"""Render every step of a journey (saved or as the editor is typing it) for the preview panel."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import LifecycleSettings
from .render import render_step
from .samples import sample_enrollment


def wait_description(hours):
    """'2 days, 1 hour after the trigger', or 'as soon as the trigger fires'."""
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(ngettext("%(count)s day", "%(count)s days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if not parts:
        return _("as soon as the trigger fires")
    return _("%(wait)s after the trigger") % {"wait": ", ".join(parts)}


def journey_preview_context(journey, mode_name, order=None):
    """Every step rendered for the made-up customer, or for ``order``'s customer when an editor
    allowed to see contacts chose a real order."""
    enrollment = sample_enrollment(order)
    shop_settings = LifecycleSettings.current()
    previews = []
    elapsed_hours = 0
    for number, step in enumerate(journey.ordered_steps(), start=1):
        elapsed_hours += step.delay_days * 24 + step.delay_hours
        try:
            rendered = render_step(
                step, enrollment.contact, enrollment=enrollment, shop_settings=shop_settings,
                inert_links=True,
            )
            error = ""
        except Exception as exception:
            rendered, error = None, str(exception)
        previews.append({
            "number": number,
            "step": step,
            "wait": wait_description(elapsed_hours),
            "rendered": rendered,
            "error": error,
        })
    return {
        "previews": previews,
        "sample_contact": enrollment.contact,
        "real_order": order,
        "text_mode": mode_name == "text",
    }
