from django.core.exceptions import ImproperlyConfigured, ValidationError


class LifecycleConfigurationError(ImproperlyConfigured):
    """A setting of oscar_lifecycle is missing or wrong; the message names it."""


class UnknownTrigger(LifecycleConfigurationError):
    """A journey or a setting names a trigger that is not registered."""


class InvalidContactEmail(ValidationError):
    """An address that cannot receive lifecycle mail."""
