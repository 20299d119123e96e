"""How often the sign-up form may be used: per IP address, and per address signed up.

Attempts are counted in the database (``SignupAttempt``), not in Django's cache: a shop runs
several processes, and the default cache (local memory) is one per process, so a limit kept
there would be multiplied by their number and forgotten at each restart. A row costs an INSERT
per sign-up; the runner deletes, hourly, the rows older than the longest window.
"""

from django.utils import timezone

from .conf import lifecycle_setting
from .models import SignupAttempt
from .suppression import address_hash


def _count_since(since, **match):
    return SignupAttempt.objects.filter(created_at__gt=since, **match).count()


def ip_over_limit(ip_address, now=None):
    """``ip_address`` signed up SIGNUP_IP_LIMIT times within SIGNUP_IP_WINDOW before ``now``. A
    request without an address (None) is never limited by it."""
    if ip_address is None:
        return False
    now = now or timezone.now()
    since = now - lifecycle_setting("SIGNUP_IP_WINDOW")
    return _count_since(since, ip_address=ip_address) >= lifecycle_setting("SIGNUP_IP_LIMIT")


def address_over_limit(email, now=None):
    """``email`` (normalized) was signed up SIGNUP_ADDRESS_LIMIT times within SIGNUP_ADDRESS_WINDOW
    before ``now``."""
    now = now or timezone.now()
    since = now - lifecycle_setting("SIGNUP_ADDRESS_WINDOW")
    return _count_since(since, address_hash=address_hash(email)) >= lifecycle_setting("SIGNUP_ADDRESS_LIMIT")


def record_attempt(ip_address, email, now=None):
    """Count a sign-up of ``email`` from ``ip_address``."""
    SignupAttempt.objects.create(ip_address=ip_address, address_hash=address_hash(email),
                                 created_at=now or timezone.now())


def forget_old_attempts(now):
    """Delete the sign-up attempts no limit counts any more (older than the longest window at
    ``now``); return how many."""
    longest = max(lifecycle_setting("SIGNUP_IP_WINDOW"), lifecycle_setting("SIGNUP_ADDRESS_WINDOW"))
    return SignupAttempt.objects.filter(created_at__lt=now - longest).delete()[0]
