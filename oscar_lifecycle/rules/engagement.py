"""Rules on how contacts answer our emails: opens (a person's, never a machine's: mail privacy
proxies, link scanners) and clicks, for any email or the emails of one journey or campaign."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from ..models import Campaign, Journey, Message, MessageEvent
from .base import Rule, RuleError
from .bounds import check_days, days_block, since

GROUP = _("Engagement")
ENGAGEMENT = (MessageEvent.Kind.OPENED, MessageEvent.Kind.CLICKED)


def human_events(kinds):
    """The outer contact's events of ``kinds`` by a person."""
    return MessageEvent.objects.filter(contact=OuterRef("pk"), kind__in=kinds, is_machine=False)


class _EngagedRule(Rule):
    """Did ``kinds`` with an email (of ``journey`` or of ``campaign``, when set) in the last
    ``days``."""

    group = GROUP
    kinds = ()

    @classmethod
    def setting_blocks(cls):
        return [
            ("days", days_block()),
            ("journey", SnippetChooserBlock("oscar_lifecycle.Journey", label=_("journey (empty: any email)"),
                                            required=False)),
            ("campaign", SnippetChooserBlock("oscar_lifecycle.Campaign", label=_("campaign (empty: any email)"),
                                             required=False)),
        ]

    def check(self):
        check_days(self.settings)
        journey = self.settings.get("journey")
        if journey and not Journey.objects.filter(pk=journey).exists():
            raise RuleError(_("The journey no longer exists."))
        campaign = self.settings.get("campaign")
        if campaign and not Campaign.objects.filter(pk=campaign).exists():
            raise RuleError(_("The campaign no longer exists."))
        if journey and campaign:
            raise RuleError(_("Choose a journey or a campaign, not both."))

    def q(self, context):
        events = human_events(self.kinds).filter(created_at__gte=since(self.settings, context))
        if self.settings.get("journey"):
            events = events.filter(message__journey=self.settings["journey"])
        if self.settings.get("campaign"):
            # A campaign's emails are those of its own journey (campaigns/email.py).
            events = events.filter(message__journey__campaign=self.settings["campaign"])
        return Q(Exists(events))


class OpenedRule(_EngagedRule):
    name = "opened"
    label = _("Opened an email")
    kinds = (MessageEvent.Kind.OPENED,)


class ClickedRule(_EngagedRule):
    name = "clicked"
    label = _("Clicked in an email")
    kinds = (MessageEvent.Kind.CLICKED,)


class NeverEngagedRule(Rule):
    """No open nor click by a person, ever; optionally only among those who were sent at least
    ``received`` emails (sent to the ESP: we cannot know what reached the inbox)."""

    name = "never_engaged"
    label = _("Never opened nor clicked")
    group = GROUP

    @classmethod
    def setting_blocks(cls):
        return [("received", blocks.IntegerBlock(label=_("and received at least (emails)"), required=False))]

    def check(self):
        received = self.settings.get("received")
        if received is not None and received < 0:
            raise RuleError(_("The number of emails cannot be negative."))

    def q(self, context):
        condition = ~Q(Exists(human_events(ENGAGEMENT)))
        received = self.settings.get("received")
        if received:
            sent = Message.objects.filter(contact=OuterRef("pk"), sent_at__isnull=False).order_by().values("contact")
            condition &= Q(Exists(sent.annotate(sent=Count("pk")).filter(sent__gte=received)))
        return condition
