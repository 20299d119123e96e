"""Rules combined: "all of" / "any of" a list of rules, each negatable, with one level of nested
groups, as stored by a segment's rules field (a list of {"type", "value"}: a rule's name and
its settings plus "negate", or "group" with "match" and its own "rules")."""

from functools import reduce
from operator import and_, or_

from django.db.models import Q

from .base import RuleError
from .registry import get_rule

ALL, ANY = "all", "any"
GROUP = "group"


def bound_rules(items):
    """[(rule, negate)] for the rule items of one list (groups excluded)."""
    bound = []
    for item in items:
        settings = dict(item["value"])
        negate = bool(settings.pop("negate", False))
        bound.append((get_rule(item["type"], settings), negate))
    return bound


def rule_items(items):
    """The rule items of ``items``, those inside groups included."""
    for item in items:
        if item["type"] == GROUP:
            yield from rule_items(item["value"].get("rules") or [])
        else:
            yield item


def check(items, depth=0, segment=None):
    """Raise ``RuleError`` naming the first rule whose settings cannot work (in ``segment``, the
    segment being saved, when given)."""
    for item in items:
        if item["type"] == GROUP:
            if depth:
                raise RuleError("A group cannot hold another group.")
            check(item["value"].get("rules") or [], depth + 1, segment)
            continue
        ((rule, _negate),) = bound_rules([item])
        try:
            rule.check()
            rule.check_in(segment)
        except RuleError as error:
            raise RuleError(f"{rule.describe()}: {' '.join(error.messages)}") from None


def combine(match, items, context):
    """One ``Q`` on Contact for ``items`` under ``match`` ("all" or "any"); no rules: everyone."""
    conditions = []
    for item in items:
        if item["type"] == GROUP:
            value = item["value"]
            conditions.append(combine(value.get("match") or ALL, value.get("rules") or [], context))
            continue
        ((rule, negate),) = bound_rules([item])
        condition = rule.q(context)
        conditions.append(~condition if negate else condition)
    if not conditions:
        return Q()
    return reduce(or_ if match == ANY else and_, conditions)
