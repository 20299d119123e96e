"""Celery tasks: thin wrappers over the engine functions (which tests call directly)."""

from celery import shared_task

from .engine.dispatch import dispatch_due


@shared_task(name="oscar_lifecycle.dispatch_due", ignore_result=True)
def dispatch_due_task():
    return str(dispatch_due())
