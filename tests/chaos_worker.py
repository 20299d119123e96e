"""One Celery worker of tests/test_celery_chaos.py: its Django settings, its Celery app, its ESP.

The test starts each worker as ``python -m celery -A tests.chaos_worker worker`` with
DJANGO_SETTINGS_MODULE=tests.chaos_worker, and tells it through the environment
where to work: the test settings on PostgreSQL (LIFECYCLE_TEST_DB=postgresql) with
PGDATABASE naming the test database pytest-django created, CHAOS_BROKER_URL (a
Redis database of its own), CHAOS_ESP_LOG (the file the ESP stand-in appends to) and
CHAOS_STATE_DIR, where a worker taking tasks keeps a file "ready-<its process id>", and
a pool process running one "running-<its process id>", for the test's killer to read.
"""

import os
import random
import time
from datetime import timedelta
from pathlib import Path

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.message import AnymailRecipientStatus
from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_ready

from tests.settings import *  # noqa: F401,F403
from tests.settings import OSCAR_LIFECYCLE

# A killed worker's claims come back after a few seconds, and kills land in the middle of a batch.
OSCAR_LIFECYCLE = {**OSCAR_LIFECYCLE, "CLAIM_LEASE": timedelta(seconds=3), "BATCH_SIZE": 50, "PRESSURE_CAP": None}
EMAIL_BACKEND = "tests.chaos_worker.DurableEspBackend"
CELERY_BROKER_URL = os.environ["CHAOS_BROKER_URL"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Seconds the ESP takes before it accepts an email, then again before its answer arrives.
ESP_LATENCY = (0.01, 0.025)


class DurableEspBackend(AnymailTestBackend):
    """The ESP: slow to answer, and keeping a record of each email it accepted that no kill can lose.

    One line per email, "<lifecycle_message id> <recipient> step:<step id>", is on disk
    (appended, fsynced) before the sender can learn it went. One write per line keeps
    lines whole when the dispatcher sends from several threads; it answers without the
    test backend's outbox, which a worker's sends would only grow (and threads share).
    """

    def post_to_esp(self, payload, message):
        time.sleep(random.uniform(*ESP_LATENCY))
        message_id = message.metadata["lifecycle_message"]
        line = f"{message_id} {message.to[0]} step:{message.metadata['lifecycle_step']}\n"
        log = os.open(os.environ["CHAOS_ESP_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(log, line.encode())
            os.fsync(log)
        finally:
            os.close(log)
        time.sleep(random.uniform(*ESP_LATENCY))
        accepted = AnymailRecipientStatus(message_id=f"chaos-{message_id}", status="sent")
        return {"recipient_status": {email: accepted for email in payload.recipient_emails}}


app = Celery("chaos_worker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["oscar_lifecycle"])


def state_marker(state):
    return Path(os.environ["CHAOS_STATE_DIR"], f"{state}-{os.getpid()}")


@worker_ready.connect
def mark_ready(**kwargs):
    state_marker("ready").touch()


@task_prerun.connect
def mark_running(**kwargs):
    state_marker("running").touch()


@task_postrun.connect
def unmark_running(**kwargs):
    state_marker("running").unlink(missing_ok=True)
