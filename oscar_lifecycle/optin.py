"""Explicit opt-in with double confirmation: a consent box at registration and at the checkout
gateway, then an email whose signed link the contact follows to confirm. Both steps keep their
proof."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .conf import lifecycle_setting
from .contacts import consent_change, say_yes_again
from .content.render import shop_brand, shop_name
from .engine.notices import notice
from .models import Contact, Message
from .suppression import lasting_no
from .tracking.tokens import confirm_url

CONSENT_FIELD = "lifecycle_marketing_consent"
# Added to the source of the event of a contact who said no, then asked again: their no stands.
CONFIRMATION_ASKED = "confirmation asked"
MARKETING_WORDING = gettext_lazy("Send me emails with news, recommendations and offers from %(shop)s.")


def marketing_wording():
    """The words of the consent box, as the contact saw them (in the current language)."""
    return MARKETING_WORDING % {"shop": shop_name()}


def awaits_answer(contact):
    """``contact`` asked to get marketing and has not followed the link sent to confirm it: their
    consent is pending, or they had said no and asked again since (their no stands until they
    confirm)."""
    if contact.consent == Contact.Consent.PENDING:
        return True
    asked_at, changed_at = contact.confirmation_asked_at, contact.consent_changed_at
    return (contact.consent == Contact.Consent.WITHDRAWN and asked_at is not None
            and (changed_at is None or asked_at > changed_at))


def asked_recently(contact, now):
    """``contact``'s request, still unanswered, was made less than CONFIRMATION_RESEND_INTERVAL
    before ``now``: another request sends no second confirmation email."""
    if not awaits_answer(contact):
        return False
    asked_at = contact.confirmation_asked_at
    if asked_at is None and contact.consent == Contact.Consent.PENDING:
        asked_at = contact.consent_changed_at  # asked before the time of each request was kept
    return asked_at is not None and asked_at > now - lifecycle_setting("CONFIRMATION_RESEND_INTERVAL")


def ask_for_confirmation(contact, consent_request, *, source, lasting):
    """The contact asked to get marketing (ticked the box in the form ``source`` names, or signed
    up), with the words they saw and the request's proof: set on ``contact`` in memory; return the
    ConsentEvent that says so and the confirmation email's notice (a queued Message), for the
    caller to save with the contact (CONSENT_FIELDS; a batch saves many at once). The runner sends
    the notice like any other message (exactly once, retried through an ESP outage, held when its
    outcome is unknown), and its link alone gives consent.

    A contact who had not answered becomes pending. A contact who said no keeps their no until
    they follow the link (ticking a box proves nothing of who owns the address): their event says
    they asked, their consent stays withdrawn. Nothing is asked (None) of a contact who already
    says yes, nor of one asked less than CONFIRMATION_RESEND_INTERVAL ago (a guest who ticked the
    box at the checkout gateway, then again on the registration form), nor of an address that
    bounced or complained (``lasting``: its no, as ``suppression.lasting_no`` says)."""
    now = timezone.now()
    says_yes = contact.consent == Contact.Consent.GRANTED and contact.status == Contact.Status.ACTIVE
    if says_yes or asked_recently(contact, now) or lasting is not None:
        return None
    said_no = contact.consent == Contact.Consent.WITHDRAWN
    event = consent_change(
        contact, source=f"{source}, {CONFIRMATION_ASKED}" if said_no else source,
        consent=None if said_no else Contact.Consent.PENDING,
        wording=consent_request.get("wording", ""),
        proof={key: consent_request.get(key) for key in ("ip_address", "user_agent") if consent_request.get(key)},
    )
    contact.confirmation_asked_at = now
    return event, notice(contact, Message.Kind.CONFIRMATION, now)


def confirmation_email(contact, sender):
    """The double opt-in confirmation for ``contact``, from ``sender``, in their language; None
    when they are no longer waiting to confirm (they confirmed, or bounced or complained, meanwhile)."""
    if not awaits_answer(contact) or lasting_no(contact) is not None:
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
    again (and did not ask since), or twice, changes nothing."""
    if not awaits_answer(contact):
        return False
    return say_yes_again(contact, source="confirmation link", request=request, wording=marketing_wording())
