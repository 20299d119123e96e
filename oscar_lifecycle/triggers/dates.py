"""Dates that come back every year: birthdays, and the anniversary of a customer's first order."""

import calendar
from datetime import datetime, time, timedelta

from django.db.models import Exists, Min, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from ..engine.gates import reachable
from ..models import Contact, Enrollment
from .base import Entry, ScanTrigger, TriggerSetting

LOCAL_HOUR = TriggerSetting(
    "local_hour", _("Hour of the day (shop time)"), 9, min_value=0, max_value=23,
    help_text=_("Birthdays and anniversaries: the email may go from this hour of the day, shop time."),
)
# Enrolled on this date last year or later would be "twice a year": a year minus a margin.
ONCE_A_YEAR = timedelta(days=360)


def days_matching(today):
    """(month, day) pairs celebrated ``today``: 29 February is celebrated on 28 February in
    years that have no 29th."""
    days = [(today.month, today.day)]
    if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year):
        days.append((2, 29))
    return days


class YearlyTrigger(ScanTrigger):
    interval = timedelta(minutes=15)
    settings = (LOCAL_HOUR,)

    def today_if_due(self, settings, now):
        """The shop's local date, once its ``local_hour`` has come; else None."""
        local_now = timezone.localtime(now)
        starts_at = timezone.make_aware(datetime.combine(local_now.date(), time(settings["local_hour"])))
        return local_now.date() if now >= starts_at else None

    def not_this_year(self, contacts, journey, now):
        return contacts.filter(reachable(journey, now)).exclude(Exists(Enrollment.objects.filter(
            journey=journey, contact=OuterRef("pk"), created_at__gt=now - ONCE_A_YEAR
        )))


class BirthdayTrigger(YearlyTrigger):
    """The contact's birthday (Contact.birth_date, given in the shop account or imported)."""

    name = "birthday"
    label = _("Birthday")

    def due_entries(self, journey, settings, now, since=None):
        today = self.today_if_due(settings, now)
        if today is None:
            return []
        on_the_day = Q()
        for month, day in days_matching(today):
            on_the_day |= Q(birth_date__month=month, birth_date__day=day)
        contacts = self.not_this_year(Contact.objects.filter(on_the_day), journey, now)
        return [Entry(contact) for contact in contacts]


class OrderAnniversaryTrigger(YearlyTrigger):
    """A year (or two, three...) since the contact's first order, to the day."""

    name = "order_anniversary"
    label = _("Anniversary of the first order")

    def due_entries(self, journey, settings, now, since=None):
        today = self.today_if_due(settings, now)
        if today is None:
            return []
        a_year_ago = timezone.make_aware(datetime.combine(today - timedelta(days=364), time()))
        on_the_day = Q()
        for month, day in days_matching(today):
            on_the_day |= Q(first_order_at__month=month, first_order_at__day=day)
        # First orders grouped once over the orders table (members by account, guests by
        # address): no per-contact subquery, so the scan stays one query at any volume.
        Order = get_model("order", "Order")
        members = (
            Order.objects.filter(user__isnull=False).values("user_id")
            .annotate(first_order_at=Min("date_placed")).filter(on_the_day, first_order_at__lt=a_year_ago)
        )
        guests = (
            Order.objects.filter(user__isnull=True).annotate(address=Lower("guest_email")).values("address")
            .annotate(first_order_at=Min("date_placed")).filter(on_the_day, first_order_at__lt=a_year_ago)
        )
        customers = Contact.objects.filter(
            Q(user_id__in=members.values("user_id")) | Q(user__isnull=True, email__in=guests.values("address"))
        )
        return [Entry(contact) for contact in self.not_this_year(customers, journey, now)]
