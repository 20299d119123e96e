"""The settings many rules share, with their checks: a number of days counted back from now,
and a range "between a minimum and a maximum" (either may be left empty). Blocks set no
minimum value of their own: the checks refuse a negative number, so the message names the rule."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .base import RuleError


def days_block(label=_("within the last days"), required=True):
    return blocks.IntegerBlock(label=label, required=required)


def range_blocks(block_class=blocks.IntegerBlock, **kwargs):
    return [
        ("minimum", block_class(label=_("at least"), required=False, **kwargs)),
        ("maximum", block_class(label=_("at most"), required=False, **kwargs)),
    ]


def check_days(settings, name="days", required=True):
    """Refuse a missing (when ``required``) or negative number of days."""
    days = settings.get(name)
    if days is None:
        if required:
            raise RuleError(_("Give a number of days."))
        return
    if days < 0:
        raise RuleError(_("The number of days cannot be negative."))


def bounds(settings):
    """(minimum, maximum) as numbers (a money amount is stored as text), None where left empty."""
    values = []
    for name in ("minimum", "maximum"):
        value = settings.get(name)
        if value is None or value == "":
            values.append(None)
            continue
        try:
            values.append(Decimal(str(value)))
        except InvalidOperation:
            raise RuleError(_("A bound is not a number.")) from None
    return tuple(values)


def check_range(settings):
    """Refuse a range with no bound, a negative bound, or its minimum above its maximum."""
    minimum, maximum = bounds(settings)
    if minimum is None and maximum is None:
        raise RuleError(_("Give a minimum, a maximum or both."))
    if any(bound is not None and bound < 0 for bound in (minimum, maximum)):
        raise RuleError(_("A bound cannot be negative."))
    if minimum is not None and maximum is not None and minimum > maximum:
        raise RuleError(_("The minimum is above the maximum."))


def since(settings, context, name="days"):
    """The moment ``days`` before ``context.now``; None when no number of days is set."""
    days = settings.get(name)
    return None if days is None else context.now - timedelta(days=days)


def range_lookups(settings):
    """{"gte": minimum, "lte": maximum} of the bounds that are set."""
    minimum, maximum = bounds(settings)
    return {lookup: bound for lookup, bound in (("gte", minimum), ("lte", maximum)) if bound is not None}
