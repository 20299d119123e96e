"""Signed tokens in email links: they name a contact and cannot be forged or edited."""

from django.core import signing
from django.urls import reverse

from ..site_url import site_url

UNSUBSCRIBE_SALT = "oscar_lifecycle.unsubscribe"
RATING_SALT = "oscar_lifecycle.rating"


def _absolute_url(view_name, *args):
    return f"{site_url()}{reverse(f'oscar_lifecycle:{view_name}', args=args)}"


def _url_maker(view_name):
    """``token -> the absolute URL of view_name for token``, with one reverse() for many tokens
    (a signed token's characters are all kept as they are in a URL path)."""
    before, after = _absolute_url(view_name, "TOKEN").rsplit("TOKEN", 1)
    return lambda token: f"{before}{token}{after}"


def _id_from(token, salt, what):
    """The id a token signed with ``salt`` names; signing.BadSignature for a forged, cut or
    foreign one (another salt), or one that names no ``what``."""
    value = signing.loads(token, salt=salt)
    if not isinstance(value, int):
        raise signing.BadSignature(f"token does not name a {what}")
    return value


def unsubscribe_token(contact):
    return signing.dumps(contact.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def contact_id_from_unsubscribe_token(token):
    """Return the contact id a token names; raise signing.BadSignature for a forged one."""
    return _id_from(token, UNSUBSCRIBE_SALT, "contact")


def unsubscribe_url(contact):
    return _absolute_url("unsubscribe", unsubscribe_token(contact))


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
    return [(rating, _absolute_url("rate", token, rating)) for rating in range(1, 6)]


PREFERENCES_SALT = "oscar_lifecycle.preferences"


def preferences_url(contact):
    """The page where ``contact`` chooses whether, how often and about what to get marketing email."""
    return _absolute_url("preferences", signing.dumps(contact.pk, salt=PREFERENCES_SALT, compress=True))


def contact_id_from_preferences_token(token):
    return _id_from(token, PREFERENCES_SALT, "contact")


CLICK_SALT = "oscar_lifecycle.click"
OPEN_SALT = "oscar_lifecycle.open"


def click_url_maker(message_id):
    """``url -> our redirect to url for message message_id``: signed, so it leads only to that
    URL; one maker for the many links of one message."""
    redirect_url = _url_maker("click")
    return lambda url: redirect_url(signing.dumps([message_id, url], salt=CLICK_SALT, compress=True))


def click_from_token(token):
    """Return (message id, URL); raise signing.BadSignature for a forged, cut or foreign token."""
    value = signing.loads(token, salt=CLICK_SALT)
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
            and isinstance(value[1], str) and value[1].startswith(("http://", "https://"))):
        raise signing.BadSignature("token does not name a link")
    return value[0], value[1]


BASKET_SALT = "oscar_lifecycle.basket"


def basket_link_url(message_id, basket_id):
    """The link that restores basket ``basket_id`` on any device, from email ``message_id``:
    signed and dated, so it names that basket only and dies after BASKET_LINK_MAX_AGE."""
    return _absolute_url("basket", signing.dumps([message_id, basket_id], salt=BASKET_SALT, compress=True))


def basket_link_from_token(token, max_age):
    """Return (message id, basket id); raise signing.SignatureExpired for a link older than
    ``max_age``, signing.BadSignature for a forged, cut or foreign one."""
    value = signing.loads(token, salt=BASKET_SALT, max_age=max_age)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(pk, int) for pk in value)):
        raise signing.BadSignature("token does not name a basket")
    return value[0], value[1]


def open_pixel_url(message_id):
    return _absolute_url("open", signing.dumps(message_id, salt=OPEN_SALT) + ".gif")


def message_id_from_open_token(token):
    return _id_from(token, OPEN_SALT, "message")


CONFIRM_SALT = "oscar_lifecycle.confirm"


def confirm_url(contact):
    """The link of the double opt-in email: it names the contact and cannot be forged."""
    return _absolute_url("confirm", signing.dumps(contact.pk, salt=CONFIRM_SALT, compress=True))


def contact_id_from_confirm_token(token):
    return _id_from(token, CONFIRM_SALT, "contact")


PROOF_SALT = "oscar_lifecycle.proof"


def _address_mark(contact):
    """A short mark of the contact's address: a link sent to one address dies when it changes."""
    return signing.get_cookie_signer(salt=PROOF_SALT).signature(contact.email)[:12]


def proof_url(contact, purpose):
    """A link, sent to ``contact``'s address, that proves whoever follows it reads that mailbox:
    for ``purpose`` only, and until PROOF_LINK_MAX_AGE has passed or the address changes."""
    return _absolute_url(purpose, signing.dumps([contact.pk, purpose, _address_mark(contact)], salt=PROOF_SALT))


def contact_from_proof_token(token, purpose, max_age, contacts):
    """The contact (from the queryset ``contacts``) a proof link for ``purpose`` names; raise
    signing.BadSignature for a forged, foreign, expired or outdated link."""
    value = signing.loads(token, salt=PROOF_SALT, max_age=max_age)
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], int) and value[1] == purpose):
        raise signing.BadSignature("not a proof link for this purpose")
    contact = contacts.filter(pk=value[0]).first()
    if contact is None or not signing.constant_time_compare(_address_mark(contact), str(value[2])):
        raise signing.BadSignature("the contact or its address changed since the link was sent")
    return contact
