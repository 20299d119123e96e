"""The registry of triggers: what makes a contact enter a journey.

A trigger is a small class with a ``name`` (stored on Journey.trigger) and a
``label`` (shown to editors). The ``TRIGGERS`` setting lists the dotted paths
of the classes a shop offers; receivers in ``signals/`` fire them by name.
"""

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .conf import lifecycle_setting
from .exceptions import LifecycleConfigurationError, UnknownTrigger


class Trigger:
    name = ""
    label = ""


class RegistrationTrigger(Trigger):
    name = "registration"
    label = _("Customer registers (Oscar's user_registered)")


class OrderPlacedTrigger(Trigger):
    name = "order_placed"
    label = _("Order placed (Oscar's order_placed)")


def registered_triggers():
    """Return {name: trigger class} for the classes listed in the TRIGGERS setting."""
    triggers = {}
    for dotted_path in lifecycle_setting("TRIGGERS"):
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
                "subclass of oscar_lifecycle.triggers.Trigger."
            )
        triggers[trigger_class.name] = trigger_class
    return triggers


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
