"""What a trigger is: the one place that says what makes a contact enter a journey.

An ``EventTrigger`` enrolls when the runner processes an activity that one of
Oscar's signals recorded (``signals/oscar.py``); a ``ScanTrigger`` finds, at a
given time, who is due, in set-based SQL. Both declare the settings an editor
sets on a journey (``TriggerSetting``), and both go through ``enroll()``.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TriggerSetting:
    """A whole number an editor sets on a journey (minutes idle, days inactive, ...),
    or, with ``choices``, a list of values picked from them (order statuses), or, with
    ``max_length``, a line of text (a link)."""

    name: str
    label: str
    default: object
    min_value: int | None = None
    max_value: int | None = None
    choices: object = None  # a callable returning [(value, label)] for a multiple choice
    help_text: str = ""
    max_length: int | None = None  # set for a line of text
    long_choices: bool = False  # choices that may run long (journeys): a list box, not checkboxes

    @property
    def is_multiple_choice(self):
        return self.choices is not None

    @property
    def is_text(self):
        return self.max_length is not None

    def default_value(self):
        return self.default() if callable(self.default) else self.default

    def clean(self, value):
        """Return ``value`` checked, or raise ValidationError with a message naming the setting."""
        if value is None or value == "" or value == []:
            return self.default_value()
        if self.is_multiple_choice:
            allowed = {choice for choice, _label in self.choices()}
            values = [value] if isinstance(value, str) else list(value)
            unknown = [item for item in values if item not in allowed]
            if unknown:
                raise ValidationError(
                    _("%(setting)s: %(values)s is not one of the choices."),
                    params={"setting": self.label, "values": ", ".join(map(str, unknown))},
                    code="invalid_choice",
                )
            return values
        if self.is_text:
            text = str(value).strip()
            if len(text) > self.max_length:
                raise ValidationError(
                    _("%(setting)s must be at most %(max)s characters."),
                    params={"setting": self.label, "max": self.max_length}, code="too_long",
                )
            return text
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                _("%(setting)s must be a whole number."), params={"setting": self.label}, code="invalid"
            ) from None
        if (self.min_value is not None and number < self.min_value) or (
            self.max_value is not None and number > self.max_value
        ):
            raise ValidationError(
                _("%(setting)s must be between %(min)s and %(max)s."),
                params={"setting": self.label, "min": self.min_value, "max": self.max_value},
                code="out_of_range",
            )
        return number


@dataclass
class Entry:
    """Who enters a journey, and with what: the order, basket or product it is about."""

    contact: object
    order_id: int | None = None
    basket_id: int | None = None
    product_id: int | None = None
    context: dict = field(default_factory=dict)


class Trigger:
    """A way into journeys. Subclass EventTrigger or ScanTrigger."""

    name = ""
    label = ""
    settings = ()  # TriggerSetting instances
    records = ()  # Activity kinds this trigger needs recorded from Oscar's signals
    about = None  # what every enrollment it makes is about: "order", "basket", "product" or None
    # Where the shopper left, when its enrollments say so in their context ({"stage": ...}), as
    # [(stage, label)]: stage sections show each its words; previews and test sends pick one.
    stages = ()

    def settings_for(self, journey):
        """The journey's settings for this trigger, defaults filled in (invalid stored values too)."""
        stored = journey.trigger_settings or {}
        values = {}
        for setting in self.settings:
            try:
                values[setting.name] = setting.clean(stored.get(setting.name))
            except ValidationError:
                values[setting.name] = setting.default_value()
        return values

    def clean_settings(self, values):
        """Return ``values`` ({name: value}) checked and completed with defaults.

        Raises ValidationError({setting name: message}) for each refused value.
        """
        cleaned, errors = {}, {}
        for setting in self.settings:
            try:
                cleaned[setting.name] = setting.clean(values.get(setting.name))
            except ValidationError as error:
                errors[setting.name] = error
        if errors:
            raise ValidationError(errors)
        return cleaned

    def exit_reasons(self, enrollments, now):
        """{enrollment id: why it must end} for claimed ``enrollments`` of this trigger, checked
        before each send in a fixed number of queries. By default nothing ends them."""
        return {}


class EventTrigger(Trigger):
    """Enrolls when the runner processes an activity of ``activity_kind``."""

    activity_kind = ""

    @property
    def records(self):
        return (self.activity_kind,)

    def entries_for(self, activity, contact, settings):
        """The entries an ``activity`` (already resolved to ``contact``) makes for a journey
        with ``settings``: by default the contact, with the activity's order, basket, product."""
        return [Entry(contact, order_id=activity.order_id, basket_id=activity.basket_id,
                      product_id=activity.product_id)]

    def entries_for_activities(self, resolved, settings):
        """{activity id: its entries} for ``resolved``, pairs of (activity, its contact as the
        activity left it), for a journey with ``settings``, in a number of queries that does not
        grow with their number: the runner works a batch of activities at once. By default
        ``entries_for`` of each, which reads nothing; a trigger whose entries read the database
        overrides this to read it once for the batch."""
        return {activity.pk: self.entries_for(activity, contact, settings) for activity, contact in resolved}


class ScanTrigger(Trigger):
    """Finds who is due at a time; run by the runner at most every ``interval``."""

    interval = timedelta(minutes=5)

    def due_entries(self, journey, settings, now, since=None):
        """Everyone due to enter ``journey`` at ``now`` and not already in it for the same reason,
        in a number of queries that does not grow with the number of contacts; only contacts
        the journey may reach (``engine.gates.reachable``), so a scan does not find, run after
        run, contacts it would never enroll.

        ``since`` is when the journey's previous scan ran (None for its first): a trigger may
        return only who became due after it. Who was due then and left out (not reachable, in
        a cooldown) is not looked at again, as an event-triggered flow skips them."""
        raise NotImplementedError
