"""A contact's choice of how often to get marketing email, as the win-back series asks it."""

from datetime import timedelta

from django.utils import timezone

from .models import Contact

PAUSE = timedelta(days=91)


def choose_frequency(contact, frequency, *, now=None):
    """Set ``contact``'s frequency (a Contact.Frequency); a pause lasts three months from now.

    Choosing also counts as engagement: the contact answered. Choosing what is already set
    changes nothing (a pause is not extended by a second click)."""
    now = now or timezone.now()
    update_fields = ["last_engagement_at"]
    contact.last_engagement_at = now
    if frequency != contact.frequency:
        contact.frequency = frequency
        contact.paused_until = now + PAUSE if frequency == Contact.Frequency.PAUSED else None
        update_fields += ["frequency", "paused_until"]
    contact.save(update_fields=update_fields)
