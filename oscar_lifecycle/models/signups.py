from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignupAttempt(models.Model):
    """One use of the sign-up form, kept only as long as the longest rate-limit window, to count
    the attempts of an IP address and of an address (by a SHA-256 of it, as the suppression list
    keeps addresses)."""

    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    address_hash = models.CharField(_("address hash"), max_length=64)
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("sign-up attempt")
        verbose_name_plural = _("sign-up attempts")
        indexes = [
            models.Index(fields=["ip_address", "created_at"], name="lifecycle_signup_ip"),
            models.Index(fields=["address_hash", "created_at"], name="lifecycle_signup_address"),
            models.Index(fields=["created_at"], name="lifecycle_signup_at"),
        ]

    def __str__(self):
        return f"{self.ip_address} {self.created_at:%Y-%m-%d %H:%M}"
