"""One rule engine for segments, journey filters, branch conditions and goals (DESIGN.md, turn 4).

A rule is a class listed by dotted path in the ``RULES`` setting. Bound to its settings, it
says which contacts match as one SQL condition (``q``), so counting a segment costs a constant
number of queries whatever its size, and whether one contact matches (``matches``).
"""

from .base import Rule, RuleContext, RuleError
from .registry import get_rule, registered_rules

__all__ = ["Rule", "RuleContext", "RuleError", "get_rule", "registered_rules"]
