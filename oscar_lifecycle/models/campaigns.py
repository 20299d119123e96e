from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin, TranslatableMixin

from ..content.blocks import EmailBodyBlock
from ..content.merge_tags import validate_merge_tags
from .journeys import Journey, topic_choices

# The trigger of a campaign's own journey: not in TRIGGERS, so no scan or signal ever enrolls
# anyone in it; the campaign's sends do.
CAMPAIGN_TRIGGER = "campaign"
WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]


class Campaign(TranslatableMixin, PreviewableMixin, DraftStateMixin, RevisionMixin, ClusterableModel):
    """One email (a newsletter) to the contacts of segments, minus those of excluded segments, sent
    once or on a schedule. Each send goes through the dispatcher like a journey step: the campaign
    owns a one-step journey, never listed, whose step holds the email as last sent.

    A translation (same translation_key, another locale) holds only the words (subject, preheader,
    body) for contacts of its language; the original (the first of its translations) says who gets
    it and when, and only the original is sent."""

    class Repeat(models.TextChoices):
        ONCE = "once", _("Once")
        WEEKLY = "weekly", _("Every week")
        MONTHLY = "monthly", _("Every month")

    name = models.CharField(_("name"), max_length=200)
    segments = ParentalManyToManyField(
        "oscar_lifecycle.Segment", verbose_name=_("send to the contacts of"), related_name="campaigns",
        help_text=_("Published segments; a contact in several gets one email."),
    )
    excluded_segments = ParentalManyToManyField(
        "oscar_lifecycle.Segment", verbose_name=_("except the contacts of"), blank=True,
        related_name="excluding_campaigns",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Journey.Category.choices, default=Journey.Category.MARKETING,
        help_text=_("Relational: news every customer must get (new terms, a recall); it needs no marketing "
                    "consent and does not count towards the pressure cap."),
    )
    topic = models.CharField(
        _("topic"), max_length=50, blank=True, choices=topic_choices,
        help_text=_("Marketing: contacts who declined this topic on their preferences page do not get it."),
    )
    subject = models.CharField(_("subject"), max_length=200, validators=[validate_merge_tags])
    preheader = models.CharField(
        _("preheader"), max_length=200, blank=True, validators=[validate_merge_tags],
        help_text=_("The preview line mail clients show after the subject."),
    )
    body = StreamField(EmailBodyBlock(), verbose_name=_("body"))
    repeat = models.CharField(_("repeat"), max_length=10, choices=Repeat.choices, default=Repeat.ONCE)
    weekday = models.PositiveSmallIntegerField(
        _("on"), choices=WEEKDAYS, null=True, blank=True, help_text=_("Every week: the day it goes."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("on day"), null=True, blank=True,
        help_text=_("Every month: the day it goes (1 to 28, so that every month has it)."),
    )
    time_of_day = models.TimeField(
        _("at"), null=True, blank=True, help_text=_("A repeating campaign: the time it goes, in the shop's time zone."),
    )
    skip_when_no_new_products = models.BooleanField(
        _("skip an issue without new products"), default=False,
        help_text=_("A repeating campaign whose email has a “New products” section: an issue with no new "
                    "product is not sent (and is listed as skipped)."),
    )
    journey = models.OneToOneField(
        Journey, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="campaign",
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="campaign")
    # A translation sends through its own journey (campaigns/email.py), and starts as a draft.
    exclude_fields_in_copy = ["journey", "live_revision", "first_published_at", "last_published_at"]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        permissions = [("send_campaign", _("Can send campaigns"))]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.repeat == self.Repeat.WEEKLY and self.weekday is None:
            raise ValidationError({"weekday": _("Choose the day of the week it goes.")})
        if self.repeat == self.Repeat.MONTHLY and not 1 <= (self.day_of_month or 0) <= 28:
            raise ValidationError({"day_of_month": _("Choose a day from 1 to 28.")})
        if self.repeat != self.Repeat.ONCE and self.time_of_day is None:
            raise ValidationError({"time_of_day": _("Choose the time it goes.")})

    @property
    def is_marketing(self):
        return self.kind == Journey.Category.MARKETING

    def copy_for_translation(self, locale, exclude_fields=None):
        """A draft holding this campaign's words, for the translator to change and publish."""
        translation = super().copy_for_translation(locale, exclude_fields=exclude_fields)
        translation.live, translation.has_unpublished_changes = False, True
        return translation

    def original(self):
        """The campaign this one translates (the first made of its translations), or itself."""
        return type(self).objects.filter(translation_key=self.translation_key).order_by("pk").first() or self

    @property
    def is_translation(self):
        return self.pk is not None and self.original().pk != self.pk

    def get_preview_template(self, request, mode_name):
        return "oscar_lifecycle/preview/journey.html"

    def get_preview_context(self, request, mode_name):
        """The email for the made-up customer, as the journey preview shows a step."""
        from ..campaigns.email import campaign_preview_context

        return {**super().get_preview_context(request, mode_name), **campaign_preview_context(self, mode_name)}

    @property
    def preview_modes(self):
        from ..content.preview import preview_modes

        return preview_modes(())


class CampaignSend(models.Model):
    """One issue of a campaign: its audience frozen into enrollments when it starts."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")
        FINISHED = "finished", _("Finished")
        SKIPPED = "skipped", _("Skipped")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sends", verbose_name=_("campaign"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SCHEDULED)
    send_at = models.DateTimeField(_("send at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    audience = models.PositiveIntegerField(_("audience"), default=0,
                                           help_text=_("Contacts frozen into the send when it started."))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    new_products_since = models.DateTimeField(
        _("new products since"), null=True, blank=True, editable=False,
        help_text=_("The email's new-products section lists products created or back in stock since then."),
    )

    class Meta:
        verbose_name = _("campaign send")
        verbose_name_plural = _("campaign sends")
        ordering = ["-send_at", "-pk"]
        indexes = [models.Index(fields=["state", "send_at"], name="lifecycle_campaign_send_due")]

    def __str__(self):
        return f"{self.campaign} ({timezone.localtime(self.send_at):%Y-%m-%d %H:%M})"
