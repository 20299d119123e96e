"""The Wagtail blocks editors build rules with: one block per registered rule (its settings and
"not"), a group block ("all of" / "any of" its own rules), refused on save when a rule's
settings cannot work."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from . import groups
from .base import RuleError
from .registry import registered_rules

MATCH_CHOICES = [(groups.ALL, _("all of these rules")), (groups.ANY, _("any of these rules"))]


class RuleBlock(blocks.StructBlock):
    """One rule's settings; ``clean`` asks the rule whether they can work."""

    def __init__(self, rule_class, **kwargs):
        self.rule_class = rule_class
        fields = [("negate", blocks.BooleanBlock(required=False, label=_("not")))]
        super().__init__(fields + list(rule_class.setting_blocks()), label=rule_class.label,
                         group=str(rule_class.group), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        settings = dict(self.get_prep_value(value))
        settings.pop("negate", None)
        try:
            self.rule_class(settings).check()
        except RuleError as error:
            raise ValidationError(f"{self.rule_class.label}: {' '.join(error.messages)}") from None
        return value


def rule_blocks():
    return [(name, RuleBlock(rule_class)) for name, rule_class in registered_rules().items()]


class GroupBlock(blocks.StructBlock):
    def __init__(self, **kwargs):
        super().__init__([
            ("match", blocks.ChoiceBlock(choices=MATCH_CHOICES, default=groups.ALL, label=_("match"))),
            ("rules", blocks.StreamBlock(rule_blocks(), label=_("rules"))),
        ], label=_("Group of rules"), **kwargs)


class RulesBlock(blocks.StreamBlock):
    """A segment's rules: rules and groups of rules."""

    def __init__(self, **kwargs):
        super().__init__(rule_blocks() + [(groups.GROUP, GroupBlock())], **kwargs)
