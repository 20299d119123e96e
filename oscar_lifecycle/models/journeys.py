from datetime import timedelta

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
)

from ..conditions import condition_choices, goal_choices
from ..conf import lifecycle_setting
from ..content.blocks import EmailBodyBlock
from ..content.merge_tags import validate_merge_tags
from ..triggers import get_trigger, registered_triggers, trigger_choices


def topic_choices():
    return [(key, label) for key, label in lifecycle_setting("TOPICS")]


class Journey(TranslatableMixin, PreviewableMixin, DraftStateMixin, RevisionMixin, ClusterableModel):
    """A trigger plus an ordered list of timed steps. Only the published version runs.

    Contacts enter the journey of the default locale; a published translation (same
    translation_key, another locale) gives the steps' words to contacts of its language.
    """

    class Audience(models.TextChoices):
        ALL = "all", _("Everyone")
        CUSTOMERS = "customers", _("Customers (have ordered)")
        PROSPECTS = "prospects", _("Prospects (never ordered)")

    class Reentry(models.TextChoices):
        ONCE = "once", _("Once per contact, ever")
        NOT_WHILE_ACTIVE = "not_while_active", _("Again, once the previous run has ended")
        ALWAYS = "always", _("Every time the trigger fires")

    class SegmentCheck(models.TextChoices):
        ON_ENTRY = "entry", _("When they enter")
        BEFORE_EVERY_EMAIL = "every_email", _("When they enter and before every email (who has left it leaves the journey)")

    class Category(models.TextChoices):
        MARKETING = "marketing", _("Marketing (consent and pressure cap apply)")
        RELATIONAL = "relational", _("Relational (exempt from the pressure cap)")

    name = models.CharField(_("name"), max_length=200)
    trigger = models.CharField(_("trigger"), max_length=50, choices=trigger_choices)
    trigger_settings = models.JSONField(
        _("trigger settings"), default=dict, blank=True,
        help_text=_("The trigger's settings (minutes idle, days inactive, ...); defaults when empty."),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    reentry = models.CharField(
        _("re-entry"), max_length=20, choices=Reentry.choices, default=Reentry.ONCE
    )
    reentry_after_days = models.PositiveSmallIntegerField(
        _("days before entering again"), null=True, blank=True,
        help_text=_("A contact who entered less than this many days ago does not enter again, even "
                    "when the trigger fires (e.g. a series after each order, to a customer who orders "
                    "every week). Empty: no wait."),
    )
    segment = models.ForeignKey(
        "oscar_lifecycle.Segment", verbose_name=_("only for contacts in segment"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="journeys",
        help_text=_("Only contacts in this segment (its published version) enter; empty: everyone the "
                    "trigger finds."),
    )
    segment_check = models.CharField(
        _("segment checked"), max_length=20, choices=SegmentCheck.choices, default=SegmentCheck.BEFORE_EVERY_EMAIL,
    )
    goal = models.CharField(
        _("goal"),
        max_length=50,
        choices=goal_choices,
        blank=True,
        help_text=_("A contact leaves the journey as soon as the goal happens."),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.MARKETING
    )
    topic = models.CharField(
        _("topic"), max_length=50, blank=True, choices=topic_choices,
        help_text=_("Marketing: contacts who declined this topic on their preferences page do not get it."),
    )
    installed_as = models.CharField(
        _("ready-made journey"), max_length=50, blank=True, editable=False,
        help_text=_("Which journey of the ready-made programme this is (lifecycle_install_journeys)."),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="journey")

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.trigger and self.trigger not in registered_triggers():
            raise ValidationError({"trigger": _(
                "Unknown trigger “%(name)s”. Choose one of: %(known)s."
            ) % {"name": self.trigger, "known": ", ".join(sorted(registered_triggers()))}})
        if self.trigger:
            try:
                self.trigger_settings = get_trigger(self.trigger).clean_settings(self.trigger_settings or {})
            except ValidationError as error:
                raise ValidationError(error.messages) from None  # each names its setting
        if self.trigger and getattr(get_trigger(self.trigger), "needs_segment", False) and self.segment_id is None:
            raise ValidationError({"segment": _(
                "This trigger enrolls contacts who join the journey's segment: choose the segment."
            )})
        if self.segment_id is not None and not self.segment.live:
            raise ValidationError({"segment": _(
                "The segment “%(name)s” is not published: publish it first, or choose another."
            ) % {"name": self.segment}})

    @property
    def is_marketing(self):
        return self.category == self.Category.MARKETING

    def stages(self):
        """Where the shoppers of this journey may have left, as [(stage, label)] (its trigger's)."""
        return list(getattr(registered_triggers().get(self.trigger), "stages", ()))

    @property
    def preview_modes(self):
        """Emails or their plain text; for a trigger that says where the shopper left, one of each
        per stage, so the editor sees exactly what that shopper gets."""
        from ..content.preview import preview_modes

        return preview_modes(self.stages())

    def get_preview_template(self, request, mode_name):
        return "oscar_lifecycle/preview/journey.html"

    def get_preview_context(self, request, mode_name):
        """Every step for the made-up customer; the admin's preview views (wagtail_hooks/preview.py)
        put on ``request`` the real order an editor allowed to see contacts chose, and the form
        to choose one."""
        from ..content.preview import journey_preview_context

        chosen_order = getattr(request, "lifecycle_preview_order", None)
        return {
            **super().get_preview_context(request, mode_name),
            **journey_preview_context(self, mode_name, order=chosen_order),
            "order_form": getattr(request, "lifecycle_order_form", None),
        }

    def ordered_steps(self):
        """The steps in send order (uses a prefetch of ``steps`` when there is one)."""
        return sorted(self.steps.all(), key=Step.send_order)


class Step(Orderable):
    """One email of a journey, sent a delay after the previous step (or the trigger)."""

    class OnConditionFail(models.TextChoices):
        SKIP = "skip", _("Skip this step, go on with the next")
        EXIT = "exit", _("End the journey for this contact")

    journey = ParentalKey(Journey, on_delete=models.CASCADE, related_name="steps")
    delay_days = models.PositiveIntegerField(_("wait (days)"), default=0)
    delay_hours = models.PositiveIntegerField(_("wait (hours)"), default=0)
    condition = models.CharField(
        _("send only if"), max_length=50, choices=condition_choices, blank=True
    )
    on_condition_fail = models.CharField(
        _("otherwise"), max_length=10, choices=OnConditionFail.choices, default=OnConditionFail.SKIP
    )
    subject = models.CharField(_("subject"), max_length=200, validators=[validate_merge_tags])
    preheader = models.CharField(
        _("preheader"),
        max_length=200,
        blank=True,
        validators=[validate_merge_tags],
        help_text=_("The preview line mail clients show after the subject."),
    )
    body = StreamField(EmailBodyBlock(), verbose_name=_("body"))

    class Meta(Orderable.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.subject

    def send_order(self):
        return (self.sort_order or 0, self.pk or 0)

    @property
    def delay(self):
        return timedelta(days=self.delay_days, hours=self.delay_hours)
