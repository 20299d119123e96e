"""What every rule is: a name, the settings an editor gives it, one SQL condition on contacts."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


class RuleError(ValidationError):
    """A rule's settings cannot work (unknown product, negative days, a range the wrong way
    round); the message names the rule."""


@dataclass(frozen=True)
class RuleContext:
    """What a rule is evaluated against besides the contact: the moment (``now``) and, for a
    journey's filters and branches, the enrollment being decided (None for a segment)."""

    now: datetime = field(default_factory=timezone.now)
    enrollment: object = None


class Rule:
    """A condition on contacts. Subclasses set ``name`` (stored in segments, never changed),
    ``label`` and ``group`` (where editors find it), ``setting_blocks()`` (the Wagtail blocks of
    its settings), and implement ``check()`` and ``q()``."""

    name = ""
    label = ""
    group = ""

    def __init__(self, settings=None):
        self.settings = dict(settings or {})

    @classmethod
    def setting_blocks(cls):
        """[(name, block)] of the settings an editor fills in; none by default."""
        return []

    def check(self):
        """Raise ``RuleError`` when the settings cannot work; the caller adds the rule's label."""

    def check_in(self, segment):
        """Raise ``RuleError`` when the rule cannot be in ``segment``, the segment being saved
        (None for a journey's filters); nothing by default."""

    def q(self, context):
        """A ``Q`` on ``Contact`` true for the contacts this rule matches at ``context.now``."""
        raise NotImplementedError

    def matches(self, contact, context):
        """Whether ``contact`` matches; one query by default (the same SQL as ``q``)."""
        return type(contact).objects.filter(pk=contact.pk).filter(self.q(context)).exists()

    def describe(self):
        """The rule in words, for lists and error messages."""
        return str(self.label)
