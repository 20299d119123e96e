"""A contact's data rights: everything held on them as JSON (access, portability), and erasure
that keeps the shop's numbers and the contact's no.

An erased contact stays, anonymised: its messages still count in the shop's statistics and
pressure history, its conversions in the revenue, and its status and withdrawn consent keep
the row out of every journey.
"""

import datetime
import decimal
import uuid

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils import timezone
from wagtail.log_actions import registry as log_registry

from .contacts import record_change
from .engine.sent_copies import unpacked_copy
from .tracking.inert_copy import inert_copy
from .suppression import STATUS_STRENGTH, suppress
from .models import (
    Activity,
    ConsentEvent,
    Contact,
    ContactAttributeValue,
    Enrollment,
    Message,
    MessageEvent,
    PersonalVoucher,
    SurveyResponse,
)
from .models.contacts import ERASED_DOMAIN

ERASED_REASON = "contact erased"


def erased_email(contact: Contact) -> str:
    """The placeholder that replaces ``contact``'s address: unique, and undeliverable (RFC 2606)."""
    return f"erased-{contact.pk}@{ERASED_DOMAIN}"


def _json(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def _fields(instance, exclude=()):
    """Every stored field of ``instance`` (relations as their id), so a field added later is exported too."""
    return {
        field.attname: _json(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
        if field.name not in exclude
    }


def _name(related, attribute):
    return getattr(related, attribute) if related is not None else None


def _text_as_sent(message):
    """The words of the email as it went out (its text part, links inert), while its copy is kept."""
    copy = unpacked_copy(message.sent_copy)
    return inert_copy(copy).text if copy is not None else None


def export_contact(contact: Contact) -> dict:
    """Everything held on ``contact``, JSON-serialisable, dates in ISO 8601: the answer to an
    access or a portability request."""
    return {
        "exported_at": _json(timezone.now()),
        "contact": _fields(contact),
        "consent_events": [_fields(event, exclude={"contact"}) for event in contact.consent_events.all()],
        "attributes": [
            {"attribute": value.attribute.name, "key": value.attribute.key, "value": _json(value.value)}
            for value in contact.attribute_values.select_related("attribute").order_by("attribute__name")
        ],
        "enrollments": [
            {
                "journey": _name(enrollment.journey, "name"),
                "state": enrollment.state,
                "reason": enrollment.reason,
                "order": _name(enrollment.order, "number"),
                "product": _name(enrollment.product, "title"),
                "context": enrollment.context,
                "enrolled_at": _json(enrollment.created_at),
                "next_run_at": _json(enrollment.next_run_at),
                "ended_at": _json(enrollment.ended_at),
            }
            for enrollment in contact.enrollments.select_related("journey", "order", "product").order_by("pk")
        ],
        "messages": [
            {
                "id": message.pk,
                "journey": _name(message.journey, "name"),
                "category": message.category,
                "to_email": message.to_email,
                "subject": message.subject,
                "status": message.status,
                "reason": message.reason,
                "attempts": message.attempts,
                "created_at": _json(message.created_at),
                "sent_at": _json(message.sent_at),
                "opened_at": _json(message.opened_at),
                "open_count": message.open_count,
                "clicked_at": _json(message.clicked_at),
                "click_count": message.click_count,
                "text_as_sent": _text_as_sent(message),
            }
            for message in contact.messages.select_related("journey").order_by("created_at", "pk")
        ],
        "message_events": [
            {
                "message": event.message_id,
                "kind": event.kind,
                "source": event.source,
                "at": _json(event.created_at),
                "url": event.url,
                "is_machine": event.is_machine,
                "user_agent": event.user_agent,
                "description": event.description,
            }
            for event in contact.message_events.all()
        ],
        "ratings": [
            {
                "order": _name(response.order, "number"),
                "journey": _name(response.journey, "name"),
                "rating": response.rating,
                "comment": response.comment,
                "answered_at": _json(response.created_at),
                "changed_at": _json(response.updated_at),
            }
            for response in contact.survey_responses.select_related("order", "journey").order_by("pk")
        ],
        "conversions": [
            {
                "order": conversion.order.number,
                "revenue": _json(conversion.revenue),
                "currency": conversion.currency,
                "journey": _name(conversion.journey, "name"),
                "message": conversion.message_id,
                "attributed_to": conversion.attributed_to,
                "at": _json(conversion.created_at),
            }
            for conversion in contact.conversions.select_related("order", "journey").order_by("pk")
        ],
        "activities": [
            {
                "kind": activity.kind,
                "at": _json(activity.created_at),
                "email": activity.email,
                "order": _name(activity.order, "number"),
                "product": _name(activity.product, "title"),
                "order_status": activity.status,
                "language": activity.language,
                "consent_request": activity.consent_request,
            }
            for activity in contact.activities.select_related("order", "product").order_by("created_at", "pk")
        ],
        "personal_vouchers": [
            {
                "code": issued.voucher.code,
                "offer": issued.offer.name,
                "journey": issued.enrollment.journey.name,
                "issued_at": _json(issued.created_at),
                "expires_at": _json(issued.voucher.end_datetime),
            }
            for issued in PersonalVoucher.objects.filter(enrollment__contact=contact)
            .select_related("voucher", "offer", "enrollment__journey").order_by("pk")
        ],
    }


def erase_contact(contact: Contact, *, source: str, actor=None) -> dict[str, int]:
    """Erase ``contact``'s personal data in one transaction; return how many rows of each kind
    were changed or deleted.

    Kept for the shop's numbers: messages (status, journey, step, dates, counts), events (kind,
    time, machine flag), conversions, ratings (the number). Kept so the row is never mailed:
    the status (unsubscribed, or a stronger no it already had) and withdrawn consent, with a
    ConsentEvent from ``source`` (and ``actor``) that records the erasure. Gone: the address,
    names, birth date, language, address, declared attributes and user link, the activities, the subjects, the copies of the
    emails sent, links, browsers and comments, and the address wherever it was written into a
    reason or a source.
    """
    with transaction.atomic():
        contact.refresh_from_db(from_queryset=Contact.objects.select_for_update())
        address, placeholder = contact.email, erased_email(contact)
        # The address may come back (a new order, a sign-in): its no and the topics it declined
        # stay on the suppression list.
        suppress(address, max(contact.status, Contact.Status.UNSUBSCRIBED, key=STATUS_STRENGTH.index),
                 source="personal data erased", declined_topics=contact.declined_topics or [])
        done = {
            "enrollments_ended": _end_enrollments(contact, address, placeholder),
            "messages_anonymised": _anonymise_messages(contact, address, placeholder),
            "message_events_anonymised": _anonymise_message_events(contact),
            "ratings_anonymised": SurveyResponse.objects.filter(contact=contact).update(comment=""),
            "activities_deleted": _delete_activities(contact, address),
            "attribute_values_deleted": ContactAttributeValue.objects.filter(contact=contact).delete()[0],
            "consent_events_anonymised": _anonymise_consent_events(contact, address, placeholder),
            "log_entries_anonymised": log_registry.get_logs_for_instance(contact).update(label=placeholder),
        }
        _anonymise_contact(contact, placeholder, source=source, actor=actor)
    return done


def _without(address, placeholder, field):
    return Replace(field, Value(address), Value(placeholder))


def _end_enrollments(contact, address, placeholder):
    ended = Enrollment.objects.filter(contact=contact, state=Enrollment.State.ACTIVE).update(
        state=Enrollment.State.EXITED, reason=ERASED_REASON, ended_at=timezone.now(),
        next_step=None, next_run_at=None, claim_token=None, claimed_at=None,
    )
    Enrollment.objects.filter(contact=contact, reason__contains=address).update(
        reason=_without(address, placeholder, "reason"))
    return ended


def _anonymise_messages(contact, address, placeholder):
    return Message.objects.filter(contact=contact).update(
        to_email=placeholder, subject="", reason=_without(address, placeholder, "reason"), sent_copy=None)


def _anonymise_message_events(contact):
    """Blank links, browsers and ESP details. Events are once per message, kind, link and
    machine flag: without their links, clicks on two links of a message become one event
    (the message's click count still counts every click)."""
    events = MessageEvent.objects.filter(contact=contact)
    first_of = {}
    merged = []
    for pk, *key in events.order_by("created_at", "pk").values_list("pk", "message_id", "kind", "is_machine"):
        if tuple(key) in first_of:
            merged.append(pk)
        else:
            first_of[tuple(key)] = pk
    MessageEvent.objects.filter(pk__in=merged).delete()
    return events.update(url="", user_agent="", description="")


def _delete_activities(contact, address):
    """The contact's activities, and those the runner has not tied to it yet."""
    unresolved = Q(email__iexact=address)
    if contact.user_id is not None:
        unresolved |= Q(user_id=contact.user_id)
    deleted, _ = Activity.objects.filter(Q(contact=contact) | Q(unresolved, contact__isnull=True)).delete()
    return deleted


def _anonymise_consent_events(contact, address, placeholder):
    """Keep the history of consent (what, when, how), without the IP address, the browser, or
    the address an ESP's report wrote into the source."""
    return ConsentEvent.objects.filter(contact=contact).update(
        source=_without(address, placeholder, "source"), ip_address=None, user_agent="")


def _anonymise_contact(contact, placeholder, *, source, actor):
    contact.email = placeholder
    contact.first_name = contact.last_name = contact.locale = ""
    contact.country = contact.city = contact.postcode = contact.title = ""
    contact.birth_date = None
    contact.user = None
    contact.save(update_fields=["email", "first_name", "last_name", "locale", "country", "city", "postcode",
                                "title", "birth_date", "user"])
    says_stronger_no = STATUS_STRENGTH.index(contact.status) > STATUS_STRENGTH.index(Contact.Status.UNSUBSCRIBED)
    record_change(
        contact, source=source, actor=actor, consent=Contact.Consent.WITHDRAWN,
        status=None if says_stronger_no else Contact.Status.UNSUBSCRIBED,
    )


def forget_deleted_account(sender, instance, **kwargs):
    """An account deleted (Oscar's profile-delete page, the admin): its contact is erased, and
    its no kept on the suppression list (connected to the user model's pre_delete)."""
    contact = Contact.objects.filter(user=instance).first()
    if contact is not None:
        erase_contact(contact, source="account deleted")
        return
    # Deleted before the runner's next pass: what it would have made of the account (a contact,
    # a welcome) goes with it, and its address keeps the no like an erased contact's.
    pending = Q(user_id=instance.pk)
    if instance.email:
        pending |= Q(email__iexact=instance.email.strip())
    Activity.objects.filter(pending, processed_at__isnull=True).delete()
    if instance.email:
        suppress(instance.email, Contact.Status.UNSUBSCRIBED, source="account deleted")
