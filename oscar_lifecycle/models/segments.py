import json

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin

from ..query_plans import jit_off
from ..rules import RuleContext, RuleError, groups
from ..rules.blocks import MATCH_CHOICES, RuleStreamBlock
from .contacts import Contact


class RulesField(StreamField):
    """A StreamField whose blocks come from the RULES setting: left out of migrations, so a shop
    that adds its own rules has no migration to make in this app."""

    def __init__(self, *args, **kwargs):
        kwargs.pop("block_lookup", None)
        super().__init__(RuleStreamBlock(with_groups=True), **kwargs)

    def deconstruct(self):
        name, path, _args, kwargs = super().deconstruct()
        kwargs.pop("block_lookup", None)
        return name, path, [], kwargs

    def to_python(self, value):
        """The stream, which leaves out blocks no longer registered, keeping every stored rule in
        ``stored_items``: a rule taken out of RULES must make its segments fail loudly, not
        quietly match more contacts without it."""
        stored = value
        if isinstance(stored, str) and stored:
            try:
                stored = json.loads(stored)
            except ValueError:
                stored = None
        result = super().to_python(value)
        if isinstance(stored, list):
            result.stored_items = stored
        return result


class Segment(PreviewableMixin, DraftStateMixin, RevisionMixin, models.Model):
    """A named audience: the contacts matching all (or any) of its rules, counted at the moment
    it is asked. Only the published version is used by campaigns and journeys."""

    # How many of the matching contacts the editor's preview lists, most recent first.
    SAMPLE_SIZE = 10

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    match = models.CharField(_("match"), max_length=3, choices=MATCH_CHOICES, default=groups.ALL)
    rules = RulesField(verbose_name=_("rules"), blank=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="segment")

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.name

    def rule_items(self):
        """The rules as stored: [{"type", "value"}] (see rules/groups.py)."""
        return list(getattr(self.rules, "stored_items", None) or self.rules.raw_data)

    def clean(self):
        super().clean()
        try:
            groups.check(self.rule_items(), segment=self)
        except RuleError as error:
            raise ValidationError({"rules": error.messages}) from None

    def q(self, context=None):
        """One ``Q`` on Contact for the contacts in this segment."""
        return groups.combine(self.match, self.rule_items(), context or RuleContext())

    def contacts(self, context=None):
        return Contact.objects.filter(self.q(context))

    def count(self, now=None):
        with jit_off():
            return self.contacts(RuleContext(now=now or timezone.now())).count()

    def contains(self, contact, context=None):
        return self.contacts(context).filter(pk=contact.pk).exists()

    def used_by(self):
        """The other segments whose rules name this one (a rule's settings holding
        ``{"segment": pk}``, in a group or not), as each is stored: the published version of a
        live segment, the draft of one never published."""
        return [other for other in Segment.objects.exclude(pk=self.pk).only("pk", "name", "rules")
                if any(str(settings.get("segment")) == str(self.pk) for settings in _rule_settings(other))]

    def get_preview_template(self, request, mode_name):
        return "oscar_lifecycle/segments/preview.html"

    def get_preview_context(self, request, mode_name):
        """How many contacts match the rules as edited (the unsaved form's), and the most recent of
        them. The admin's preview view (wagtail_hooks/segments.py) puts on ``request`` the rules'
        errors (``lifecycle_rule_errors``), shown instead of a count, and whether the editor may
        see contacts (``lifecycle_show_contacts``); without it, no contact is listed."""
        context = super().get_preview_context(request, mode_name)
        errors = list(getattr(request, "lifecycle_rule_errors", None) or [])
        if errors:
            return {**context, "rule_errors": errors}
        try:
            groups.check(self.rule_items())
            matching = self.contacts(RuleContext())
            with jit_off():
                count = matching.count()
        except RuleError as error:
            return {**context, "rule_errors": error.messages}
        sample = None
        if getattr(request, "lifecycle_show_contacts", False):
            sample = list(matching.order_by("-created_at", "-pk")[:self.SAMPLE_SIZE])
        return {**context, "count": count, "sample": sample}


def _rule_settings(segment):
    """The settings of every rule of ``segment``, those inside groups included."""
    for item in segment.rule_items():
        if item["type"] == groups.GROUP:
            yield from (rule["value"] for rule in item["value"].get("rules") or [])
        else:
            yield item["value"]


def published_counts(segments, now=None):
    """{pk: how many contacts are in it now} for the live segments among ``segments`` (their
    stored rules are the published ones), in one query: a UNION ALL of one COUNT per segment.
    A segment whose rules cannot be counted (a rule raises ``RuleError``: the segment it names
    is gone, say) is left out."""
    context = RuleContext(now=now or timezone.now())
    counts = []
    for segment in segments:
        if not segment.live:
            continue
        try:
            condition = segment.q(context)
        except RuleError:
            continue
        counts.append(Contact.objects.filter(condition).values(segment_pk=Value(segment.pk))
                      .annotate(contacts=Count("pk")).values_list("segment_pk", "contacts"))
    if not counts:
        return {}
    with jit_off():
        return dict(counts[0].union(*counts[1:], all=True))
