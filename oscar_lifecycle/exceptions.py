from django.core.exceptions import ImproperlyConfigured, ValidationError


class LifecycleConfigurationError(ImproperlyConfigured):
    """A setting of oscar_lifecycle is missing or wrong; the message names it."""


class UnknownTrigger(LifecycleConfigurationError):
    """A journey or a setting names a trigger that is not registered."""


class InvalidContactEmail(ValidationError):
    """An address that cannot receive lifecycle mail."""


class ContentUnavailable(Exception):
    """A block cannot show what the editor wrote for this contact (its order was deleted, say):
    the step is skipped with this message as the reason, never sent half-empty."""


class InvalidSender(LifecycleConfigurationError):
    """The sender of lifecycle email is not one valid address; the message says where it is set."""
