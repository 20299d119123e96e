"""Receivers of Oscar's signals: thin, never raising into the shop's request."""

import logging

from .. import events
from ..conf import lifecycle_setting

logger = logging.getLogger(__name__)


def _guarded(receiver):
    def guarded(**kwargs):
        try:
            if lifecycle_setting("ENABLED"):
                receiver(**kwargs)
        except Exception:
            logger.exception("oscar_lifecycle: receiver %s failed", receiver.__name__)

    guarded.__name__ = receiver.__name__
    return guarded


@_guarded
def on_user_registered(user, **kwargs):
    events.user_registered(user)


@_guarded
def on_order_placed(order, **kwargs):
    events.order_placed(order)


def connect():
    from oscar.core.loading import get_class

    get_class("customer.signals", "user_registered").connect(
        on_user_registered, dispatch_uid="oscar_lifecycle.user_registered"
    )
    get_class("order.signals", "order_placed").connect(
        on_order_placed, dispatch_uid="oscar_lifecycle.order_placed"
    )
