"""Hand one rendered email to Django's email backend (django-anymail in production)."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from ..conf import lifecycle_setting
from ..tracking.tokens import unsubscribe_url
from .send_pool import esp_message_id


def from_email(shop_settings):
    """The sender: the editors' lifecycle settings first, then OSCAR_LIFECYCLE, then Django's."""
    address = shop_settings.from_email or lifecycle_setting("FROM_EMAIL") or settings.DEFAULT_FROM_EMAIL
    return formataddr((shop_settings.from_name, address)) if shop_settings.from_name else address


def build_email(rendered, contact, shop_settings, *, tags=(), metadata=None, test=False):
    """The email that carries ``rendered`` to ``contact``, ready to send.

    ``test``: an editor's test send, without the List-Unsubscribe headers of real mail.
    """
    headers = {}
    if not test:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(contact)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=from_email(shop_settings),
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
