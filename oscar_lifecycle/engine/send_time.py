"""The time a pass of the runner dates the emails it sends."""

from datetime import datetime

from django.utils import timezone


def send_time(now: datetime) -> datetime:
    """When an email sent by the pass run as of ``now`` is dated: the current time, or ``now``
    when the pass stands for a later moment (``lifecycle_run --advance``, the sandbox's time
    travel), so that the pressure cap, the minimum gap and the contact's timeline follow the
    moments the passes stood for."""
    return max(timezone.now(), now)
