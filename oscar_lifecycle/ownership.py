"""Proof of ownership before anything personal: registering with an address proves nothing (Oscar
does not verify it), and a preferences link in a forwarded email proves nothing either. What is
held about an address is shown, changed, exported or erased only by whoever follows a fresh link
sent to that address (PROOF_LINK_MAX_AGE), or by the account whose holder did so. Unsubscribing
stays one click from every email.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .conf import lifecycle_setting
from .content.render import shop_brand, shop_name
from .engine.notices import queue_notice, recently_queued
from .models import Contact, Message
from .tracking.tokens import contact_from_proof_token, proof_url

DATA_PURPOSE = "my_data"
ACCOUNT_PURPOSE = "confirm_address"


def owns(user, contact):
    """Whether ``user`` may see and change what is held about ``contact``: it is their account's
    contact, and either they confirmed its address from a link sent to it, or everything held
    about it came after their account existed (a contact made by their own registration)."""
    if contact.user_id != user.pk:
        return False
    return contact.address_confirmed_at is not None or contact.created_at >= user.date_joined


def _request(contact, kind):
    """Queue a proof link of ``kind`` for ``contact``, unless one went out within
    PROOF_LINK_INTERVAL (a page reloaded, or someone filling another person's mailbox)."""
    if recently_queued(contact, kind, lifecycle_setting("PROOF_LINK_INTERVAL")):
        return False
    queue_notice(contact, kind)
    return True


def request_data_link(contact):
    """Send ``contact`` a link to download or erase their data; False when one was just sent."""
    return _request(contact, Message.Kind.DATA_ACCESS)


def request_address_proof(contact):
    """Send ``contact``'s address a link that confirms it belongs to its account's holder."""
    return _request(contact, Message.Kind.ADDRESS_PROOF)


def contact_from_data_link(token):
    return contact_from_proof_token(token, DATA_PURPOSE, lifecycle_setting("PROOF_LINK_MAX_AGE"),
                                    Contact.objects.all())


def contact_from_address_link(token):
    return contact_from_proof_token(token, ACCOUNT_PURPOSE, lifecycle_setting("PROOF_LINK_MAX_AGE"),
                                    Contact.objects.filter(user__isnull=False))


def confirm_address(contact):
    """The account's holder followed the link sent to the contact's address: it is theirs."""
    contact.address_confirmed_at = timezone.now()
    contact.save(update_fields=["address_confirmed_at"])


def _proof_email(contact, sender, *, subject, intro, button, url):
    hours = int(lifecycle_setting("PROOF_LINK_MAX_AGE").total_seconds() // 3600)
    context = {"intro": intro, "button": button, "url": url, "hours": hours, "shop_name": shop_name(),
               "brand": shop_brand()}
    email = EmailMultiAlternatives(
        subject=subject, body=render_to_string("oscar_lifecycle/email/proof_link.txt", context),
        from_email=sender, to=[contact.email],
    )
    email.attach_alternative(render_to_string("oscar_lifecycle/email/proof_link.html", context), "text/html")
    email.tags = ["lifecycle-proof"]
    return email


def data_access_email(contact, sender):
    """The link to ``contact``'s data (download, erase), asked for from the preferences page."""
    if contact.is_erased:
        return None
    with translation.override(contact.locale or None):
        return _proof_email(
            contact, sender,
            subject=_("Your data at %(shop)s") % {"shop": shop_name()},
            intro=_("You asked to see or erase what %(shop)s holds about this address.") % {"shop": shop_name()},
            button=_("See my data"), url=proof_url(contact, DATA_PURPOSE),
        )


def address_proof_email(contact, sender):
    """The link that confirms ``contact``'s address belongs to the holder of its account."""
    if contact.is_erased or contact.user_id is None:
        return None
    with translation.override(contact.locale or None):
        return _proof_email(
            contact, sender,
            subject=_("Confirm your address at %(shop)s") % {"shop": shop_name()},
            intro=_("Confirm that this address is yours to manage the emails %(shop)s sends to it from "
                    "your account.") % {"shop": shop_name()},
            button=_("Confirm my address"), url=proof_url(contact, ACCOUNT_PURPOSE),
        )
