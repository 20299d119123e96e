"""Quiet hours: a daily span of shop time in which no marketing email goes out."""

from datetime import datetime, timedelta

from django.utils import timezone


def quiet_hours_end(now, start, end):
    """Return when the quiet hours around ``now`` end, or None when ``now`` is not in them.

    ``start``/``end`` are times of day in the shop's time zone; a span may cross midnight
    (22:00 to 08:00). Either of them None means no quiet hours.
    """
    if start is None or end is None or start == end:
        return None
    local_now = timezone.localtime(now)
    time_of_day = local_now.time()
    if start < end:
        in_quiet_hours = start <= time_of_day < end
    else:
        in_quiet_hours = time_of_day >= start or time_of_day < end
    if not in_quiet_hours:
        return None
    end_day = local_now.date()
    if time_of_day >= end:
        end_day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(end_day, end), local_now.tzinfo)
