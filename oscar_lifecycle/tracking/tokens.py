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
    if not (isinstance(ids, list) and len(ids) == 3 and all(isinstance(pk, int) for pk in ids[:2])
            and (ids[2] is None or isinstance(ids[2], int))):
        raise signing.BadSignature("token does not name a rating")
    return tuple(ids)


def rating_urls(contact, enrollment):
    """[(rating, absolute URL)] for 1 to 5."""
    token = rating_token(contact, enrollment)
    return [
        (rating, f"{site_url()}{reverse('oscar_lifecycle:rate', args=[token, rating])}")
        for rating in range(1, 6)
    ]


PREFERENCES_SALT = "oscar_lifecycle.preferences"


def preferences_url(contact):
    """The page where ``contact`` chooses whether, how often and about what to get marketing email."""
    token = signing.dumps(contact.pk, salt=PREFERENCES_SALT, compress=True)
    return f"{site_url()}{reverse('oscar_lifecycle:preferences', args=[token])}"


def contact_id_from_preferences_token(token):
    contact_id = signing.loads(token, salt=PREFERENCES_SALT)
    if not isinstance(contact_id, int):
        raise signing.BadSignature("token does not name a contact")
    return contact_id


CLICK_SALT = "oscar_lifecycle.click"
OPEN_SALT = "oscar_lifecycle.open"


def click_url(message_id, url):
    """Our redirect to ``url`` for message ``message_id``: signed, so it leads only to that URL."""
    token = signing.dumps([message_id, url], salt=CLICK_SALT, compress=True)
    return f"{site_url()}{reverse('oscar_lifecycle:click', args=[token])}"


def click_from_token(token):
    """Return (message id, URL); raise signing.BadSignature for a forged, cut or foreign token."""
    value = signing.loads(token, salt=CLICK_SALT)
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
            and isinstance(value[1], str) and value[1].startswith(("http://", "https://"))):
        raise signing.BadSignature("token does not name a link")
    return value[0], value[1]


def open_pixel_url(message_id):
    token = signing.dumps(message_id, salt=OPEN_SALT)
    return f"{site_url()}{reverse('oscar_lifecycle:open', args=[token + '.gif'])}"


def message_id_from_open_token(token):
    message_id = signing.loads(token, salt=OPEN_SALT)
    if not isinstance(message_id, int):
        raise signing.BadSignature("token does not name a message")
    return message_id


CONFIRM_SALT = "oscar_lifecycle.confirm"


def confirm_url(contact):
    """The link of the double opt-in email: it names the contact and cannot be forged."""
    token = signing.dumps(contact.pk, salt=CONFIRM_SALT, compress=True)
    return f"{site_url()}{reverse('oscar_lifecycle:confirm', args=[token])}"


def contact_id_from_confirm_token(token):
    contact_id = signing.loads(token, salt=CONFIRM_SALT)
    if not isinstance(contact_id, int):
        raise signing.BadSignature("token does not name a contact")
    return contact_id
