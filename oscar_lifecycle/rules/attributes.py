"""Rules on the attributes a shop declares about its contacts (models/attributes.py): a text or
choice equal to, containing, or set at all; a number between two; a date between two, or in the
last / more than N days ago. Each is one subquery on the attribute's values."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..models.attributes import ContactAttribute, ContactAttributeValue
from .base import Rule, RuleError
from .profile import BEFORE, WITHIN, as_date

EQUALS, CONTAINS, IS_SET = "equals", "contains", "is_set"
BETWEEN = "between"


class AttributeRule(Rule):
    """A rule on one declared attribute, chosen by its key among those of ``kinds``."""

    group = _("Declared attributes")
    kinds = ()

    @classmethod
    def attribute_choices(cls):
        return [(attribute.key, attribute.name) for attribute in ContactAttribute.objects.filter(kind__in=cls.kinds)]

    @classmethod
    def setting_blocks(cls):
        return [("attribute", blocks.ChoiceBlock(choices=cls.attribute_choices, label=_("attribute")))]

    def attribute(self):
        """The chosen attribute; ``RuleError`` when there is none of that key and kind."""
        key = self.settings.get("attribute")
        attribute = ContactAttribute.objects.filter(key=key, kind__in=self.kinds).first() if key else None
        if attribute is None:
            raise RuleError(_("No attribute has the key %(key)s.") % {"key": repr(key or "")})
        return attribute

    def check(self):
        self.attribute()
        self.check_value()

    def check_value(self):
        """Raise ``RuleError`` when the settings beside the attribute cannot work."""

    def q(self, context):
        values = ContactAttributeValue.objects.filter(self.value_condition(self.attribute(), context))
        return Q(pk__in=values.values("contact_id"))

    def value_condition(self, attribute, context):
        """A ``Q`` on ContactAttributeValue: the values of ``attribute`` this rule matches."""
        raise NotImplementedError


class AttributeTextRule(AttributeRule):
    name = "attribute_text"
    label = _("Attribute (text or choice)")
    kinds = (ContactAttribute.Kind.TEXT, ContactAttribute.Kind.CHOICE)

    @classmethod
    def setting_blocks(cls):
        return super().setting_blocks() + [
            ("operator", blocks.ChoiceBlock(
                choices=[(EQUALS, _("is")), (CONTAINS, _("contains")), (IS_SET, _("is set"))],
                default=EQUALS, label=_("how"))),
            ("value", blocks.CharBlock(required=False, label=_("value"))),
        ]

    def check_value(self):
        operator = self.settings.get("operator", EQUALS)
        if operator not in (EQUALS, CONTAINS, IS_SET):
            raise RuleError(_("Choose is, contains or is set."))
        if operator != IS_SET and not (self.settings.get("value") or "").strip():
            raise RuleError(_("Give the value to look for."))

    def value_condition(self, attribute, context):
        operator, value = self.settings.get("operator", EQUALS), (self.settings.get("value") or "").strip()
        condition = Q(attribute=attribute)
        if operator == IS_SET:
            return condition & ~Q(value_text="")
        if operator == CONTAINS:
            return condition & Q(value_text__icontains=value)
        return condition & Q(value_text__iexact=value)


class AttributeNumberRule(AttributeRule):
    name = "attribute_number"
    label = _("Attribute (number) between")
    kinds = (ContactAttribute.Kind.NUMBER,)

    @classmethod
    def setting_blocks(cls):
        return super().setting_blocks() + [
            ("minimum", blocks.DecimalBlock(required=False, label=_("from"))),
            ("maximum", blocks.DecimalBlock(required=False, label=_("to"))),
        ]

    def check_value(self):
        low, high = self.settings.get("minimum"), self.settings.get("maximum")
        if low is None or high is None:
            raise RuleError(_("Give both numbers."))
        if float(low) > float(high):
            raise RuleError(_("The first number is above the second."))

    def value_condition(self, attribute, context):
        return Q(attribute=attribute, value_number__gte=self.settings["minimum"],
                 value_number__lte=self.settings["maximum"])


class AttributeDateRule(AttributeRule):
    name = "attribute_date"
    label = _("Attribute (date)")
    kinds = (ContactAttribute.Kind.DATE,)

    @classmethod
    def setting_blocks(cls):
        return super().setting_blocks() + [
            ("when", blocks.ChoiceBlock(
                choices=[(BETWEEN, _("between two dates")), (WITHIN, _("in the last N days")),
                         (BEFORE, _("more than N days ago"))],
                default=BETWEEN, label=_("when"))),
            ("date_from", blocks.DateBlock(required=False, label=_("from"))),
            ("date_to", blocks.DateBlock(required=False, label=_("to"))),
            ("days", blocks.IntegerBlock(required=False, label=_("days"))),
        ]

    def check_value(self):
        when = self.settings.get("when", BETWEEN)
        if when == BETWEEN:
            date_from, date_to = as_date(self.settings.get("date_from")), as_date(self.settings.get("date_to"))
            if date_from is None or date_to is None:
                raise RuleError(_("Give both dates."))
            if date_from > date_to:
                raise RuleError(_("The first date is after the second."))
        elif when in (WITHIN, BEFORE):
            days = self.settings.get("days")
            if days is None:
                raise RuleError(_("Give a number of days."))
            if days < 0:
                raise RuleError(_("The number of days cannot be negative."))
        else:
            raise RuleError(_("Choose between two dates, in the last or more than N days."))

    def value_condition(self, attribute, context):
        when = self.settings.get("when", BETWEEN)
        if when == BETWEEN:
            return Q(attribute=attribute, value_date__gte=as_date(self.settings["date_from"]),
                     value_date__lte=as_date(self.settings["date_to"]))
        since = timezone.localdate(context.now) - timedelta(days=self.settings["days"])
        if when == BEFORE:
            return Q(attribute=attribute, value_date__lt=since)
        return Q(attribute=attribute, value_date__gte=since, value_date__lte=timezone.localdate(context.now))
