"""Whatever goes wrong inside oscar_lifecycle, the shopper's registration and checkout succeed."""

import logging

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from oscar_lifecycle import events
from tests.shop import checkout, create_journey, register

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


def explode(*args, **kwargs):
    raise RuntimeError("lifecycle is broken")


@pytest.fixture
def broken_receivers(monkeypatch):
    """Break the receivers themselves (before on_commit) ..."""
    monkeypatch.setattr(events, "user_registered", explode)
    monkeypatch.setattr(events, "order_placed", explode)


@pytest.fixture
def broken_enrollment(monkeypatch):
    """... or the work they hand on after commit."""
    monkeypatch.setattr(events, "enroll", explode)


@pytest.mark.parametrize("breakage", ["broken_receivers", "broken_enrollment"])
def test_registration_and_checkout_succeed(breakage, request, client, catalogue, after_commit, caplog):
    request.getfixturevalue(breakage)
    create_journey("Welcome")
    create_journey("Thanks", trigger="order_placed")

    with caplog.at_level(logging.ERROR, logger="oscar_lifecycle"), after_commit():
        register(client, "unlucky@example.com")
        response = checkout(client, catalogue[0])

    assert response.status_code == 302 and response.url == reverse("checkout:thank-you")
    assert Order.objects.filter(user__email="unlucky@example.com").count() == 1
    assert any("lifecycle is broken" in record.exc_text for record in caplog.records if record.exc_text)
