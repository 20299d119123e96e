"""Birthdays and first-order anniversaries: on the day, from the shop's hour, once a year;
shoppers give their birth date in their account, shops import them."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact
from tests.shop import checkout, create_journey, register, subscriber

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")  # the shop's TIME_ZONE in the sandbox and the tests


@pytest.fixture(autouse=True)
def early_december_2026():
    """Each test starts on a fixed day, so dates 'next year' stay next year whenever it runs."""
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=PARIS), tick=False):
        yield


def run_at(year, month, day, hour, minute=0):
    moment = datetime(year, month, day, hour, minute, tzinfo=PARIS)
    with time_machine.travel(moment, tick=False):
        return run_lifecycle(moment)


def subjects(outbox):
    return [(email.to[0], email.subject) for email in outbox]


@pytest.fixture
def birthday_journey():
    return create_journey("Birthday", trigger="birthday", reentry="always", trigger_settings={"local_hour": 10},
                          steps=[{"delay_hours": 0, "subject": "Happy birthday {{ first_name|default:\"\" }}"}])


def with_birthday(email, birth_date):
    contact = subscriber(email)
    contact.birth_date = birth_date
    contact.save()
    return contact


def test_a_birthday_email_goes_on_the_day_from_the_shops_hour_once_a_year(birthday_journey, outbox):
    with_birthday("may@example.com", date(1990, 5, 17))
    with_birthday("june@example.com", date(1985, 6, 1))

    run_at(2027, 5, 17, 9, 59)
    assert outbox == [], "not before 10:00 shop time"
    run_at(2027, 5, 17, 10, 1)
    run_at(2027, 5, 17, 18)
    run_at(2027, 5, 18, 10, 1)
    assert subjects(outbox) == [("may@example.com", "Happy birthday ")]

    # A prospect silent for 180 days is sunset: this one rated an order in the meantime.
    Contact.objects.filter(email="may@example.com").update(last_engagement_at=datetime(2028, 1, 5, tzinfo=PARIS))
    run_at(2028, 5, 17, 10, 5)
    assert len(outbox) == 2, "and again next year"


def test_a_29_february_birthday_is_celebrated_on_the_28th_in_other_years(birthday_journey, outbox):
    with_birthday("leap@example.com", date(2000, 2, 29))
    run_at(2027, 2, 28, 11)
    run_at(2027, 3, 1, 11)
    assert subjects(outbox) == [("leap@example.com", "Happy birthday ")]


def test_shoppers_give_their_birth_date_in_their_account(birthday_journey, client, outbox):
    register(client, "me@example.com")
    page = client.get(reverse("oscar_lifecycle:account"))
    assert page.status_code == 200 and b"Birth date" in page.content

    refused = client.post(reverse("oscar_lifecycle:account"), {"birth_date": "2999-01-01", "frequency": "every", "marketing": "on"})
    assert b"Enter your real birth date" in refused.content
    client.post(reverse("oscar_lifecycle:account"), {"birth_date": "1992-12-14", "frequency": "weekly", "marketing": "on",
                                                        "topics": ["offers"]})

    contact = Contact.objects.get(email="me@example.com")
    assert (contact.birth_date, contact.frequency) == (date(1992, 12, 14), "weekly")
    run_at(2026, 12, 14, 10, 30)
    assert subjects(outbox) == [("me@example.com", "Happy birthday ")]


def test_the_account_page_needs_a_login(client):
    response = client.get(reverse("oscar_lifecycle:account"))
    assert response.status_code == 302 and "login" in response.url


def test_shops_import_birth_dates_of_known_customers_only(tmp_path, client):
    register(client, "known@example.com")
    contact_for("contact@example.com")
    source = tmp_path / "birthdays.csv"
    source.write_text(
        "email,birth_date\n"
        "Known@Example.com,1980-01-02\n"
        "contact@example.com,1975-12-31\n"
        "stranger@example.com,1990-01-01\n"
        "contact@example.com,31/12/1975\n"
    )
    output, errors = StringIO(), StringIO()
    call_command("lifecycle_import_birth_dates", str(source), stdout=output, stderr=errors)

    assert output.getvalue().strip() == "2 birth dates imported, 2 lines skipped."
    assert "line 4: stranger@example.com is neither a customer nor a contact" in errors.getvalue()
    assert "line 5: '31/12/1975' is not a date (YYYY-MM-DD)" in errors.getvalue()
    assert dict(Contact.objects.values_list("email", "birth_date")) == {
        "known@example.com": date(1980, 1, 2), "contact@example.com": date(1975, 12, 31),
    }


def test_the_first_orders_anniversary(client, client_class, catalogue, outbox):
    create_journey("Anniversary", trigger="order_anniversary", reentry="always",
                   steps=[{"delay_hours": 0, "subject": "A year already!"}])
    first_order = datetime(2027, 3, 10, 15, tzinfo=PARIS)
    with time_machine.travel(first_order, tick=False):
        register(client, "faithful@example.com")
        checkout(client, catalogue[0])
        checkout(client_class(), catalogue[1], guest_email="Guest.Once@Example.com")
        run_lifecycle(first_order)
    with time_machine.travel(first_order + timedelta(days=100), tick=False):
        client.force_login(Contact.objects.get(email="faithful@example.com").user)
        checkout(client, catalogue[1])
        run_lifecycle(first_order + timedelta(days=100))

    run_at(2027, 6, 18, 10)  # the second order's day: not a first-order anniversary
    run_at(2028, 3, 9, 12)
    assert outbox == []
    run_at(2028, 3, 10, 9, 30)
    run_at(2028, 3, 11, 9, 30)
    assert sorted(subjects(outbox)) == [
        ("faithful@example.com", "A year already!"), ("guest.once@example.com", "A year already!"),
    ]
