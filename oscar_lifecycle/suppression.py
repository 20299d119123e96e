"""The suppression list: addresses that said no (unsubscribed, bounced, complained, erased) or
declined topics, kept by a SHA-256 of the normalized address, consulted when a contact is made
and before every send. Every no makes it stronger; only the address's owner saying yes again
lifts an unsubscribe (``contacts.say_yes_again``), and nothing lifts a bounce or a complaint."""

import hashlib

from .models import Contact, Suppression

# How strongly a status says no: public endpoints and ESP feedback only ever move it up.
STATUS_STRENGTH = [
    Contact.Status.ACTIVE, Contact.Status.SUNSET, Contact.Status.UNSUBSCRIBED,
    Contact.Status.BOUNCED, Contact.Status.COMPLAINED,
]
SAYS_NO = {Contact.Status.UNSUBSCRIBED, Contact.Status.BOUNCED, Contact.Status.COMPLAINED}
# A no that no yes lifts: the address is dead, or its owner called our mail spam.
LASTING_NO = {Contact.Status.BOUNCED, Contact.Status.COMPLAINED}


def address_hash(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def suppress(email, status, *, source, declined_topics=None):
    """Add ``email`` with ``status`` (unsubscribed, bounced, complained) to the list, or make its
    entry's status stronger, never weaker. ``declined_topics`` (a contact's, as its row goes)
    replace the entry's topics. Without a no (status active or sunset) and without topics, no
    entry is made."""
    says_no = status in SAYS_NO
    if not says_no and not declined_topics:
        if declined_topics is not None:
            Suppression.objects.filter(address_hash=address_hash(email)).update(declined_topics=[])
        return
    entry, created = Suppression.objects.get_or_create(address_hash=address_hash(email), defaults={
        "status": status if says_no else Contact.Status.ACTIVE, "source": source[:100],
        "declined_topics": list(declined_topics or ()),
    })
    if created:
        return
    changed = []
    if says_no and STATUS_STRENGTH.index(status) > STATUS_STRENGTH.index(entry.status):
        entry.status, entry.source = status, source[:100]
        changed += ["status", "source"]
    if declined_topics is not None and list(declined_topics) != entry.declined_topics:
        entry.declined_topics = list(declined_topics)
        changed.append("declined_topics")
    if changed:
        entry.save(update_fields=changed)


def suppression_of(email):
    """The list's entry for ``email``, or None."""
    return Suppression.objects.filter(address_hash=address_hash(email)).first()


def entries_of(emails):
    """{email: the list's entry} for those of ``emails`` on the list (one query)."""
    by_hash = {address_hash(email): email for email in emails}
    return {by_hash[entry.address_hash]: entry for entry in Suppression.objects.filter(address_hash__in=by_hash)}


def suppressed(emails):
    """{email: status} for those of ``emails`` whose entry on the list says no (one query)."""
    by_hash = {address_hash(email): email for email in emails}
    return {
        by_hash[entry_hash]: status
        for entry_hash, status in Suppression.objects.filter(
            address_hash__in=by_hash, status__in=SAYS_NO).values_list("address_hash", "status")
    }


def listed(emails):
    """Those of ``emails`` that have an entry on the list, a no or declined topics (one query)."""
    by_hash = {address_hash(email): email for email in emails}
    return {by_hash[entry_hash] for entry_hash in Suppression.objects.filter(
        address_hash__in=by_hash).values_list("address_hash", flat=True)}


def lasting_no(contact):
    """The no that saying yes again cannot lift for ``contact`` (bounced or complained, on its
    row or on its address's entry), or None."""
    if contact.status in LASTING_NO:
        return contact.status
    entry = suppression_of(contact.email)
    if entry is not None and entry.status in LASTING_NO:
        return entry.status
    return None


def lift_unsubscribe(email):
    """Take ``email``'s unsubscribe (or withdrawal, kept as one) off the list, keeping the topics it
    declined; a bounce or a complaint stays. Only ``contacts.say_yes_again`` may call this."""
    entry = suppression_of(email)
    if entry is None or entry.status != Contact.Status.UNSUBSCRIBED:
        return
    if entry.declined_topics:
        entry.status = Contact.Status.ACTIVE
        entry.save(update_fields=["status"])
    else:
        entry.delete()


def keep_on_delete(sender, instance, **kwargs):
    """A contact deleted in the admin takes its row, never its no nor the topics it declined
    (connected to pre_delete)."""
    if instance.status in SAYS_NO:
        status = instance.status
    elif instance.consent == Contact.Consent.WITHDRAWN:
        status = Contact.Status.UNSUBSCRIBED
    else:
        status = Contact.Status.ACTIVE
    suppress(instance.email, status, source="contact deleted", declined_topics=instance.declined_topics or [])
