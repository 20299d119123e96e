from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import Contact
from .enrollments import Enrollment
from .journeys import Journey, Step


class Message(models.Model):
    """The one email of one enrollment's step: the row that makes sending exactly-once."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        UNDELIVERABLE = "undeliverable", _("Gave up after retries")
        SUPPRESSED = "suppressed", _("Not sent (consent or suppression)")
        SKIPPED = "skipped", _("Skipped (condition not met)")
        HELD = "held", _("Outcome unknown, held for review")

    # SET_NULL: deleting a journey (and its enrollments) keeps the log and the pressure history.
    enrollment = models.ForeignKey(
        Enrollment, null=True, on_delete=models.SET_NULL, related_name="messages"
    )
    step = models.ForeignKey(
        Step, null=True, on_delete=models.SET_NULL, related_name="messages", verbose_name=_("step")
    )
    journey = models.ForeignKey(
        Journey, null=True, on_delete=models.SET_NULL, related_name="messages",
        verbose_name=_("journey"),
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="messages", verbose_name=_("contact")
    )
    category = models.CharField(_("category"), max_length=20, choices=Journey.Category.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    to_email = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    consent_basis = models.CharField(
        _("sent on the basis of"), max_length=255, blank=True,
        help_text=_("The contact's consent when the email went out: what proves it could be sent."),
    )
    esp_message_id = models.CharField(_("ESP message id"), max_length=255, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True,
                                     help_text=_("By the person: machine opens are not counted."))
    clicked_at = models.DateTimeField(_("first clicked at"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("opens"), default=0)
    click_count = models.PositiveIntegerField(_("clicks"), default=0)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "step"], name="lifecycle_message_once_per_step"
            ),
        ]
        indexes = [
            models.Index(fields=["contact", "category", "sent_at"], name="lifecycle_message_pressure"),
        ]

    def __str__(self):
        return f"{self.subject} -> {self.to_email} ({self.status})"
