from django.utils.translation import gettext_lazy as _

from ..models import Activity
from .base import EventTrigger


class RegistrationTrigger(EventTrigger):
    """A shopper creates an account (Oscar's ``user_registered``): welcome and new-member series."""

    name = "registration"
    label = _("Customer registers (Oscar's user_registered)")
    activity_kind = Activity.Kind.REGISTERED
