"""A contact's country, city, postcode and title (what the address rules select on) follow their
default shipping address in Oscar's address book, else the shipping address of their latest
order: through the shop's real address-book pages and a real checkout, for members and guests."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Segment
from tests.shop import Country, checkout, register

pytestmark = pytest.mark.django_db

ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")


def lives(email):
    contact = Contact.objects.get(email=email)
    return contact.country, contact.city, contact.postcode


def in_lyon():
    return Segment(name="Lyon", rules=[{"type": "city", "value": {"cities": "lyon"}}]).count()


@pytest.fixture
def belgium(catalogue):
    Country.objects.get_or_create(iso_3166_1_a2="BE", defaults={
        "iso_3166_1_a3": "BEL", "iso_3166_1_numeric": "056", "printable_name": "Belgium", "name": "Belgium",
        "is_shipping_country": True})


def address_form(city, postcode, country):
    return {"first_name": "Ada", "last_name": "Lovelace", "line1": "2 quai Saint-Antoine", "line4": city,
            "postcode": postcode, "country": country, "phone_number": ""}


def test_a_guest_lives_where_their_latest_order_went(client, catalogue):
    checkout(client, catalogue[0], guest_email="guest@example.com")
    run_lifecycle()
    assert lives("guest@example.com") == ("FR", "Paris", "75002")


def test_a_member_follows_their_address_book_and_orders(client, catalogue, belgium):
    register(client, "member@example.com")
    run_lifecycle()
    assert lives("member@example.com") == ("", "", "")

    checkout(client, catalogue[0])
    run_lifecycle()
    assert lives("member@example.com") == ("FR", "Paris", "75002"), "no default address: their latest order"

    response = client.post(reverse("customer:address-create"), address_form("Lyon", "69002", "FR"))
    assert response.status_code == 302, response.content[:2000]
    address = UserAddress.objects.get(line4="Lyon")
    client.get(reverse("customer:address-change-status", args=[address.pk, "default_for_shipping"]))
    assert lives("member@example.com") == ("FR", "Lyon", "69002"), "their default shipping address wins"
    assert in_lyon() == 1

    response = client.post(reverse("customer:address-detail", args=[address.pk]),
                           address_form("Bruxelles", "1000", "BE"))
    assert response.status_code == 302, response.content[:2000]
    assert lives("member@example.com") == ("BE", "Bruxelles", "1000")
    assert in_lyon() == 0

    checkout(client, catalogue[0])
    run_lifecycle()
    assert lives("member@example.com") == ("BE", "Bruxelles", "1000"), "an order elsewhere keeps the default"

    client.post(reverse("customer:address-delete", args=[address.pk]))
    assert lives("member@example.com") == ("FR", "Paris", "75002"), "default deleted: back to the latest order"



def test_the_migration_fills_the_contacts_a_shop_already_has(catalogue, django_user_model, settings):
    """Run on the models as the migration sees them (an older state of Oscar's address app)."""
    booked = django_user_model.objects.create_user("booked", "booked@example.com", "x")
    UserAddress.objects.bulk_create([UserAddress(  # no signal: as before the app was installed
        user=booked, first_name="A", line1="1 quai", line4="Lyon", postcode="69002", country_id="FR",
        is_default_for_shipping=True)])
    buyer = django_user_model.objects.create_user("buyer", "buyer@example.com", "x")
    create_order(user=buyer, shipping_address=ShippingAddress.objects.create(
        first_name="B", line1="1 rue", line4="Paris", postcode="75002", country_id="FR"))
    Contact.objects.bulk_create([Contact(email="booked@example.com", user=booked),
                                 Contact(email="buyer@example.com", user=buyer)])
    settings.MIGRATION_MODULES = {}
    state = MigrationExecutor(connection).loader.project_state(("oscar_lifecycle", "0012_rulesprofile"))
    migration = importlib.import_module("oscar_lifecycle.migrations.0012_rulesprofile")

    migration.fill_contact_addresses(state.apps, None)

    assert lives("booked@example.com") == ("FR", "Lyon", "69002")
    assert lives("buyer@example.com") == ("FR", "Paris", "75002")
