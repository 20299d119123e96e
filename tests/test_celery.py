"""A real Celery worker runs the dispatcher the way beat schedules it in production."""

import pytest
from celery.contrib.testing.worker import start_worker

from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Message
from tests.celery_app import app
from tests.shop import create_journey, subscriber


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_sends_due_steps_through_a_worker(outbox):
    create_journey(steps=[{"delay_hours": 0, "subject": "Via Celery"}])
    enroll("registration", subscriber("celery@example.com"))

    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        result = app.send_task("oscar_lifecycle.run", ignore_result=False)
        assert result.get(timeout=20) == "1 sent"

    assert [email.subject for email in outbox] == ["Via Celery"]
    assert Message.objects.get().status == Message.Status.SENT
