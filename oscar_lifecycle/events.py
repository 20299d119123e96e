"""Turn what a shopper did into enrollments, after the shop's transaction commits.

Receivers call these functions; each does its work in ``transaction.on_commit``
and logs, never raises, when something goes wrong: the shopper's request must
succeed whatever happens here.
"""

import logging
from functools import partial

from django.db import transaction
from django.utils import translation

from .conditions import ORDER_PLACED_GOAL
from .contacts import contact_for
from .engine.enroll import enroll, exit_for_goal
from .exceptions import InvalidContactEmail

logger = logging.getLogger(__name__)


def _run_logged(description, function):
    try:
        function()
    except InvalidContactEmail as error:
        logger.warning("oscar_lifecycle: %s skipped: %s", description, error.message)
    except Exception:
        logger.exception("oscar_lifecycle: %s failed", description)


def _after_commit(description, function):
    transaction.on_commit(partial(_run_logged, description, function))


def _remember_language(contact, language, update_fields):
    """The shopper's language (of their request) is the contact's until one is known."""
    if language and not contact.locale:
        contact.locale = language
        update_fields.append("locale")
    if update_fields:
        contact.save(update_fields=update_fields)


def _registered(user, language):
    contact = contact_for(user.email, user=user)
    _remember_language(contact, language, [])
    enroll("registration", contact)


def user_registered(user):
    _after_commit(
        f"registration of user {user.pk}",
        partial(_registered, user, translation.get_language()),
    )


def _order_placed(order, language):
    contact = contact_for(order.email, user=order.user)
    contact.last_order_at = order.date_placed
    _remember_language(contact, language, ["last_order_at"])
    exit_for_goal(ORDER_PLACED_GOAL, contact)
    enroll("order_placed", contact, order=order)


def order_placed(order):
    _after_commit(f"order {order.number}", partial(_order_placed, order, translation.get_language()))
