"""Rules on the contact's way through the shop's journeys: in one now, finished it, left it early,
or ever entered it (in any of its languages), so a newsletter can wait until the new-members
series is over."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .base import Rule, RuleError

IN_NOW, FINISHED, LEFT, EVER = "in_now", "finished", "left", "ever"
PLACES = [
    (IN_NOW, _("is in it now (waiting for an email or held for review)")),
    (FINISHED, _("went through it to the end")),
    (LEFT, _("left it before the end")),
    (EVER, _("entered it at some time")),
]


class InJourneyRule(Rule):
    name = "in_journey"
    label = _("Journey")
    group = _("Journeys")

    @classmethod
    def setting_blocks(cls):
        return [
            ("journey", SnippetChooserBlock("oscar_lifecycle.Journey", label=_("journey"))),
            ("place", blocks.ChoiceBlock(choices=PLACES, default=IN_NOW, label=_("the contact"))),
        ]

    def check(self):
        from ..models.journeys import Journey

        journey_id = self.settings.get("journey")
        if not journey_id or not Journey.objects.filter(pk=journey_id).exists():
            raise RuleError(_("Choose a journey that exists."))
        if self.settings.get("place", IN_NOW) not in dict(PLACES):
            raise RuleError(_("Choose where the contact stands in the journey."))

    def q(self, context):
        from ..models.enrollments import Enrollment
        from ..models.journeys import Journey

        states = {
            IN_NOW: [Enrollment.State.ACTIVE, Enrollment.State.HELD],
            FINISHED: [Enrollment.State.COMPLETED],
            LEFT: [Enrollment.State.EXITED],
        }.get(self.settings.get("place", IN_NOW))
        same_journey = Journey.objects.filter(pk=self.settings.get("journey")).values("translation_key")
        enrollments = Enrollment.objects.filter(
            contact=OuterRef("pk"), journey__translation_key=Subquery(same_journey[:1])
        )
        if states is not None:
            enrollments = enrollments.filter(state__in=states)
        return Q(Exists(enrollments))

    def describe(self):
        return f"{self.label} ({dict(PLACES).get(self.settings.get('place', IN_NOW), '')})"
