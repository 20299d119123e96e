"""Contacts' values of the attributes a shop declares (models/attributes.py): read from text (a
CSV cell), written in the column of the attribute's kind, and read back for one contact."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import ContactAttribute, ContactAttributeValue


def parse_value(attribute, text):
    """The value ``text`` gives ``attribute`` (stripped; "" for none); ``ValueError`` saying why
    when it cannot be one."""
    text = (text or "").strip()
    if not text:
        return "" if attribute.value_column == "value_text" else None
    if attribute.kind == ContactAttribute.Kind.NUMBER:
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("%(value)r is not a number") % {"value": text}) from None
        if not number.is_finite():
            raise ValueError(_("%(value)r is not a number") % {"value": text})
        return number
    if attribute.kind == ContactAttribute.Kind.DATE:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("%(value)r is not a date (YYYY-MM-DD)") % {"value": text}) from None
    if attribute.kind == ContactAttribute.Kind.CHOICE and text not in attribute.choice_list():
        raise ValueError(_("%(value)r is not one of the choices of %(attribute)s")
                         % {"value": text, "attribute": attribute.key})
    if len(text) > ContactAttributeValue._meta.get_field("value_text").max_length:
        raise ValueError(_("%(value)r is too long") % {"value": text[:40]})
    return text


def set_values(values):
    """Store ``values``: [(contact id, attribute, value)], a value of None or "" deleting the
    contact's value; two statements per attribute, whatever the number of contacts."""
    by_attribute = {}
    for contact_id, attribute, value in values:
        by_attribute.setdefault(attribute, []).append((contact_id, value))
    for attribute, pairs in by_attribute.items():
        column = attribute.value_column
        emptied = [contact_id for contact_id, value in pairs if value in (None, "")]
        ContactAttributeValue.objects.filter(attribute=attribute, contact_id__in=emptied).delete()
        ContactAttributeValue.objects.bulk_create(
            [ContactAttributeValue(contact_id=contact_id, attribute=attribute, **{column: value})
             for contact_id, value in pairs if value not in (None, "")],
            update_conflicts=True, unique_fields=["contact", "attribute"], update_fields=[column],
        )


def values_of(contact, attributes=None):
    """{attribute: value} of ``contact``'s values (of ``attributes`` when given), in one query."""
    stored = ContactAttributeValue.objects.filter(contact=contact).select_related("attribute")
    if attributes is not None:
        stored = stored.filter(attribute__in=attributes)
    return {value.attribute: value.value for value in stored}
