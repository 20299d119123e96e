from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sandbox.demo"
    label = "lifecycle_demo"
    verbose_name = "Lifecycle sandbox demo data"
