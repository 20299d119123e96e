from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enrollments import Enrollment


class PersonalVoucher(models.Model):
    """The single-use Oscar voucher an offer block issued to one enrollment: one per
    enrollment and offer, so a retried or later step shows the same code."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="vouchers", verbose_name=_("enrollment")
    )
    offer = models.ForeignKey(
        "offer.ConditionalOffer", on_delete=models.CASCADE, related_name="+", verbose_name=_("offer")
    )
    voucher = models.OneToOneField(
        "voucher.Voucher", on_delete=models.CASCADE, related_name="+", verbose_name=_("voucher")
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("personal voucher")
        verbose_name_plural = _("personal vouchers")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "offer"], name="lifecycle_one_voucher_per_offer"),
        ]

    def __str__(self):
        return self.voucher.code
