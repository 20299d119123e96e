"""Hand one rendered email to Django's email backend (django-anymail in production)."""

from email.headerregistry import Address

from anymail.exceptions import AnymailInvalidAddress
from anymail.utils import parse_single_address
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from ..conf import lifecycle_setting
from ..exceptions import InvalidSender
from ..tracking.tokens import unsubscribe_url
from .send_pool import esp_message_id


def configured_sender():
    """(where it is set, value) of the sender the settings give: OSCAR_LIFECYCLE's FROM_EMAIL,
    else Django's DEFAULT_FROM_EMAIL."""
    if lifecycle_setting("FROM_EMAIL"):
        return "OSCAR_LIFECYCLE['FROM_EMAIL']", lifecycle_setting("FROM_EMAIL")
    return "DEFAULT_FROM_EMAIL", settings.DEFAULT_FROM_EMAIL


def parsed_sender(value, where):
    """``value`` ("shop@example" or "Shop <shop@example>") parsed as one address; raises
    InvalidSender, naming ``where`` it is set, when it is not exactly one valid address."""
    try:
        return parse_single_address(str(value or ""), field=where)
    except AnymailInvalidAddress as error:
        raise InvalidSender(f"The sender of lifecycle email, {value!r} ({where}), is not one valid "
                            f"address: {error}") from None


def from_email(shop_settings):
    """The sender, as one well-formed "Name <address>": the address of the editors' lifecycle
    settings, else of the settings (a display name there is kept unless the editors give one),
    with the editors' "from name" as its name. Raises InvalidSender when none is usable."""
    if shop_settings.from_email:
        sender = parsed_sender(shop_settings.from_email, "Lifecycle settings > from address")
    else:
        where, value = configured_sender()
        sender = parsed_sender(value, where)
    # Not email.utils.formataddr: its RFC 2047 encoding of a name with accents would reach
    # JSON ESP APIs as literal =?utf-8?q?...?= text.
    return str(Address(display_name=shop_settings.from_name or sender.display_name, addr_spec=sender.addr_spec))


def build_email(rendered, contact, shop_settings, *, sender=None, tags=(), metadata=None, test=False):
    """The email that carries ``rendered`` to ``contact``, ready to send.

    ``sender``: from_email(shop_settings), when the caller has it already. ``test``: an editor's
    test send, without the List-Unsubscribe headers of real mail.
    """
    headers = {}
    if not test:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(contact)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=sender or from_email(shop_settings),
        to=[contact.email],
        reply_to=[shop_settings.reply_to] if shop_settings.reply_to else None,
        headers=headers,
    )
    email.attach_alternative(rendered.html, "text/html")
    # Read by django-anymail backends, ignored by Django's own.
    email.tags = list(tags)
    email.metadata = dict(metadata or {})
    return email


def send_rendered(rendered, contact, shop_settings, **options):
    """Send ``rendered`` to ``contact`` now (``options`` as for build_email); return the ESP's
    message id ("" when it gives none). Raises whatever the backend raises."""
    email = build_email(rendered, contact, shop_settings, **options)
    email.send()
    return esp_message_id(email)
