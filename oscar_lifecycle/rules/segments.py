"""The rule "is in another segment": that segment's own condition (its published rules), so it
adds no query per contact. A segment may not include itself, directly or through others."""

from contextvars import ContextVar

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.blocks import SnippetChooserBlock

from .base import Rule, RuleError

# The segments whose condition is being built, innermost last: a cycle saved before this rule
# refused them (or made by editing several segments at once) fails with a message, not a
# RecursionError.
_building = ContextVar("lifecycle_segments_building", default=())


def _segment(pk):
    from ..models import Segment

    return Segment.objects.filter(pk=pk).first()


def included_segments(segment):
    """{pk: name} of the segments ``segment``'s rules include, directly or through others; one
    query per segment included."""
    from .groups import rule_items

    found, to_read = {}, [segment]
    while to_read:
        for item in rule_items(to_read.pop().rule_items()):
            if item["type"] != InSegmentRule.name:
                continue
            included = _segment(item["value"].get("segment"))
            if included is not None and included.pk not in found:
                found[included.pk] = included.name
                to_read.append(included)
    return found


class InSegmentRule(Rule):
    name = "in_segment"
    label = _("In another segment")
    group = _("Segments")

    @classmethod
    def setting_blocks(cls):
        return [("segment", SnippetChooserBlock("oscar_lifecycle.Segment", label=_("segment"), required=False))]

    def _live_segment(self):
        pk = self.settings.get("segment")
        if not pk:
            raise RuleError(_("Choose a segment."))
        segment = _segment(pk)
        if segment is None:
            raise RuleError(_("The segment no longer exists."))
        if not segment.live:
            raise RuleError(_("The segment “%(name)s” is not published.") % {"name": segment.name})
        return segment

    def check(self):
        self._live_segment()

    def check_in(self, segment):
        included = self._live_segment()
        if segment is None or segment.pk is None:
            return
        if included.pk == segment.pk or segment.pk in included_segments(included):
            raise RuleError(_("The segment “%(name)s” includes this segment: a segment cannot include itself.")
                            % {"name": included.name})

    def q(self, context):
        """The included segment's condition, built from its stored (published) rules; one query."""
        segment = self._live_segment()
        building = _building.get()
        if segment.pk in building:
            raise RuleError(_("The segment “%(name)s” includes itself.") % {"name": segment.name})
        token = _building.set((*building, segment.pk))
        try:
            return segment.q(context)
        finally:
            _building.reset(token)
