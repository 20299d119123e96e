"""A rule only the tests register (tests/settings.py): its settings can be wrong, as a shop's own
rules' can, so the admin's handling of a rule's error is tested whatever rules the app ships."""

from datetime import timedelta

from django.db.models import Q
from wagtail import blocks

from oscar_lifecycle.rules import Rule, RuleError


class JoinedWithinRule(Rule):
    name = "test_joined_within"
    label = "Joined in the last days"
    group = "Tests"

    @classmethod
    def setting_blocks(cls):
        return [("days", blocks.IntegerBlock(label="days"))]

    def check(self):
        if self.settings.get("days", 0) < 0:
            raise RuleError("The number of days cannot be negative.")

    def q(self, context):
        return Q(created_at__gte=context.now - timedelta(days=self.settings["days"]))


class InSegmentRule(Rule):
    """Stores its segment as ``{"segment": pk}``, as the app's "in segment" rule does."""

    name = "test_in_segment"
    label = "In the segment"
    group = "Tests"

    @classmethod
    def setting_blocks(cls):
        return [("segment", blocks.IntegerBlock(label="segment"))]

    def q(self, context):
        from oscar_lifecycle.models import Segment

        segment = Segment.objects.filter(pk=self.settings["segment"]).first()
        if segment is None:
            raise RuleError(f"No segment has the id {self.settings['segment']}.")
        return Q(pk__in=segment.contacts(context).values("pk"))
