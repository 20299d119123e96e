"""`manage.py lifecycle_run`: the broker-less runner a shop (and the sandbox) can use."""

from io import StringIO

import pytest
from django.core.management import call_command

from oscar_lifecycle.engine.enroll import enroll
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db


def test_one_pass_sends_what_is_due_and_says_so(outbox):
    create_journey(steps=[{"delay_hours": 0, "subject": "From the runner"}])
    enroll("registration", subscriber("cli@example.com"))
    output = StringIO()

    call_command("lifecycle_run", stdout=output)
    call_command("lifecycle_run", stdout=output)

    assert output.getvalue().splitlines() == ["lifecycle_run: 1 sent", "lifecycle_run: nothing due"]
    assert [email.subject for email in outbox] == ["From the runner"]
