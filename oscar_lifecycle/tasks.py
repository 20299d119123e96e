"""Celery tasks: thin wrappers over the engine functions (which tests call directly)."""

from celery import shared_task

from .engine.runner import run_lifecycle


@shared_task(name="oscar_lifecycle.run", ignore_result=True)
def run_lifecycle_task():
    return str(run_lifecycle())
