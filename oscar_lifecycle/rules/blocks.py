"""The Wagtail blocks editors build rules with: one block per registered rule (its settings and
"not"), a group block ("all of" / "any of" its own rules), refused on save when a rule's
settings cannot work."""

from functools import lru_cache

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


@lru_cache(maxsize=8)
def _child_blocks(rule_names, with_groups):
    rules = registered_rules()
    children = {name: RuleBlock(rules[name]) for name in rule_names}
    if with_groups:
        children[groups.GROUP] = GroupBlock()
    for name, block in children.items():
        block.set_name(name)
    return children


class RuleStreamBlock(blocks.StreamBlock):
    """A list of rules whose blocks are those of the RULES setting when it is read, not when the
    model was imported (settings are read at call time, so a test or a shop may change them)."""

    def __init__(self, with_groups=False, **kwargs):
        self.with_groups = with_groups
        super().__init__(**kwargs)

    @property
    def child_blocks(self):
        return _child_blocks(tuple(registered_rules()), self.with_groups)

    @child_blocks.setter
    def child_blocks(self, value):
        """StreamBlock's constructor sets its declared blocks (none here): the property has them."""

    def deconstruct(self):
        return ("oscar_lifecycle.rules.blocks.RuleStreamBlock", (), {"with_groups": self.with_groups})


class GroupBlock(blocks.StructBlock):
    def __init__(self, **kwargs):
        super().__init__([
            ("match", blocks.ChoiceBlock(choices=MATCH_CHOICES, default=groups.ALL, label=_("match"))),
            ("rules", RuleStreamBlock(label=_("rules"))),
        ], label=_("Group of rules"), **kwargs)
