"""Render every step of a journey (saved or as the editor is typing it) for the preview panel."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import LifecycleSettings
from .render import render_step
from .samples import sample_enrollment

TEXT_MODE = "text"


@dataclass(frozen=True)
class PreviewMode:
    """What a preview mode shows: the emails or their plain text, and where the shopper left
    (``stage``) for a journey whose trigger says so. Named "", "text", "checkout", "text:checkout"."""

    text: bool = False
    stage: str | None = None

    @property
    def name(self):
        return ":".join(filter(None, [TEXT_MODE if self.text else "", self.stage or ""]))

    @classmethod
    def from_name(cls, name, stages):
        """The mode ``name`` stands for, in a journey with ``stages`` ([(stage, label)]): where
        shoppers may have left, a preview shows one stage (the first when ``name`` names none),
        since no shopper gets the words of two."""
        name = name or ""
        text = name == TEXT_MODE or name.startswith(f"{TEXT_MODE}:")
        stage = name.removeprefix(f"{TEXT_MODE}:") if text else name
        known = [value for value, _label in stages]
        if not known:
            return cls(text=text)
        return cls(text=text, stage=stage if stage in known else known[0])


def preview_modes(stages):
    """Wagtail's preview modes, [(name, label)], of a journey whose trigger has ``stages``."""
    if not stages:
        return [("", gettext_lazy("Emails")), (TEXT_MODE, gettext_lazy("Plain text"))]
    emails = [(PreviewMode(stage=stage).name, _("Emails, shopper who %(stage)s") % {"stage": label})
              for stage, label in stages]
    texts = [(PreviewMode(text=True, stage=stage).name, _("Plain text, shopper who %(stage)s") % {"stage": label})
             for stage, label in stages]
    return emails + texts


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
    allowed to see contacts chose a real order; as a shopper who left at the mode's stage."""
    stages = journey.stages()
    mode = PreviewMode.from_name(mode_name, stages)
    enrollment = sample_enrollment(order, stage=mode.stage)
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
        "text_mode": mode.text,
        "mode_name": mode.name,
        "stage_label": dict(stages).get(mode.stage, ""),
    }
