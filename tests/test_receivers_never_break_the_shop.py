"""Whatever goes wrong inside oscar_lifecycle, the shopper's registration and checkout succeed,
and one activity the runner cannot process does not stop the others."""

import logging

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from oscar_lifecycle.engine import activity_batch
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Activity, Enrollment
from tests.shop import checkout, create_journey, register

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


def explode(*args, **kwargs):
    raise RuntimeError("lifecycle is broken")


def test_registration_and_checkout_succeed_when_recording_fails(monkeypatch, client, catalogue, caplog):
    monkeypatch.setattr(Activity, "save", explode)
    create_journey("Welcome")

    with caplog.at_level(logging.ERROR, logger="oscar_lifecycle"):
        register(client, "unlucky@example.com")
        response = checkout(client, catalogue[0])

    assert response.status_code == 302 and response.url == reverse("checkout:thank-you")
    assert Order.objects.filter(user__email="unlucky@example.com").count() == 1
    assert any("lifecycle is broken" in record.exc_text for record in caplog.records if record.exc_text)


def test_an_activity_the_runner_cannot_process_is_logged_and_the_others_go_on(
    monkeypatch, client_class, catalogue, caplog
):
    create_journey("Your account", category="relational", steps=[{"delay_hours": 0}])
    register(client_class(), "first@example.com")
    register(client_class(), "second@example.com")
    real_email_of = activity_batch._email_of

    def fail_for_first(activity):
        if activity.email == "first@example.com":
            raise RuntimeError("lifecycle is broken")
        return real_email_of(activity)

    monkeypatch.setattr(activity_batch, "_email_of", fail_for_first)
    with caplog.at_level(logging.ERROR, logger="oscar_lifecycle"):
        report = run_lifecycle()

    assert report.activities == {"failed": 1, "enrolled": 1}
    assert list(Enrollment.objects.values_list("contact__email", flat=True)) == ["second@example.com"]
    assert "processing activity" in caplog.text
    assert run_lifecycle().activities == {}, "a failed activity is not retried forever"
