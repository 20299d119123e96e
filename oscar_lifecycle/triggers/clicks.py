"""Click A, send B: a person's click on a link of a given journey step or campaign."""

from datetime import timedelta

from django.utils.translation import gettext, gettext_lazy as _

from ..engine.gates import reachable
from ..models import Contact, Journey, Message, MessageEvent
from ..models.campaigns import CAMPAIGN_TRIGGER
from .base import Entry, ScanTrigger, TriggerSetting


def emails_of():
    """Every journey and campaign, as choices: the emails whose clicks count."""
    choices = []
    for pk, name, trigger in Journey.objects.order_by("name", "pk").values_list("pk", "name", "trigger"):
        what = gettext("Campaign") if trigger == CAMPAIGN_TRIGGER else gettext("Journey")
        choices.append((str(pk), f"{what}: {name}"))
    return choices


class ClickedTrigger(ScanTrigger):
    """A person's click (never a link scanner's) on a link of the emails of the chosen journeys or
    campaigns, of one step when set, on one link when set (as the click recorded it), since the
    journey's previous scan; a journey's first scan looks back one interval.

    A scan, not an event: the click redirect stays as it is (one event row, the person sent on at
    once), and a scan every five minutes over the people's recent clicks (the kind-and-time index)
    is one query whatever the volume. The enrollment's context holds the clicked message, step and
    link (``clicked_message``, ``clicked_step``, ``clicked_url``)."""

    name = "clicked"
    label = _("Contact clicks a link in an email (click A, send B)")
    interval = timedelta(minutes=5)
    settings = (
        TriggerSetting(
            "emails_of", _("Emails of"), list, choices=emails_of, long_choices=True,
            help_text=_("Clicked: a click in an email of one of these journeys or campaigns. "
                        "None ticked: any email but this journey's own."),
        ),
        TriggerSetting(
            "step", _("Step number"), 0, min_value=0, max_value=100,
            help_text=_("Clicked: a click in this step's email (1 for the first). 0 or empty: any step."),
        ),
        TriggerSetting(
            "link", _("Link"), "", max_length=2000,
            help_text=_("Clicked: a click on this link, as the email's link reads (e.g. "
                        "https://shop.example/catalogue/spring/). Empty: any link."),
        ),
    )

    def due_entries(self, journey, settings, now, since=None):
        since = since if since is not None else now - self.interval
        clicks = MessageEvent.objects.filter(
            reachable(journey, now, prefix="contact__"),
            kind=MessageEvent.Kind.CLICKED, is_machine=False, created_at__gt=since, created_at__lte=now,
            message__kind=Message.Kind.STEP,  # journeys' and campaigns' emails, not notices
        )
        # As stored, not as cleaned: a chosen journey deleted since matches nothing, where the
        # cleaned settings would fall back to "any email".
        chosen = (journey.trigger_settings or {}).get("emails_of") or []
        if chosen:
            clicks = clicks.filter(message__journey_id__in=[int(pk) for pk in chosen])
        else:
            clicks = clicks.exclude(message__journey=journey)
        if settings["step"]:
            clicks = clicks.filter(message__step__sort_order=settings["step"] - 1)
        if settings["link"]:
            clicks = clicks.filter(url=settings["link"])
        latest = {}
        for contact_id, message_id, step_id, url in clicks.order_by("created_at", "pk").values_list(
                "contact_id", "message_id", "message__step_id", "url"):
            latest[contact_id] = {"clicked_message": message_id, "clicked_step": step_id, "clicked_url": url}
        contacts = Contact.objects.in_bulk(list(latest))
        return [Entry(contacts[contact_id], context=context) for contact_id, context in latest.items()]
