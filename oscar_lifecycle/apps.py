from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OscarLifecycleConfig(AppConfig):
    name = "oscar_lifecycle"
    label = "oscar_lifecycle"
    verbose_name = _("Lifecycle emails")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import Contact
        from .privacy import forget_deleted_account
        from .signals import anymail, oscar, stock
        from .suppression import keep_on_delete
        from .triggers import registered_triggers

        oscar.connect()
        anymail.connect()
        stock.connect(record_restocks="back_in_stock" in registered_triggers())
        pre_delete.connect(keep_on_delete, sender=Contact, dispatch_uid="oscar_lifecycle.keep_on_delete")
        pre_delete.connect(forget_deleted_account, sender=get_user_model(),
                           dispatch_uid="oscar_lifecycle.forget_deleted_account")
