from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OscarLifecycleConfig(AppConfig):
    name = "oscar_lifecycle"
    label = "oscar_lifecycle"
    verbose_name = _("Lifecycle emails")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .signals import anymail, oscar

        oscar.connect()
        anymail.connect()
