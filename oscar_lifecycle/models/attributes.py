"""Attributes a shop declares about its contacts ("profession", "child's birth date"), and each
contact's value of them, in a column of its type so that segment rules compare them in SQL."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .contacts import Contact


class ContactAttribute(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice")

    name = models.CharField(_("name"), max_length=100)
    key = models.SlugField(_("key"), max_length=50, unique=True,
                           help_text=_("The column of this attribute in an imported CSV file, and how segments name "
                                       "it: changing it leaves their rules without it."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("choices"), blank=True,
                               help_text=_("For a choice: the possible values, one a line."))
    on_preferences_page = models.BooleanField(
        _("shown on the preferences page"), default=False,
        help_text=_("The contact sees this attribute on the page reached from every marketing email."))
    editable_by_contact = models.BooleanField(
        _("the contact may change it"), default=False,
        help_text=_("On the preferences page, the contact may change their value."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact attribute")
        verbose_name_plural = _("contact attributes")

    def __str__(self):
        return self.name

    def choice_list(self):
        """The values a choice attribute may take, in their order."""
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        if self.kind == self.Kind.CHOICE and not self.choice_list():
            raise ValidationError({"choices": _("A choice attribute needs at least one choice.")})
        if self.editable_by_contact and not self.on_preferences_page:
            raise ValidationError({"editable_by_contact": _(
                "Only an attribute shown on the preferences page can be changed there.")})

    @property
    def value_column(self):
        """The column of ContactAttributeValue holding values of this kind."""
        return {self.Kind.NUMBER: "value_number", self.Kind.DATE: "value_date"}.get(self.kind, "value_text")


class ContactAttributeValue(models.Model):
    """A contact's value of one attribute: only the column of the attribute's kind is set (text and
    choice in ``value_text``)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attribute_values",
                                verbose_name=_("contact"))
    attribute = models.ForeignKey(ContactAttribute, on_delete=models.CASCADE, related_name="values",
                                  verbose_name=_("attribute"))
    value_text = models.CharField(_("text"), max_length=255, blank=True)
    value_number = models.DecimalField(_("number"), max_digits=14, decimal_places=4, null=True, blank=True)
    value_date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact attribute value")
        verbose_name_plural = _("contact attribute values")
        constraints = [
            models.UniqueConstraint(fields=["contact", "attribute"], name="lifecycle_one_value_per_attribute"),
        ]
        # The rules (rules/attributes.py) look for an attribute's values, then their contacts.
        indexes = [
            models.Index(fields=["attribute", "value_text"], name="lifecycle_attribute_text"),
            models.Index(fields=["attribute", "value_number"], name="lifecycle_attribute_number"),
            models.Index(fields=["attribute", "value_date"], name="lifecycle_attribute_date"),
        ]

    def __str__(self):
        return f"{self.contact}: {self.attribute} = {self.value}"

    @property
    def value(self):
        return getattr(self, self.attribute.value_column)
