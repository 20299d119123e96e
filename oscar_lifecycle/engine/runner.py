"""One pass of the lifecycle runner: what Celery beat, `lifecycle_run` and tests call."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from ..campaigns.sending import finish_sent, start_due_sends
from ..signup_limits import forget_old_attempts
from .activities import process_activities
from .dispatch import DispatchReport, dispatch_due
from .notices import send_due_notices
from .scan import claim_scan, run_due_scans, run_sunset_if_due
from .sent_copies import remove_old_copies

SENT_COPIES_INTERVAL = timedelta(hours=1)


@dataclass
class RunReport:
    activities: dict
    scanned: dict
    sunset: dict
    dispatched: DispatchReport
    notices: dict
    copies_removed: int = 0
    campaigns_started: int = 0
    campaigns_finished: int = 0

    def __str__(self):
        parts = [f"{count} {outcome}" for outcome, count in sorted(self.activities.items())]
        parts += [f"{count} entered by {name}" for name, count in sorted(self.scanned.items()) if count]
        parts += [f"{count} sunset ({why})" for why, count in sorted(self.sunset.items()) if count]
        parts += [f"{count} notices {outcome}" for outcome, count in sorted(self.notices.items())]
        if self.campaigns_started:
            parts.append(f"{self.campaigns_started} campaign sends started")
        if self.campaigns_finished:
            parts.append(f"{self.campaigns_finished} campaign sends finished")
        if self.copies_removed:
            parts.append(f"{self.copies_removed} copies of sent emails removed")
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
                    or self.dispatched.outcomes or self.notices or self.copies_removed
                    or self.campaigns_started or self.campaigns_finished)


def remove_old_copies_if_due(now):
    """Remove the sent emails' copies older than SENT_COPY_DAYS, and the sign-up attempts no rate
    limit counts any more, at most hourly; return how many copies."""
    if not claim_scan("sent_copies", SENT_COPIES_INTERVAL, now):
        return 0
    forget_old_attempts(now)
    return remove_old_copies(now)


def run_lifecycle(now=None):
    """Process what shoppers did, run the due scans and the sunset, start the due campaign
    sends, then send every due step and notice, see which campaign sends are over, and remove
    the sent emails' copies (and sign-up attempts) kept long enough."""
    now = now or timezone.now()
    activities = process_activities(now)
    scanned = run_due_scans(now)
    sunset = run_sunset_if_due(now)
    campaigns_started = start_due_sends(now)
    return RunReport(
        activities=activities,
        scanned=scanned,
        sunset=sunset,
        campaigns_started=campaigns_started,
        dispatched=dispatch_due(now),
        notices=send_due_notices(now),
        campaigns_finished=finish_sent(now),
        copies_removed=remove_old_copies_if_due(now),
    )
