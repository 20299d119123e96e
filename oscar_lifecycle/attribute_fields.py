"""Declared attributes as form fields, each with the input of its kind (a number, a date, a list
of choices), for the contact's preferences page and the contact's page in the admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .attribute_values import set_values, values_of
from .models import ContactAttribute

FIELD_PREFIX = "attribute_"


def attribute_field(attribute, *, disabled=False):
    """An optional form field for ``attribute``'s value; ``disabled`` shows it unchangeable."""
    options = {"label": attribute.name, "required": False, "disabled": disabled}
    if attribute.kind == ContactAttribute.Kind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=4, **options)
    if attribute.kind == ContactAttribute.Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **options)
    if attribute.kind == ContactAttribute.Kind.CHOICE:
        choices = [("", _("Not given"))] + [(choice, choice) for choice in attribute.choice_list()]
        return forms.ChoiceField(choices=choices, **options)
    return forms.CharField(max_length=255, **options)


class AttributeFields:
    """The fields of ``attributes`` added to ``form``, filled with ``contact``'s values; those not
    in ``editable`` are shown, never changed."""

    def __init__(self, form, contact, attributes, editable):
        self.form, self.contact = form, contact
        self.attributes, self.editable = list(attributes), set(editable)
        current = values_of(contact, self.attributes)
        for attribute in self.attributes:
            name = FIELD_PREFIX + attribute.key
            form.fields[name] = attribute_field(attribute, disabled=attribute not in self.editable)
            form.initial.setdefault(name, current.get(attribute))
        self.current = current

    def save(self):
        """Store the values the form changed (the form is valid)."""
        changed = []
        for attribute in self.attributes:
            if attribute not in self.editable:
                continue
            value = self.form.cleaned_data.get(FIELD_PREFIX + attribute.key)
            value = "" if value is None and attribute.value_column == "value_text" else value
            if value != self.current.get(attribute, "" if attribute.value_column == "value_text" else None):
                changed.append((self.contact.pk, attribute, value))
        set_values(changed)
