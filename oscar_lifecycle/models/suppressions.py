from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import Contact


class Suppression(models.Model):
    """An address that said no, to all our mail or to some topics, kept by a hash of it: it
    outlives the contact row (deleted, erased, or a new one made when the person comes back), so
    that address never gets what it refused. Made stronger by every no; only the address's owner
    saying yes again lifts an unsubscribe (``contacts.say_yes_again``), never a bounce or a
    complaint. An entry whose status is "active" keeps only declined topics."""

    address_hash = models.CharField(_("address (SHA-256)"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Contact.Status.choices)
    declined_topics = models.JSONField(
        _("declined topics"), default=list, blank=True,
        help_text=_("The kinds of marketing email (TOPICS) the address asked not to get."),
    )
    source = models.CharField(_("source"), max_length=100)
    created_at = models.DateTimeField(_("since"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.address_hash[:12]}… ({self.status})"
