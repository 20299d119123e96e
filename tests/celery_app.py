"""A Celery app configured as the README tells a shop to, on an in-memory broker."""

from celery import Celery

app = Celery("lifecycle_tests")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(broker_url="memory://", result_backend="cache+memory://", task_default_queue="celery")
app.autodiscover_tasks(["oscar_lifecycle"])
