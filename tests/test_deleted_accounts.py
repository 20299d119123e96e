"""Deleting an account wins over anything still queued for that person: an account deleted before
the runner's next pass gets no welcome, no contact is made for it, and its address keeps the no."""

import pytest
from django.urls import reverse

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Activity, Contact
from tests.shop import PASSWORD, add_to_basket, create_journey, register

pytestmark = pytest.mark.django_db


def test_an_account_deleted_before_the_runner_comes_gets_no_welcome(client, catalogue, outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome"}])
    register(client, "brief@example.com")
    add_to_basket(client, catalogue[0])

    response = client.post(reverse("customer:profile-delete"), {"password": PASSWORD})
    assert response.status_code == 302
    run_lifecycle()

    assert list(outbox) == []
    assert not Contact.objects.filter(email="brief@example.com").exists()
    assert not Activity.objects.exists()


def test_the_address_of_an_account_deleted_before_the_runner_came_gets_no_marketing_later(client, outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome"}])
    register(client, "brief@example.com")
    client.post(reverse("customer:profile-delete"), {"password": PASSWORD})
    run_lifecycle()

    register(client, "brief@example.com")  # the same address, a new account
    run_lifecycle()

    assert list(outbox) == []
    assert Contact.objects.get(email="brief@example.com").status == Contact.Status.UNSUBSCRIBED
