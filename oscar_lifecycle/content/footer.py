"""Why a contact receives our mail: the first line of every footer (consent proof, in words)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import Contact


def why_you_receive_this(contact, shop_name):
    """One sentence in the current language: customer, subscriber (when and where), account holder,
    or the address given at checkout."""
    if contact.last_order_at is not None:
        return _("You receive this email because you are a customer of %(shop)s.") % {"shop": shop_name}
    if contact.consent == Contact.Consent.GRANTED and contact.consent_changed_at is not None:
        return _("You receive this email because you subscribed on %(date)s (%(where)s).") % {
            "date": formats.date_format(timezone.localtime(contact.consent_changed_at), "DATE_FORMAT"),
            "where": contact.consent_source,
        }
    if contact.user_id is not None:
        return _("You receive this email because you have an account at %(shop)s.") % {"shop": shop_name}
    return _("You receive this email because you gave your address at %(shop)s's checkout.") % {"shop": shop_name}


def consent_basis(contact):
    """The contact's consent as the sent-mail log keeps it with each message, in the shop's words."""
    if contact.consent == Contact.Consent.GRANTED and contact.consent_changed_at is not None:
        return _("opt-in given on %(date)s (%(where)s)") % {
            "date": formats.date_format(timezone.localtime(contact.consent_changed_at), "DATE_FORMAT"),
            "where": contact.consent_source,
        }
    if contact.last_order_at is not None:
        return _("soft opt-in: a customer since an order on %(date)s") % {
            "date": formats.date_format(timezone.localtime(contact.last_order_at), "DATE_FORMAT"),
        }
    return _("soft opt-in: no objection since %(date)s") % {
        "date": formats.date_format(timezone.localtime(contact.created_at), "DATE_FORMAT"),
    }
