"""The registry of rules: the ``RULES`` setting lists the dotted paths of the rule classes."""

from functools import lru_cache

from django.utils.module_loading import import_string

from ..conf import lifecycle_setting
from ..exceptions import LifecycleConfigurationError
from .base import Rule, RuleError


@lru_cache(maxsize=8)
def _load(dotted_paths):
    rules = {}
    for dotted_path in dotted_paths:
        try:
            rule_class = import_string(dotted_path)
        except ImportError as error:
            raise LifecycleConfigurationError(
                f"OSCAR_LIFECYCLE['RULES'] lists {dotted_path!r}, which cannot be imported: {error}"
            ) from error
        if not (isinstance(rule_class, type) and issubclass(rule_class, Rule)):
            raise LifecycleConfigurationError(
                f"OSCAR_LIFECYCLE['RULES'] lists {dotted_path!r}, which is not a subclass of "
                "oscar_lifecycle.rules.base.Rule."
            )
        rules[rule_class.name] = rule_class
    return rules


def registered_rules():
    """Return {name: rule class} for the classes listed in the RULES setting."""
    return dict(_load(tuple(lifecycle_setting("RULES"))))


def get_rule(name, settings=None):
    """The rule ``name`` bound to ``settings``; ``RuleError`` when no such rule is registered."""
    try:
        return registered_rules()[name](settings)
    except KeyError:
        raise RuleError(f"Unknown rule {name!r}.") from None
