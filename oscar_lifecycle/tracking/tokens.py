"""Signed tokens in email links: they name a contact and cannot be forged or edited."""

from django.core import signing
from django.urls import reverse

from ..site_url import site_url

UNSUBSCRIBE_SALT = "oscar_lifecycle.unsubscribe"


def unsubscribe_token(contact):
    return signing.dumps(contact.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def contact_id_from_unsubscribe_token(token):
    """Return the contact id a token names; raise signing.BadSignature for a forged one."""
    contact_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(contact_id, int):
        raise signing.BadSignature("token does not name a contact")
    return contact_id


def unsubscribe_url(contact):
    path = reverse("oscar_lifecycle:unsubscribe", args=[unsubscribe_token(contact)])
    return f"{site_url()}{path}"
