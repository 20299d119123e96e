from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import Contact


class Activity(models.Model):
    """What a shopper did, written by a receiver in one INSERT on the shopper's request.

    The runner resolves each row to a Contact, keeps the contact's facts current
    (last order, language, names) and enrolls event triggers' journeys; scan
    triggers read the rows later (checkout started, product viewed).
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ORDER_PLACED = "order_placed", _("Placed an order")
        ORDER_STATUS_CHANGED = "order_status_changed", _("Order status changed")
        CHECKOUT_STARTED = "checkout_started", _("Started checkout")
        PRODUCT_VIEWED = "product_viewed", _("Viewed a product")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("user"),
    )
    email = models.CharField(
        _("email"), max_length=254, blank=True, help_text=_("As typed (a guest's checkout address).")
    )
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("order")
    )
    basket = models.ForeignKey(
        "basket.Basket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("basket"),
    )
    product = models.ForeignKey(
        "catalogue.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("product"),
    )
    status = models.CharField(_("new order status"), max_length=100, blank=True)
    language = models.CharField(_("language of the request"), max_length=10, blank=True)
    consent_request = models.JSONField(
        _("consent asked"), default=dict, blank=True,
        help_text=_("A consent box ticked at registration or at the checkout gateway, with its proof (IP address, "
                    "browser, words)."),
    )
    price_seen = models.DecimalField(
        _("price seen"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False,
        help_text=_("A product view's price, noted by the runner (not on the shopper's request): the price-drop "
                    "trigger compares with it."),
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="activities",
        verbose_name=_("contact"),
    )
    created_at = models.DateTimeField(_("happened at"), default=timezone.now, editable=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["id"], name="lifecycle_activity_unprocessed",
                         condition=Q(processed_at__isnull=True)),
            models.Index(fields=["kind", "basket"], name="lifecycle_activity_basket"),
            models.Index(fields=["kind", "created_at"], name="lifecycle_activity_kind_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

