"""A date the shop declared about its contacts ("contract renewal", "child's birth date"): some days
before, on or after it, at a set hour of shop time, every year (like a birthday) or once."""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..engine.gates import reachable
from ..models import Contact, ContactAttribute, ContactAttributeValue, Enrollment
from .base import Entry, TriggerSetting
from .dates import LOCAL_HOUR, YearlyTrigger, days_matching

YEARLY = "yearly"
ONCE = "once"


def _date_attribute_choices():
    return list(ContactAttribute.objects.filter(kind=ContactAttribute.Kind.DATE).values_list("key", "name"))


def _recurrence_choices():
    return [(YEARLY, _("Every year, like a birthday")), (ONCE, _("Once, for a one-off date like a renewal"))]


ATTRIBUTES = TriggerSetting(
    "attributes", _("Date attributes"), list, choices=_date_attribute_choices,
    help_text=_("Date attribute: the contact's dates (Contact attributes of kind date) that start the journey."),
)
DAYS_FROM_DATE = TriggerSetting(
    "days_from_date", _("Days from the date (negative: before it)"), 0, min_value=-365, max_value=365,
    help_text=_("Date attribute: -7 for a week before the date, 0 on the day, 30 for a month after."),
)
RECURRENCE = TriggerSetting(
    "recurrence", _("How often"), [YEARLY], choices=_recurrence_choices,
    help_text=_("Date attribute: every year on the date, or once on the date itself."),
)


class DateAttributeTrigger(YearlyTrigger):
    """Days before, on or after a contact's value of a date attribute (ContactAttributeValue.value_date)."""

    name = "date_attribute"
    label = _("A date attribute of the contact (before, on or after it)")
    settings = (ATTRIBUTES, DAYS_FROM_DATE, LOCAL_HOUR, RECURRENCE)

    def clean_settings(self, values):
        cleaned = super().clean_settings(values)
        if not cleaned["attributes"]:
            raise ValidationError({"attributes": ValidationError(
                _("%(setting)s: choose at least one."), params={"setting": ATTRIBUTES.label}, code="required",
            )})
        if len(cleaned["recurrence"]) != 1:
            raise ValidationError({"recurrence": ValidationError(
                _("%(setting)s: choose one."), params={"setting": RECURRENCE.label}, code="required",
            )})
        return cleaned

    def due_entries(self, journey, settings, now, since=None):
        today = self.today_if_due(settings, now)
        if today is None or not settings["attributes"]:
            return []
        date_wanted = today - timedelta(days=settings["days_from_date"])
        values = ContactAttributeValue.objects.filter(
            contact=OuterRef("pk"), attribute__key__in=settings["attributes"],
            attribute__kind=ContactAttribute.Kind.DATE,
        )
        if YEARLY in settings["recurrence"]:
            on_the_day = Q()
            for month, day in days_matching(date_wanted):
                on_the_day |= Q(value_date__month=month, value_date__day=day)
            contacts = self.not_this_year(Contact.objects.filter(Exists(values.filter(on_the_day))), journey, now)
        else:
            # The wanted date matches on one day only: not enrolled since that day began is once.
            day_began = timezone.make_aware(datetime.combine(today, time()))
            contacts = Contact.objects.filter(Exists(values.filter(value_date=date_wanted))).filter(
                reachable(journey, now)
            ).exclude(
                Exists(Enrollment.objects.filter(journey=journey, contact=OuterRef("pk"), created_at__gte=day_began))
            )
        return [Entry(contact) for contact in contacts]
