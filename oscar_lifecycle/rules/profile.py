"""Rules on what the shop knows of the person: where they live (from their default or latest
address, kept on the contact by ``contact_address.py``), their age, language, topics, consent,
where they came from and since when. Each is one condition on the contact's own row."""

import json
from datetime import date, timedelta
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail import blocks

from ..models.contacts import Contact
from ..models.journeys import topic_choices
from .base import Rule, RuleError

PROFILE = _("Profile")
WITHIN, BEFORE = "within", "before"
WHEN_CHOICES = [(WITHIN, _("in the last")), (BEFORE, _("more than"))]


class ChoiceRule(Rule):
    """Matches contacts whose ``field`` holds one of the values chosen in the setting ``setting``:
    picked from ``choices()`` (read when the editor shows them), or typed, separated by commas,
    when ``typed``."""

    group = PROFILE
    field = ""
    setting = "values"
    setting_label = _("values")
    typed = False

    @classmethod
    def choices(cls):
        return []

    @classmethod
    def setting_blocks(cls):
        # Not required: an empty choice is refused by check(), in a message naming the rule.
        if cls.typed:
            block = blocks.CharBlock(required=False, label=cls.setting_label, help_text=_("Separated by commas."))
        else:
            block = blocks.MultipleChoiceBlock(choices=cls.choices, required=False, label=cls.setting_label)
        return [(cls.setting, block)]

    def values(self):
        """The chosen values: a list, or the typed text split at its commas."""
        chosen = self.settings.get(self.setting) or []
        if isinstance(chosen, str):
            chosen = chosen.split(",")
        return [value.strip() for value in chosen if value and value.strip()]

    def check(self):
        if not self.values():
            raise RuleError(_("Choose at least one value."))

    def condition(self, values):
        """The ``Q`` of contacts matching any of ``values`` (never empty)."""
        return Q(**{f"{self.field}__in": values})

    def q(self, context):
        values = self.values()
        return self.condition(values) if values else Q(pk__in=[])


class SourceRule(ChoiceRule):
    name = "source"
    label = _("Came from")
    field = "source"
    setting, setting_label = "sources", _("sources")

    @classmethod
    def choices(cls):
        return Contact.Source.choices


class ConsentRule(ChoiceRule):
    name = "consent"
    label = _("Marketing consent")
    field = "consent"
    setting, setting_label = "consents", _("consent")

    @classmethod
    def choices(cls):
        return Contact.Consent.choices


class CountryRule(ChoiceRule):
    name = "country"
    label = _("Lives in the country")
    field = "country"
    setting, setting_label = "countries", _("countries")

    @classmethod
    def choices(cls):
        Country = get_model("address", "Country")
        return [(country.pk, country.printable_name or country.name) for country in Country.objects.order_by(
            "display_order", "printable_name")]


class CityRule(ChoiceRule):
    """Cities as typed, in any case ("lyon" is Lyon)."""

    name = "city"
    label = _("Lives in the city")
    field = "city"
    typed = True
    setting, setting_label = "cities", _("cities")

    def condition(self, values):
        return reduce(or_, (Q(city__iexact=value) for value in values))


class PostcodeRule(ChoiceRule):
    """Postcodes starting with one of the typed beginnings ("69" is every postcode of the Rhône)."""

    name = "postcode"
    label = _("Postcode starts with")
    field = "postcode"
    typed = True
    setting, setting_label = "postcodes", _("beginnings of postcodes")

    def values(self):
        return [value.upper() for value in super().values()]  # as Oscar stores postcodes

    def condition(self, values):
        return reduce(or_, (Q(postcode__startswith=value) for value in values))


class TitleRule(ChoiceRule):
    name = "title"
    label = _("Title")
    field = "title"
    setting, setting_label = "titles", _("titles")

    @classmethod
    def choices(cls):
        return list(get_model("address", "UserAddress")._meta.get_field("title").choices)


