from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import Contact


class Suppression(models.Model):
    """An address that said no, kept by a hash of it: it outlives the contact row (deleted,
    erased, or a new one made when the person comes back), so that address is never mailed
    marketing again. Only ever made stronger."""

    address_hash = models.CharField(_("address (SHA-256)"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Contact.Status.choices)
    source = models.CharField(_("source"), max_length=100)
    created_at = models.DateTimeField(_("since"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.address_hash[:12]}… ({self.status})"
