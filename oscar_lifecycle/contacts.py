"""Resolve a person to their Contact, and change consent with an audit trail."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from oscar.core.loading import get_model

from .consent_rules import release_awaiting
from .exceptions import InvalidContactEmail
from .models import ConsentEvent, Contact
from .row_updates import update_rows
from .signals import consent_withdrawn
from .storable import ip_address_of, user_agent_of
from .suppression import (
    LASTING_NO,
    SAYS_NO,
    STATUS_STRENGTH,
    entries_of,
    lasting_no,
    lift_unsubscribe,
    listed,
    suppress,
    suppression_of,
)


def normalize_email(email):
    """Lower-case and strip an address, refusing one that does not validate."""
    normalized = (email or "").strip().lower()
    try:
        validate_email(normalized)
    except ValidationError:
        raise InvalidContactEmail(
            f"{email!r} is not a valid email address; no contact was created for it.",
            code="invalid_email",
        ) from None
    return normalized


def _follow_new_address(user, normalized):
    """The user's contact, moved to the user's new address: renamed, or, when the new address
    already has a contact (a guest's), the user's link moves to it. None when the user has none."""
    contact = Contact.objects.filter(user=user).first()
    if contact is None or contact.email == normalized:
        return contact
    with transaction.atomic():
        owner_of_address = Contact.objects.select_for_update().filter(email=normalized).first()
        # A confirmation was for an address and an account together: a change of either ends it.
        if owner_of_address is None:
            contact.email = normalized
            contact.address_confirmed_at = None
            contact.save(update_fields=["email", "address_confirmed_at"])
            _apply_suppression(contact)
            return contact
        contact.user, contact.address_confirmed_at = None, None
        contact.save(update_fields=["user", "address_confirmed_at"])
        owner_of_address.user, owner_of_address.address_confirmed_at = user, None
        owner_of_address.save(update_fields=["user", "address_confirmed_at"])
        return owner_of_address


def contact_for(email, user=None, source=None):
    """Return the Contact for ``email``, creating it (and linking ``user``) when needed, with
    ``source`` (a Contact.Source; "registered" with a user when not given). A user's contact
    follows the user's address when they change it."""
    normalized = normalize_email(email)
    if user is not None:
        moved = _follow_new_address(user, normalized)
        if moved is not None:
            return moved
    defaults = {"source": source or (Contact.Source.REGISTERED if user is not None else "")}
    if user is not None:
        defaults.update(user=user, first_name=user.first_name, last_name=user.last_name)
    try:
        with transaction.atomic():
            contact, created = Contact.objects.get_or_create(email=normalized, defaults=defaults)
    except IntegrityError:
        contact, created = Contact.objects.get(email=normalized), False
    if created:
        _apply_suppression(contact)
    if not created and user is not None and contact.user_id is None:
        contact.user = user
        contact.first_name = contact.first_name or user.first_name
        contact.last_name = contact.last_name or user.last_name
        contact.save(update_fields=["user", "first_name", "last_name"])
    return contact


def take_suppression(contact, entry):
    """What the suppression list's ``entry`` gives a new ``contact``, in memory: the topics it
    declined, and its no. Return the fields it changed and the ConsentEvent of its no (None
    without one), both to save."""
    fields, event = [], None
    declined = list(contact.declined_topics or ())
    missing = [topic for topic in entry.declined_topics if topic not in declined]
    if missing:
        contact.declined_topics = declined + missing
        fields.append("declined_topics")
    if entry.status in SAYS_NO:
        event = consent_change(contact, source=f"suppression list ({entry.source})"[:100],
                               consent=Contact.Consent.WITHDRAWN, status=entry.status)
        fields += CONSENT_FIELDS
    return fields, event


def _apply_suppression(contact):
    """A new row for an address on the suppression list starts where the last one left off: its
    no, and the topics it declined."""
    entry = suppression_of(contact.email)
    if entry is None:
        return
    fields, event = take_suppression(contact, entry)
    with transaction.atomic():
        if fields:
            contact.save(update_fields=fields)
        if event is not None:
            event.save()


class AddressChanged(Exception):
    """The account's contact has another address: ``contact_for`` moves it, one by one."""


class ContactsOfBatch:
    """``contact_for`` for a batch of (normalized address, user or None) taken in order, in a
    fixed number of queries whatever their number: the contacts are found (one query) or made in
    memory, the suppression list read for every address at once (one query), and what the batch
    changed is written by ``save``. Contacts made or changed keep the state each step left them
    in, so the batch's next step sees what ``contact_for`` would have. A user whose contact has
    another address (they changed it in their account) raises ``AddressChanged``: the caller has
    ``contact_for`` move that contact first."""

    def __init__(self, pairs):
        emails = {email for email, _user in pairs}
        user_ids = {user.pk for _email, user in pairs if user is not None}
        contacts = list(Contact.objects.filter(Q(email__in=emails) | Q(user_id__in=user_ids)))
        self.by_email = {contact.email: contact for contact in contacts}
        self.by_user = {contact.user_id: contact for contact in contacts if contact.user_id}
        self.entries = entries_of(emails)
        self.new = []
        self.changed = {}  # an existing contact -> the fields the batch changed
        self.events = []

    def contact_for(self, email, user=None):
        if user is not None:
            contact = self.by_user.get(user.pk)
            if contact is not None:
                if contact.email != email:
                    raise AddressChanged(email)
                return contact
        contact = self.by_email.get(email)
        if contact is None:
            return self._create(email, user)
        if user is not None and contact.user_id is None:
            contact.user = user
            contact.first_name = contact.first_name or user.first_name
            contact.last_name = contact.last_name or user.last_name
            self.by_user[user.pk] = contact
            self.note(contact, ["user", "first_name", "last_name"])
        return contact

    def _create(self, email, user):
        contact = Contact(email=email, source=Contact.Source.CHECKOUT)
        if user is not None:
            contact.source = Contact.Source.REGISTERED
            contact.user, contact.first_name, contact.last_name = user, user.first_name, user.last_name
            self.by_user[user.pk] = contact
        self.by_email[email] = contact
        self.new.append(contact)
        entry = self.entries.get(email)
        if entry is not None:
            _fields, event = take_suppression(contact, entry)
            self.note(contact, (), event)
        return contact

    def note(self, contact, fields, event=None):
        """``contact`` changed ``fields`` (and ``event``, a ConsentEvent, says so): ``save`` writes them."""
        if contact.pk is not None:
            self.changed.setdefault(contact, set()).update(fields)
        if event is not None:
            self.events.append(event)

    def lasting_no(self, contact):
        """``suppression.lasting_no`` from what the batch read."""
        if contact.status in LASTING_NO:
            return contact.status
        entry = self.entries.get(contact.email)
        return entry.status if entry is not None and entry.status in LASTING_NO else None

    def save(self):
        """Write the batch's contacts: one INSERT of the new, one UPDATE per set of fields changed
        on the others (so a field the batch did not change is never written back), one INSERT of
        the ConsentEvents."""
        Contact.objects.bulk_create(self.new)
        if self.new and self.new[0].pk is None:  # SQLite before 3.35 returns no ids
            ids = dict(Contact.objects.filter(email__in=[contact.email for contact in self.new])
                       .values_list("email", "pk"))
            for contact in self.new:
                contact.pk = ids[contact.email]
        by_fields = {}
        for contact, fields in self.changed.items():
            if fields:
                by_fields.setdefault(tuple(sorted(fields)), []).append(contact)
        for fields, contacts in by_fields.items():
            update_rows(Contact, contacts, fields)
        ConsentEvent.objects.bulk_create(self.events)


def contacts_for_users(user_ids):
    """The Contacts of the users ``user_ids``, linking or creating them in a fixed number of
    queries (scans meet members who never did anything the receivers saw: a contact made for
    one who ordered before keeps the time of their last order, so they count as a customer).
    Users whose address does not validate get none."""
    User = get_user_model()
    contacts = list(Contact.objects.filter(user_id__in=user_ids))
    missing = set(user_ids) - {contact.user_id for contact in contacts}
    if not missing:
        return contacts
    emails = {}
    for user in User.objects.filter(pk__in=missing):
        try:
            emails[normalize_email(user.email)] = user
        except InvalidContactEmail:
            continue
    unlinked = list(Contact.objects.filter(email__in=emails, user__isnull=True))
    for contact in unlinked:
        contact.user = emails[contact.email]
    Contact.objects.bulk_update(unlinked, ["user"])
    known = {contact.email for contact in Contact.objects.filter(email__in=emails)}
    to_create = {email: user for email, user in emails.items() if email not in known}
    last_orders = dict(
        get_model("order", "Order").objects.filter(user__in=to_create.values()).values("user")
        .annotate(last=Max("date_placed")).values_list("user", "last")
    )
    Contact.objects.bulk_create(
        [Contact(email=email, user=user, first_name=user.first_name, last_name=user.last_name,
                 last_order_at=last_orders.get(user.pk), source=Contact.Source.REGISTERED)
         for email, user in to_create.items()],
        ignore_conflicts=True,
    )
    for contact in Contact.objects.filter(email__in=list(listed(set(emails) - known))):
        _apply_suppression(contact)
    return list(Contact.objects.filter(user_id__in=user_ids))


def record_engagement(contact_id, at=None):
    """The contact showed they read our mail (a person's open or click, a visit to their
    preferences, an answer): their last engagement moves forward to ``at``, never back."""
    at = at or timezone.now()
    Contact.objects.filter(pk=contact_id).exclude(last_engagement_at__gte=at).update(last_engagement_at=at)


def request_proof(request):
    """What a request proves of who changed consent: its IP address (None when REMOTE_ADDR holds
    no address) and browser, as the database keeps them."""
    if request is None:
        return {}
    return {"ip_address": ip_address_of(request), "user_agent": user_agent_of(request)}


SOURCE_LENGTH = ConsentEvent._meta.get_field("source").max_length


CONSENT_FIELDS = ["consent", "consent_source", "consent_changed_at", "status", "confirmation_asked_at"]


def consent_change(contact, *, source, consent=None, status=None, actor=None, request=None, wording="",
                   proof=None):
    """``record_change`` in memory: consent and/or status set on ``contact``, and the ConsentEvent
    that says so returned unsaved (a batch saves many at once)."""
    source = source[:SOURCE_LENGTH]  # it may quote an address of up to 254 characters
    if consent is not None:
        contact.consent = consent
        contact.consent_source = source
        contact.consent_changed_at = timezone.now()
    if status is not None:
        contact.status = status
    return ConsentEvent(
        contact=contact, consent=contact.consent, status=contact.status, source=source, actor=actor,
        wording=str(wording), **(proof if proof is not None else request_proof(request)),
    )


def record_change(contact, *, source, consent=None, status=None, actor=None, request=None, wording="",
                  proof=None):
    """Set consent and/or status on ``contact`` and append the ConsentEvent that says so, with its
    proof: the request's IP address and browser (or ``proof``, the same recorded earlier), and the
    words the contact was shown."""
    event = consent_change(contact, source=source, consent=consent, status=status, actor=actor,
                           request=request, wording=wording, proof=proof)
    with transaction.atomic():
        contact.save(update_fields=CONSENT_FIELDS)
        event.save()


def say_no(contact, status, *, source, actor=None, request=None, wording=""):
    """Move ``contact`` to ``status`` (unsubscribed, bounced, complained) unless it already says a
    stronger no; an unsubscribe or a complaint also withdraws marketing consent. Return whether
    anything changed: a second unsubscribe, a replayed webhook, changes and logs nothing."""
    stronger = STATUS_STRENGTH.index(status) > STATUS_STRENGTH.index(contact.status)
    withdraws = status != Contact.Status.BOUNCED and contact.consent != Contact.Consent.WITHDRAWN
    if not (stronger or withdraws):
        return False
    record_change(
        contact, source=source, actor=actor, request=request, wording=wording,
        consent=Contact.Consent.WITHDRAWN if withdraws else None,
        status=status if stronger else None,
    )
    suppress(contact.email, contact.status if contact.status in SAYS_NO else Contact.Status.UNSUBSCRIBED,
             source=source)
    if withdraws:
        consent_withdrawn.send(sender=Contact, contact=contact, source=source)
    return True


def say_yes_again(contact, *, source, request=None, wording=""):
    """The address's owner says yes to marketing (logged in to their account page, or following
    the confirmation link sent to the address): consent granted, and an unsubscribe, a withdrawal
    or a sunset lifted, from the contact and from the suppression list (keeping the topics it
    declined), with a ConsentEvent and its proof; marketing steps that waited for this yes are due
    at once. A bounce or a complaint is never lifted (``suppression.lasting_no`` says which).
    Return whether anything changed."""
    if lasting_no(contact) is not None:
        return False
    entry = suppression_of(contact.email)
    lifts_entry = entry is not None and entry.status == Contact.Status.UNSUBSCRIBED
    if contact.consent == Contact.Consent.GRANTED and contact.status == Contact.Status.ACTIVE and not lifts_entry:
        return False
    with transaction.atomic():
        record_change(contact, source=source, consent=Contact.Consent.GRANTED, status=Contact.Status.ACTIVE,
                      request=request, wording=wording)
        lift_unsubscribe(contact.email)
        release_awaiting(contact)
    return True


def unsubscribe(contact, *, source, actor=None, request=None, wording=""):
    return say_no(contact, Contact.Status.UNSUBSCRIBED, source=source, actor=actor, request=request,
                  wording=wording)
