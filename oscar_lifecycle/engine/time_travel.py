"""Time travel for the sandbox: run, now, the passes the runner would run between now and a later
moment, each as of its own moment, so that what would have happened by then happens at once.

Nothing fakes the clock: each pass is ``run_lifecycle(moment)``, at each moment a journey step or
a notice falls due, and every SCAN_STEP of simulated time from the first pass, when the scans
(abandoned baskets, browse abandonment, birthdays, win-back) and the sunset run again. That
costs a week some 170 passes, not the 2,000 of the basket scan's five minutes, and as the steps
start now, a basket or a product view of the last minutes is found within minutes of when it
became due (one older than the step, such as a birthday at 9:00, within the hour).

The emails go out now, dated as of the moment their pass stood for (``send_time``), so the
pressure cap, the minimum gap and the contacts' timelines see them where they belong. What the
passes leave ahead of the real clock stays there: steps due later, sends dated ahead, and the
scans' stamps, which a pass on the real clock takes for a clock set back: it scans as a first
scan would, and the enrollments made meanwhile keep their entries out.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Min
from django.utils import timezone

from ..models import Enrollment, Message
from .runner import RunReport, run_lifecycle

SCAN_STEP = timedelta(hours=1)


def next_due_moment(after: datetime, until: datetime, scans_from: datetime) -> datetime:
    """The first moment after ``after``, and at the latest ``until``, at which a pass has
    something to do: a journey step or a notice falls due, or the scans run again (every
    SCAN_STEP from ``scans_from``)."""
    step_due = Enrollment.objects.filter(state=Enrollment.State.ACTIVE, next_run_at__gt=after).aggregate(
        first=Min("next_run_at"))["first"]
    notice_due = Message.objects.exclude(kind=Message.Kind.STEP).filter(
        status=Message.Status.QUEUED, next_attempt_at__gt=after).aggregate(first=Min("next_attempt_at"))["first"]
    scans_due = scans_from + ((after - scans_from) // SCAN_STEP + 1) * SCAN_STEP
    return min(moment for moment in (until, step_due, notice_due, scans_due) if moment is not None)


def advance(by: timedelta, now: datetime | None = None) -> Iterator[tuple[datetime, RunReport]]:
    """Run the lifecycle's passes from ``now`` to ``now + by``, one at each moment something
    falls due, each as of its moment; yield (moment, its report) as each pass ends."""
    start = moment = now or timezone.now()
    until = start + by
    while True:
        yield moment, run_lifecycle(moment)
        if moment >= until:
            return
        moment = next_due_moment(moment, until, scans_from=start)
