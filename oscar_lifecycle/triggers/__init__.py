"""The registry of triggers: what makes a contact enter a journey.

The ``TRIGGERS`` setting lists the dotted paths of the trigger classes a shop
offers (``base.EventTrigger`` or ``base.ScanTrigger`` subclasses); a trigger
left out of it records nothing, enrolls nobody and is not offered to editors.
"""

from functools import lru_cache

from django.utils.module_loading import import_string

from ..conf import lifecycle_setting
from ..exceptions import LifecycleConfigurationError, UnknownTrigger
from .base import EventTrigger, ScanTrigger, Trigger


@lru_cache(maxsize=8)
def _load(dotted_paths):
    triggers = {}
    for dotted_path in dotted_paths:
        try:
            trigger_class = import_string(dotted_path)
        except ImportError as error:
            raise LifecycleConfigurationError(
                f"OSCAR_LIFECYCLE['TRIGGERS'] lists {dotted_path!r}, which cannot be "
                f"imported: {error}"
            ) from error
        if not (isinstance(trigger_class, type) and issubclass(trigger_class, Trigger)):
            raise LifecycleConfigurationError(
                f"OSCAR_LIFECYCLE['TRIGGERS'] lists {dotted_path!r}, which is not a "
                "subclass of oscar_lifecycle.triggers.base.Trigger."
            )
        triggers[trigger_class.name] = trigger_class()
    return triggers


def registered_triggers():
    """Return {name: trigger instance} for the classes listed in the TRIGGERS setting."""
    return dict(_load(tuple(lifecycle_setting("TRIGGERS"))))


def event_triggers(activity_kind):
    return [trigger for trigger in registered_triggers().values()
            if isinstance(trigger, EventTrigger) and trigger.activity_kind == activity_kind]


def scan_triggers():
    return [trigger for trigger in registered_triggers().values() if isinstance(trigger, ScanTrigger)]


def recorded_activity_kinds():
    """The activity kinds some registered trigger needs recorded from Oscar's signals."""
    return {kind for trigger in registered_triggers().values() for kind in trigger.records}


def get_trigger(name, error_class=UnknownTrigger):
    triggers = registered_triggers()
    try:
        return triggers[name]
    except KeyError:
        known = ", ".join(sorted(triggers)) or "none"
        raise error_class(
            f"Unknown trigger {name!r}. Triggers in OSCAR_LIFECYCLE['TRIGGERS']: {known}."
        ) from None


def trigger_choices():
    """Choices for Journey.trigger. A broken TRIGGERS setting offers none: check E001 reports it."""
    try:
        triggers = registered_triggers()
    except LifecycleConfigurationError:
        return []
    return [(name, trigger.label) for name, trigger in triggers.items()]
