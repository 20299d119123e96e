"""When a product came back in stock: Oscar keeps no history of its stock records, so a receiver
notes, on each save of one, whether the product can be sold, and when it could again."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductRestock(models.Model):
    product = models.OneToOneField("catalogue.Product", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("product"))
    out_of_stock = models.BooleanField(_("out of stock"), default=False)
    back_in_stock_at = models.DateTimeField(_("back in stock at"), null=True, blank=True)

    class Meta:
        verbose_name = _("product back in stock")
        verbose_name_plural = _("products back in stock")
        indexes = [models.Index(fields=["back_in_stock_at"], name="lifecycle_restock_time")]

    def __str__(self):
        return f"{self.product_id} back in stock at {self.back_in_stock_at}"
