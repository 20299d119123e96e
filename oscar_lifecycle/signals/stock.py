"""Stock records saved (Oscar's dashboard, an import, an allocation at checkout): note when a
product can be sold again, for the back-in-stock trigger; and Oscar's own back-in-stock alert
email, sent unless ``REPLACE_OSCAR_STOCK_ALERTS`` says the journeys replace it.

Product pages and baskets save no stock record: they pay nothing for this."""

import logging

from django.db.models.signals import post_save
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from ..conf import lifecycle_setting
from ..models import ProductRestock

logger = logging.getLogger(__name__)


def on_stock_record_saved(instance, raw=False, **kwargs):
    """One query: a product out of stock is noted so; one that can be sold again, if noted out of
    stock, gets its "back in stock at".

    Oscar's allocation at checkout sends post_save without ``update_fields`` (Model.save always
    sends it): an allocation only lowers the stock, so one that leaves some to sell costs nothing.
    Its cancellation, sent the same way, is not seen as a restock: the next save in the dashboard is."""
    if raw:
        return
    try:
        if not lifecycle_setting("ENABLED"):
            return
        by_oscar_stock_method = "update_fields" not in kwargs
        if instance.net_stock_level > 0 and by_oscar_stock_method:
            return
        if instance.net_stock_level > 0:
            ProductRestock.objects.filter(product_id=instance.product_id, out_of_stock=True).update(
                out_of_stock=False, back_in_stock_at=timezone.now())
        else:
            ProductRestock.objects.update_or_create(product_id=instance.product_id, defaults={"out_of_stock": True})
    except Exception:
        logger.exception("oscar_lifecycle: noting the stock of product %s failed", instance.product_id)


def connect(record_restocks):
    """Note restocks when ``record_restocks`` (a back-in-stock trigger is in TRIGGERS); and put
    Oscar's alert receiver (connected while ``OSCAR_EAGER_ALERTS``) behind REPLACE_OSCAR_STOCK_ALERTS."""
    StockRecord = get_model("partner", "StockRecord")
    if record_restocks:
        post_save.connect(on_stock_record_saved, sender=StockRecord, dispatch_uid="oscar_lifecycle.restocks")
    send_oscar_alerts = get_class("customer.alerts.receivers", "send_product_alerts")
    if post_save.disconnect(send_oscar_alerts, sender=StockRecord):

        def send_oscar_alerts_unless_replaced(**kwargs):
            if not lifecycle_setting("REPLACE_OSCAR_STOCK_ALERTS"):
                send_oscar_alerts(**kwargs)

        post_save.connect(send_oscar_alerts_unless_replaced, sender=StockRecord, weak=False,
                          dispatch_uid="oscar_lifecycle.oscar_stock_alerts")
