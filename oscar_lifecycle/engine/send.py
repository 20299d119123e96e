"""Hand one rendered email to Django's email backend (django-anymail in production)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from ..conf import lifecycle_setting
from ..tracking.tokens import unsubscribe_url


def from_email():
    return lifecycle_setting("FROM_EMAIL") or settings.DEFAULT_FROM_EMAIL


def send_rendered(rendered, contact, *, tags=(), metadata=None, test=False):
    """Send ``rendered`` to ``contact``; return the ESP's message id ("" when it gives none).

    Raises whatever the backend raises: the caller decides whether to retry.
    """
    headers = {}
    if not test:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(contact)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=from_email(),
        to=[contact.email],
        headers=headers,
    )
    email.attach_alternative(rendered.html, "text/html")
    # Read by django-anymail backends, ignored by Django's own.
    email.tags = list(tags)
    email.metadata = dict(metadata or {})
    email.send()
    message_id = getattr(getattr(email, "anymail_status", None), "message_id", None)
    return "" if message_id is None else str(message_id)
