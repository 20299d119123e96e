"""One pass of the lifecycle runner: what Celery beat, `lifecycle_run` and tests call."""

from dataclasses import dataclass

from django.utils import timezone

from .activities import process_activities
from .dispatch import DispatchReport, dispatch_due
from .notices import send_due_notices
from .scan import run_due_scans, run_sunset_if_due


@dataclass
class RunReport:
    activities: dict
    scanned: dict
    sunset: dict
    dispatched: DispatchReport
    notices: dict

    def __str__(self):
        parts = [f"{count} {outcome}" for outcome, count in sorted(self.activities.items())]
        parts += [f"{count} entered by {name}" for name, count in sorted(self.scanned.items()) if count]
        parts += [f"{count} sunset ({why})" for why, count in sorted(self.sunset.items()) if count]
        parts += [f"{count} notices {outcome}" for outcome, count in sorted(self.notices.items())]
        return "; ".join(filter(None, [", ".join(parts), str(self.dispatched)]))

    @property
    def outcomes(self):
        """What the dispatcher did with due steps, by outcome."""
        return self.dispatched.outcomes

    @property
    def sent(self):
        return self.dispatched.sent

    @property
    def did_something(self):
        return bool(self.activities or any(self.scanned.values()) or any(self.sunset.values())
                    or self.dispatched.outcomes or self.notices)


def run_lifecycle(now=None):
    """Process what shoppers did, run the due scans and the sunset, then send every due step
    and notice."""
    now = now or timezone.now()
    return RunReport(
        activities=process_activities(now),
        scanned=run_due_scans(now),
        sunset=run_sunset_if_due(now),
        dispatched=dispatch_due(now),
        notices=send_due_notices(now),
    )
