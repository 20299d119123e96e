from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import Contact
from .enrollments import Enrollment
from .journeys import Journey, Step


class Message(models.Model):
    """One email: of one enrollment's step (the row that makes sending exactly-once), or a
    notice outside journeys (the double opt-in confirmation), sent by the same rules."""

    class Kind(models.TextChoices):
        STEP = "step", _("Journey step")
        CONFIRMATION = "confirmation", _("Subscription confirmation")
        DATA_ACCESS = "data_access", _("Link to the contact's data")
        ADDRESS_PROOF = "address_proof", _("Address confirmation for an account")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
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
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STEP)
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
    handed_over_at = models.DateTimeField(
        _("handed to the ESP at"), null=True, blank=True,
        help_text=_("When the email last left for the ESP, whatever came back."),
    )
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True,
        help_text=_("A notice waiting to be sent (or, while sending, when its runner's lease ends)."),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True,
                                     help_text=_("By the person: machine opens are not counted."))
    clicked_at = models.DateTimeField(_("first clicked at"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("opens"), default=0)
    click_count = models.PositiveIntegerField(_("clicks"), default=0)
    sent_copy = models.BinaryField(
        _("copy of the email as it went out"), null=True, editable=False,
        help_text=_("Shown in the message log for SENT_COPY_DAYS days, then removed; erased with the "
                    "contact's data."),
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        permissions = [("review_message", _("Can review held messages (delivered, send again, skip)"))]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "step"], name="lifecycle_message_once_per_step"
            ),
        ]
        indexes = [
            models.Index(fields=["contact", "category", "sent_at"], name="lifecycle_message_pressure"),
            models.Index(fields=["next_attempt_at"], name="lifecycle_message_notice_due",
                         condition=Q(status__in=["queued", "sending"]) & ~Q(kind="step")),
            models.Index(fields=["created_at"], name="lifecycle_message_held", condition=Q(status="held")),
            models.Index(fields=["handed_over_at"], name="lifecycle_message_copy_kept",
                         condition=Q(sent_copy__isnull=False)),
        ]

    def __str__(self):
        return f"{self.subject} -> {self.to_email} ({self.status})"
