from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import Contact
from .messages import Message


class MessageEvent(models.Model):
    """What happened to a sent message: the ESP's feedback (delivered, bounced, complained...)
    and our own open pixel and click redirects. Machine events (mail privacy proxies, link
    scanners) are kept, flagged, and never count as engagement or attribution."""

    class Kind(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        DEFERRED = "deferred", _("Delivery delayed")
        BOUNCED = "bounced", _("Bounced")
        SOFT_BOUNCED = "soft_bounced", _("Soft bounce")
        BLOCKED = "blocked", _("Blocked by the receiving server")
        REJECTED = "rejected", _("Refused by the ESP")
        COMPLAINED = "complained", _("Marked as spam")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed at the ESP")
        OPENED = "opened", _("Opened")
        CLICKED = "clicked", _("Clicked")

    class Source(models.TextChoices):
        ESP = "esp", _("ESP webhook")
        PIXEL = "pixel", _("Open pixel")
        REDIRECT = "redirect", _("Click redirect")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events", verbose_name=_("message"))
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="message_events", verbose_name=_("contact")
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("reported by"), max_length=10, choices=Source.choices)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    is_machine = models.BooleanField(
        _("by a machine"), default=False,
        help_text=_("A mail privacy proxy or a link scanner, not the person: never counted as engagement."),
    )
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    description = models.CharField(_("details"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("message event")
        verbose_name_plural = _("message events")
        ordering = ["created_at", "pk"]
        constraints = [
            # Once per message, kind, link and human-or-machine: replays and webhook retries add nothing.
            models.UniqueConstraint(fields=["message", "kind", "url", "is_machine"], name="lifecycle_event_once"),
        ]
        indexes = [
            models.Index(fields=["contact", "kind", "created_at"], name="lifecycle_event_contact",
                         condition=Q(is_machine=False)),
            # Segment rules "opened / clicked in the last N days": a person's recent events alone.
            models.Index(fields=["kind", "created_at", "contact"], name="lifecycle_event_kind_time",
                         condition=Q(is_machine=False)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"


class Conversion(models.Model):
    """An order attributed to the lifecycle email that earned it: once per order."""

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="lifecycle_conversion", verbose_name=_("order")
    )
    message = models.ForeignKey(
        Message, null=True, on_delete=models.SET_NULL, related_name="conversions", verbose_name=_("message")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="conversions", verbose_name=_("contact")
    )
    journey = models.ForeignKey(
        "oscar_lifecycle.Journey", null=True, on_delete=models.SET_NULL, related_name="conversions",
        verbose_name=_("journey"),
    )
    step = models.ForeignKey(
        "oscar_lifecycle.Step", null=True, on_delete=models.SET_NULL, related_name="conversions",
        verbose_name=_("step"),
    )
    revenue = models.DecimalField(_("revenue"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=12)
    attributed_to = models.CharField(_("attributed to"), max_length=10, choices=[
        ("click", _("a click")), ("open", _("an open")),
    ])
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")

    def __str__(self):
        return f"{self.order} ← {self.message}"
