"""The suppression list: addresses that said no (unsubscribed, bounced, complained, erased),
kept by a SHA-256 of the normalized address, consulted when a contact is made and before
every send. It only ever gets stronger."""

import hashlib

from .models import Contact, Suppression

# How strongly a status says no: public endpoints and ESP feedback only ever move it up.
STATUS_STRENGTH = [
    Contact.Status.ACTIVE, Contact.Status.SUNSET, Contact.Status.UNSUBSCRIBED,
    Contact.Status.BOUNCED, Contact.Status.COMPLAINED,
]
SAYS_NO = {Contact.Status.UNSUBSCRIBED, Contact.Status.BOUNCED, Contact.Status.COMPLAINED}


def address_hash(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def suppress(email, status, *, source):
    """Add ``email`` with ``status`` to the list, or make its entry stronger."""
    if status not in SAYS_NO:
        return
    entry, created = Suppression.objects.get_or_create(
        address_hash=address_hash(email), defaults={"status": status, "source": source[:100]}
    )
    if not created and STATUS_STRENGTH.index(status) > STATUS_STRENGTH.index(entry.status):
        entry.status, entry.source = status, source[:100]
        entry.save(update_fields=["status", "source"])


def suppression_of(email):
    """The list's entry for ``email``, or None."""
    return Suppression.objects.filter(address_hash=address_hash(email)).first()


def suppressed(emails):
    """{email: status} for those of ``emails`` on the list (one query)."""
    by_hash = {address_hash(email): email for email in emails}
    return {
        by_hash[entry_hash]: status
        for entry_hash, status in Suppression.objects.filter(address_hash__in=by_hash).values_list(
            "address_hash", "status")
    }


def keep_on_delete(sender, instance, **kwargs):
    """A contact deleted in the admin takes its row, never its no (connected to pre_delete)."""
    if instance.status in SAYS_NO:
        suppress(instance.email, instance.status, source="contact deleted")
    elif instance.consent == Contact.Consent.WITHDRAWN:
        suppress(instance.email, Contact.Status.UNSUBSCRIBED, source="contact deleted")
