"""Explicit opt-in with double confirmation: a consent box at registration and at the checkout
gateway, then an email whose signed link the contact follows to confirm. Both steps keep their
proof."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .consent_rules import awaits_confirmation
from .contacts import consent_change, say_yes_again
from .content.render import shop_brand, shop_name
from .engine.notices import notice
from .models import Contact, Message
from .suppression import lasting_no
from .tracking.tokens import confirm_url

CONSENT_FIELD = "lifecycle_marketing_consent"
MARKETING_WORDING = gettext_lazy("Send me emails with news, recommendations and offers from %(shop)s.")


def marketing_wording():
    """The words of the consent box, as the contact saw them (in the current language)."""
    return MARKETING_WORDING % {"shop": shop_name()}


def ask_for_confirmation(contact, consent_request, *, source, lasting):
    """The contact ticked the box (in the form ``source`` names): their consent pending, with its
    proof, set on ``contact`` in memory; return the ConsentEvent that says so and the confirmation
    email's notice (a queued Message), for the caller to save with the contact (a batch saves
    many at once). The runner sends the notice like any other message (exactly once, retried
    through an ESP outage, held when its outcome is unknown), and its link alone may lift an
    earlier unsubscribe (ticking a box proves nothing of who owns the address). Nothing is asked
    (None) of a contact who already said yes, nor of one whose confirmation email is on its way (a
    guest who ticked the box at the checkout gateway, then again on the registration form), nor of
    an address that bounced or complained (``lasting``: its no, as ``suppression.lasting_no`` says)."""
    says_yes = contact.consent == Contact.Consent.GRANTED and contact.status == Contact.Status.ACTIVE
    if says_yes or awaits_confirmation(contact, timezone.now()) or lasting is not None:
        return None
    event = consent_change(
        contact, source=source, consent=Contact.Consent.PENDING,
        wording=consent_request.get("wording", ""),
        proof={key: consent_request.get(key) for key in ("ip_address", "user_agent") if consent_request.get(key)},
    )
    return event, notice(contact, Message.Kind.CONFIRMATION)


def confirmation_email(contact, sender):
    """The double opt-in confirmation for ``contact``, from ``sender``, in their language; None
    when they are no longer waiting to confirm (they confirmed, or bounced or complained, meanwhile)."""
    if contact.consent != Contact.Consent.PENDING or lasting_no(contact) is not None:
        return None
    with translation.override(contact.locale or None):
        context = {"shop_name": shop_name(), "confirm_url": confirm_url(contact), "brand": shop_brand()}
        email = EmailMultiAlternatives(
            subject=_("Please confirm your subscription to %(shop)s") % {"shop": context["shop_name"]},
            body=render_to_string("oscar_lifecycle/email/confirm_subscription.txt", context),
            from_email=sender,
            to=[contact.email],
        )
        email.attach_alternative(render_to_string("oscar_lifecycle/email/confirm_subscription.html", context),
                                 "text/html")
    email.tags = ["lifecycle-confirmation"]
    return email


def confirm_opt_in(contact, request):
    """The contact confirmed from the link sent to their address, while their request waits: their
    yes (``say_yes_again``), with the request's proof. A link followed after the contact said no
    again, or twice, changes nothing."""
    if contact.consent != Contact.Consent.PENDING:
        return False
    return say_yes_again(contact, source="confirmation link", request=request, wording=marketing_wording())
