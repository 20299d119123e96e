"""Receivers of Oscar's signals: each writes at most one Activity row, never raises into the shop.

The runner (``engine/activities.py``) does the rest. Orders and registrations are
always recorded (they keep contacts' facts and goals current); checkout starts,
product views and status changes only while a trigger in TRIGGERS needs them, and a
checkout start whenever the guest ticked the consent box at the gateway.
"""

import logging

from django.utils import translation

from ..conf import lifecycle_setting
from ..contact_address import refresh_contact_addresses
from ..contacts import request_proof
from ..optin import CONSENT_FIELD, marketing_wording
from ..models import Activity
from ..triggers import recorded_activity_kinds

logger = logging.getLogger(__name__)
ALWAYS_RECORDED = {Activity.Kind.REGISTERED, Activity.Kind.ORDER_PLACED}
# Where a shopper may tick the consent box: registration, and Oscar's checkout gateway.
MAY_CARRY_CONSENT = {Activity.Kind.REGISTERED, Activity.Kind.CHECKOUT_STARTED}


def _recorder(kind):
    def decorate(build_activity):
        def receiver(**kwargs):
            try:
                if not lifecycle_setting("ENABLED"):
                    return
                activity = build_activity(**kwargs)
                if activity is None:
                    return
                if activity.consent_request or kind in ALWAYS_RECORDED or kind in recorded_activity_kinds():
                    activity.kind = kind
                    activity.save(force_insert=True)
            except Exception:
                logger.exception("oscar_lifecycle: recording %s failed", kind)

        receiver.__name__ = build_activity.__name__
        return receiver

    return decorate


def _user_id(user):
    return user.pk if user is not None and user.is_authenticated else None


def _consent_request(request):
    """The consent box ticked in the form ``request`` posted, with its words and proof; {} when
    it was not ticked."""
    if request is None or not request.POST.get(CONSENT_FIELD):
        return {}
    return {"wording": str(marketing_wording()), **request_proof(request)}


@_recorder(Activity.Kind.REGISTERED)
def on_user_registered(user, request=None, **kwargs):
    """A ticked consent box (``oscar_lifecycle/consent_box.html`` in the registration
    form) travels with the activity, with its proof: the runner asks for the confirmation."""
    return Activity(user_id=user.pk, email=user.email, language=translation.get_language() or "",
                    consent_request=_consent_request(request))


@_recorder(Activity.Kind.ORDER_PLACED)
def on_order_placed(order, **kwargs):
    return Activity(
        order_id=order.pk, user_id=order.user_id, basket_id=order.basket_id, email=order.email,
        language=translation.get_language() or "",
    )


@_recorder(Activity.Kind.ORDER_STATUS_CHANGED)
def on_order_status_changed(order, new_status, **kwargs):
    # The request is the shop staff's: its language says nothing of the customer.
    return Activity(order_id=order.pk, user_id=order.user_id, status=new_status)


@_recorder(Activity.Kind.CHECKOUT_STARTED)
def on_start_checkout(request, email=None, **kwargs):
    """A ticked consent box (``oscar_lifecycle/consent_box.html`` in Oscar's checkout
    gateway) travels with the activity, with its proof, as at registration."""
    basket = getattr(request, "basket", None)
    if basket is None or basket.pk is None:
        return None
    return Activity(
        basket_id=basket.pk, user_id=_user_id(request.user), email=email or "",
        language=translation.get_language() or "", consent_request=_consent_request(request),
    )


@_recorder(Activity.Kind.PRODUCT_VIEWED)
def on_product_viewed(product, user, **kwargs):
    if _user_id(user) is None:
        return None  # an anonymous view names nobody we could write to
    return Activity(user_id=user.pk, product_id=product.pk, language=translation.get_language() or "")


RECEIVERS = [
    (Activity.Kind.REGISTERED, "customer.signals", "user_registered", on_user_registered),
    (Activity.Kind.ORDER_PLACED, "order.signals", "order_placed", on_order_placed),
    (Activity.Kind.ORDER_STATUS_CHANGED, "order.signals", "order_status_changed", on_order_status_changed),
    (Activity.Kind.CHECKOUT_STARTED, "checkout.signals", "start_checkout", on_start_checkout),
    (Activity.Kind.PRODUCT_VIEWED, "catalogue.signals", "product_viewed", on_product_viewed),
]


def on_user_address_changed(instance, **kwargs):
    """A shopper saved or deleted an address of their address book (post_save / post_delete of
    Oscar's UserAddress): one UPDATE of their contact's address fields."""
    from ..models import Contact

    try:
        if lifecycle_setting("ENABLED"):
            refresh_contact_addresses(Contact.objects.filter(user_id=instance.user_id))
    except Exception:
        logger.exception("oscar_lifecycle: updating the address of user %s failed", instance.user_id)


def connect():
    """Connect the receivers of the signals that TRIGGERS needs (and always orders, registrations
    and checkout starts, which may carry a ticked consent box), and of the address book."""
    from django.db.models.signals import post_delete, post_save
    from oscar.core.loading import get_class, get_model

    UserAddress = get_model("address", "UserAddress")
    for signal in (post_save, post_delete):
        signal.connect(on_user_address_changed, sender=UserAddress,
                       dispatch_uid=f"oscar_lifecycle.user_address.{id(signal)}")
    needed = ALWAYS_RECORDED | MAY_CARRY_CONSENT | recorded_activity_kinds()
    for kind, module, signal_name, receiver in RECEIVERS:
        if kind in needed:
            get_class(module, signal_name).connect(receiver, dispatch_uid=f"oscar_lifecycle.{signal_name}")
