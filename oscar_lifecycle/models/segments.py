import json

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, RevisionMixin

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


class Segment(DraftStateMixin, RevisionMixin, models.Model):
    """A named audience: the contacts matching all (or any) of its rules, counted at the moment
    it is asked. Only the published version is used by campaigns and journeys."""

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
            groups.check(self.rule_items())
        except RuleError as error:
            raise ValidationError({"rules": error.messages}) from None

    def q(self, context=None):
        """One ``Q`` on Contact for the contacts in this segment."""
        return groups.combine(self.match, self.rule_items(), context or RuleContext())

    def contacts(self, context=None):
        return Contact.objects.filter(self.q(context))

    def count(self, now=None):
        return self.contacts(RuleContext(now=now or timezone.now())).count()

    def contains(self, contact, context=None):
        return self.contacts(context).filter(pk=contact.pk).exists()
