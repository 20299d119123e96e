from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


# Erased contacts keep their row under an address of this domain (RFC 2606: never delivered).
ERASED_DOMAIN = "erased.invalid"


class Contact(models.Model):
    """One person we may email, keyed by normalized address; linked to a user when there is one."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")
        SUNSET = "sunset", _("Sunset")

    class Consent(models.TextChoices):
        UNKNOWN = "unknown", _("Not asked")
        PENDING = "pending", _("Asked, waiting for the confirmation")
        GRANTED = "granted", _("Granted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Frequency(models.TextChoices):
        EVERY = "every", _("Every email")
        WEEKLY = "weekly", _("One a week at most")
        MONTHLY = "monthly", _("One a month at most")
        PAUSED = "paused", _("A break of three months")

    class Source(models.TextChoices):
        REGISTERED = "registered", _("Registered an account")
        CHECKOUT = "checkout", _("Guest checkout")
        SIGNUP = "signup", _("Newsletter sign-up")
        IMPORT = "import", _("Imported")

    email = models.EmailField(_("email"), unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lifecycle_contact",
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    locale = models.CharField(_("language"), max_length=10, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    consent = models.CharField(
        _("marketing consent"), max_length=20, choices=Consent.choices, default=Consent.UNKNOWN
    )
    consent_source = models.CharField(_("consent source"), max_length=100, blank=True)
    consent_changed_at = models.DateTimeField(_("consent changed at"), null=True, blank=True)
    confirmation_asked_at = models.DateTimeField(
        _("confirmation asked at"), null=True, blank=True,
        help_text=_("When the contact last asked to get marketing (a consent box, the sign-up form) and was "
                    "sent a link to confirm it: their consent changes only once they follow it."),
    )
    frequency = models.CharField(
        _("marketing emails"), max_length=10, choices=Frequency.choices, default=Frequency.EVERY,
        help_text=_("How often the contact asked to get marketing email."),
    )
    paused_until = models.DateTimeField(_("marketing paused until"), null=True, blank=True)
    declined_topics = models.JSONField(
        _("declined topics"), default=list, blank=True,
        help_text=_("The kinds of marketing email (TOPICS) the contact asked not to get."),
    )
    address_confirmed_at = models.DateTimeField(
        _("address confirmed by its account at"), null=True, blank=True,
        help_text=_("When the linked account's holder followed a link sent to this address: until then, "
                    "what was held about the address before the account existed is not shown to it."),
    )
    last_order_at = models.DateTimeField(_("last order at"), null=True, blank=True)
    last_engagement_at = models.DateTimeField(_("last engagement at"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, blank=True,
        help_text=_("How the shop first got this address."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # From their default shipping address, else the shipping address of their latest order
    # (contact_address.py keeps them current), so address rules filter this table alone.
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 code."))
    city = models.CharField(_("city"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        # What the profile rules (rules/profile.py) filter on.
        indexes = [
            models.Index(fields=["country"], name="lifecycle_contact_country"),
            models.Index(Upper("city"), name="lifecycle_contact_city"),
            models.Index(fields=["postcode"], name="lifecycle_contact_postcode",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["birth_date"], name="lifecycle_contact_birth_date"),
            models.Index(fields=["locale"], name="lifecycle_contact_locale"),
            models.Index(fields=["created_at"], name="lifecycle_contact_created_at"),
        ]

    def __str__(self):
        return self.email

    @property
    def is_erased(self):
        return self.email.endswith(f"@{ERASED_DOMAIN}")


class ConsentEvent(models.Model):
    """Append-only audit of every consent or status change: who, when, how."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="consent_events", verbose_name=_("contact")
    )
    consent = models.CharField(_("consent"), max_length=20, choices=Contact.Consent.choices)
    status = models.CharField(_("status"), max_length=20, choices=Contact.Status.choices)
    source = models.CharField(_("source"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    wording = models.TextField(_("words shown"), blank=True,
                               help_text=_("What the contact saw when they gave or changed their consent."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")

    def __str__(self):
        return f"{self.contact}: {self.consent}/{self.status} ({self.source})"
