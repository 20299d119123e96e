"""Signed tokens in email links: they name a contact and cannot be forged or edited."""

from django.core import signing
from django.urls import reverse

from ..site_url import site_url

UNSUBSCRIBE_SALT = "oscar_lifecycle.unsubscribe"
RATING_SALT = "oscar_lifecycle.rating"


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


def rating_token(contact, enrollment):
    """Names the contact, the enrollment and its order a satisfaction email asks about."""
    return signing.dumps(
        [contact.pk, enrollment.pk, enrollment.order_id], salt=RATING_SALT, compress=True
    )


def ids_from_rating_token(token):
    """Return (contact id, enrollment id, order id); raise signing.BadSignature for a forged token."""
    ids = signing.loads(token, salt=RATING_SALT)
    if not (isinstance(ids, list) and len(ids) == 3 and all(isinstance(pk, int) for pk in ids)):
        raise signing.BadSignature("token does not name a rating")
    return tuple(ids)


def rating_urls(contact, enrollment):
    """[(rating, absolute URL)] for 1 to 5."""
    token = rating_token(contact, enrollment)
    return [
        (rating, f"{site_url()}{reverse('oscar_lifecycle:rate', args=[token, rating])}")
        for rating in range(1, 6)
    ]


FREQUENCY_SALT = "oscar_lifecycle.frequency"


def frequency_url(contact):
    """The page where ``contact`` chooses how often to get marketing email."""
    token = signing.dumps(contact.pk, salt=FREQUENCY_SALT, compress=True)
    return f"{site_url()}{reverse('oscar_lifecycle:frequency', args=[token])}"


def contact_id_from_frequency_token(token):
    contact_id = signing.loads(token, salt=FREQUENCY_SALT)
    if not isinstance(contact_id, int):
        raise signing.BadSignature("token does not name a contact")
    return contact_id