class LanguageRule(ChoiceRule):
    name = "language"
    label = _("Language")
    field = "locale"
    setting, setting_label = "languages", _("languages")

    @classmethod
    def choices(cls):
        return list(settings.LANGUAGES)


class TopicsRule(ChoiceRule):
    """Contacts who still want at least one of the chosen kinds of email (they did not untick
    them all on their preferences page)."""

    name = "topics"
    label = _("Wants to hear about")
    setting, setting_label = "topics", _("topics")

    @classmethod
    def choices(cls):
        return topic_choices()

    def condition(self, values):
        # declined_topics holds a JSON list of keys: searched as text, as every database can.
        return ~reduce(and_, (Q(declined_topics__icontains=json.dumps(topic)) for topic in values))


def _years_before(day, years):
    """``day`` ``years`` years earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class AgeRule(Rule):
    """Contacts whose age, on the day the rule is evaluated, is between two numbers (both included)."""

    name = "age"
    label = _("Age between")
    group = PROFILE

    @classmethod
    def setting_blocks(cls):
        return [("min_age", blocks.IntegerBlock(required=False, label=_("from (years)"))),
                ("max_age", blocks.IntegerBlock(required=False, label=_("to (years)")))]

    def check(self):
        low, high = self.settings.get("min_age"), self.settings.get("max_age")
        if low is None or high is None:
            raise RuleError(_("Give both ages."))
        if low < 0 or high < 0:
            raise RuleError(_("An age cannot be negative."))
        if low > high:
            raise RuleError(_("The first age is above the second."))

    def q(self, context):
        today = timezone.localdate(context.now)
        oldest_birth = _years_before(today, self.settings["max_age"] + 1)
        return Q(birth_date__lte=_years_before(today, self.settings["min_age"]), birth_date__gt=oldest_birth)


class BirthDateRule(Rule):
    name = "birth_date"
    label = _("Born between")
    group = PROFILE

    @classmethod
    def setting_blocks(cls):
        return [("born_from", blocks.DateBlock(required=False, label=_("from"))),
                ("born_to", blocks.DateBlock(required=False, label=_("to")))]

    def _dates(self):
        return [as_date(self.settings.get(name)) for name in ("born_from", "born_to")]

    def check(self):
        born_from, born_to = self._dates()
        if born_from is None or born_to is None:
            raise RuleError(_("Give both dates."))
        if born_from > born_to:
            raise RuleError(_("The first date is after the second."))

    def q(self, context):
        born_from, born_to = self._dates()
        return Q(birth_date__gte=born_from, birth_date__lte=born_to)


def as_date(value):
    """A date setting as stored (ISO text) or as a form gives it (a date); ``RuleError`` when it
    is no date."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(_("%(value)s is not a date.") % {"value": value}) from None


class DaysRule(Rule):
    """Something that happened "in the last N days" or "more than N days ago"; subclasses name the
    contact's ``field`` holding when."""

    group = PROFILE
    field = ""

    @classmethod
    def setting_blocks(cls):
        return [("when", blocks.ChoiceBlock(choices=WHEN_CHOICES, default=WITHIN, label=_("when"))),
                ("days", blocks.IntegerBlock(required=False, label=_("days")))]

    def check(self):
        days = self.settings.get("days")
        if days is None:
            raise RuleError(_("Give a number of days."))
        if days < 0:
            raise RuleError(_("The number of days cannot be negative."))
        if self.settings.get("when", WITHIN) not in (WITHIN, BEFORE):
            raise RuleError(_("Choose in the last or more than."))

    def q(self, context):
        since = context.now - timedelta(days=self.settings["days"])
        if self.settings.get("when", WITHIN) == BEFORE:
            return Q(**{f"{self.field}__lt": since})
        return Q(**{f"{self.field}__gte": since})


class BecameContactRule(DaysRule):
    name = "became_contact"
    label = _("Became a contact")
    field = "created_at"
