from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import Contact
from .journeys import Journey, Step


class Enrollment(models.Model):
    """One contact's run through one journey; ``next_run_at`` is the schedule."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        EXITED = "exited", _("Exited")
        HELD = "held", _("Held for review")

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("contact")
    )
    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("journey")
    )
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    basket = models.ForeignKey(
        "basket.Basket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product = models.ForeignKey(
        "catalogue.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign_send = models.ForeignKey(
        "oscar_lifecycle.CampaignSend", null=True, blank=True, on_delete=models.CASCADE,
        related_name="enrollments", verbose_name=_("campaign send"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.ACTIVE
    )
    next_step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("next step"),
    )
    next_run_at = models.DateTimeField(_("next run at"), null=True, blank=True)
    reason = models.CharField(
        _("reason"),
        max_length=255,
        blank=True,
        help_text=_("Why the enrollment ended, is held, or why its step was deferred."),
    )
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    context = models.JSONField(_("context"), default=dict, blank=True)
    created_at = models.DateTimeField(_("enrolled at"), default=timezone.now, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        indexes = [
            models.Index(
                fields=["next_run_at"],
                name="lifecycle_enrollment_due",
                condition=Q(state="active"),
            ),
            models.Index(fields=["contact", "journey"], name="lifecycle_enrollment_contact"),
            # The rows a runner holds: renewing its claim, loading and saving its batch find them
            # among every enrollment the shop ever had (most ended, their claim released).
            models.Index(
                fields=["claim_token"],
                name="lifecycle_enrollment_claim",
                condition=Q(claim_token__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.contact} in {self.journey}"
