"""When the next issue of a repeating campaign goes: "every week on <day> at HH:MM" or "on day N
of each month at HH:MM", in the shop's time zone (TIME_ZONE)."""

from datetime import datetime, timedelta

from django.utils import timezone

from ..models import Campaign


def _at(day, campaign, zone):
    return timezone.make_aware(datetime.combine(day, campaign.time_of_day), zone)


def next_issue_at(campaign, after):
    """The first moment strictly after ``after`` when ``campaign`` goes; None for a one-off."""
    if campaign.repeat == Campaign.Repeat.ONCE:
        return None
    zone = timezone.get_current_timezone()
    today = timezone.localtime(after, zone).date()
    if campaign.repeat == Campaign.Repeat.WEEKLY:
        day = today + timedelta(days=(campaign.weekday - today.weekday()) % 7)
        moment = _at(day, campaign, zone)
        return moment if moment > after else _at(day + timedelta(days=7), campaign, zone)
    day = today.replace(day=campaign.day_of_month)
    moment = _at(day, campaign, zone)
    if moment > after:
        return moment
    following = (today.replace(day=1) + timedelta(days=32)).replace(day=campaign.day_of_month)
    return _at(following, campaign, zone)
