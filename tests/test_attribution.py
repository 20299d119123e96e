"""Revenue: an order is attributed to the last email the contact clicked within 5 days, else the
last one they opened within a day, once, never to a machine's open."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Conversion
from oscar_lifecycle.signals import conversion_attributed
from tests.shop import checkout, create_journey, register_subscriber

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
APPLE_PROXY = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"


@pytest.fixture
def two_emails(client, outbox):
    """A member who got "First" and, a day later, "Second"."""
    create_journey("Series", steps=[{"delay_hours": 0, "subject": "First"}, {"delay_days": 1, "subject": "Second"}])
    register_subscriber(client, "buyer@example.com")
    run_lifecycle()
    start = timezone.now()
    with time_machine.travel(start + timedelta(days=1, minutes=1), tick=False):
        run_lifecycle()
    return start, {email.subject: email for email in outbox}


def link(email, kind):
    return re.findall(rf'https://shop\.test(/lifecycle/{kind}/[^"]+)"', email.alternatives[0][0])[0]


def at(moment):
    return time_machine.travel(moment, tick=False)


def order_at(client, product, moment):
    with at(moment):
        checkout(client, product)
        run_lifecycle(moment)
    return Order.objects.latest("pk")


def test_the_last_click_within_five_days_earns_the_order(two_emails, client_class, client, catalogue):
    start, emails = two_emails
    announced = []
    conversion_attributed.connect(lambda conversion, **kwargs: announced.append(conversion), weak=False,
                                  dispatch_uid="test-conversion")
    with at(start + timedelta(days=1, hours=2)):
        client_class().get(link(emails["First"], "c"), HTTP_USER_AGENT=BROWSER)
    with at(start + timedelta(days=1, hours=3)):
        client_class().get(link(emails["Second"], "o"), HTTP_USER_AGENT=BROWSER)  # opened, not clicked
    order = order_at(client, catalogue[0], start + timedelta(days=4))
    conversion_attributed.disconnect(dispatch_uid="test-conversion")

    conversion = Conversion.objects.get()
    assert (conversion.order, conversion.message.subject, conversion.attributed_to) == (order, "First", "click")
    assert (conversion.revenue, conversion.currency) == (order.total_incl_tax, "EUR") and conversion.revenue > Decimal(0)
    assert conversion.journey.name == "Series" and conversion.step == conversion.message.step
    assert announced == [conversion]
    run_lifecycle(start + timedelta(days=4))
    assert Conversion.objects.count() == 1, "once per order"


def test_failing_a_click_a_human_open_within_a_day(two_emails, client_class, client, catalogue):
    start, emails = two_emails
    with at(start + timedelta(days=1, hours=5)):
        client_class().get(link(emails["Second"], "o"), HTTP_USER_AGENT=BROWSER)
    order_at(client, catalogue[0], start + timedelta(days=1, hours=20))
    conversion = Conversion.objects.get()
    assert (conversion.message.subject, conversion.attributed_to) == ("Second", "open")


@pytest.mark.parametrize("what, days_later", [("click too old", 6), ("open too old", 2), ("machine open", 0.5)])
def test_no_attribution_outside_the_windows_or_from_a_machine(what, days_later, two_emails, client_class,
                                                              client, catalogue):
    start, emails = two_emails
    engaged_at = start + timedelta(days=1, hours=1)
    with at(engaged_at):
        if what == "click too old":
            client_class().get(link(emails["Second"], "c"), HTTP_USER_AGENT=BROWSER)
        else:
            agent = APPLE_PROXY if what == "machine open" else BROWSER
            client_class().get(link(emails["Second"], "o"), HTTP_USER_AGENT=agent)
    order_at(client, catalogue[0], engaged_at + timedelta(days=days_later))
    assert not Conversion.objects.exists()


def test_the_windows_are_settings(two_emails, client_class, client, catalogue, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CLICK_WINDOW": timedelta(days=10)}
    start, emails = two_emails
    with at(start + timedelta(days=1, hours=1)):
        client_class().get(link(emails["Second"], "c"), HTTP_USER_AGENT=BROWSER)
    order_at(client, catalogue[0], start + timedelta(days=8))
    assert Conversion.objects.get().attributed_to == "click"


def test_the_admin_shows_revenue_and_the_contacts_timeline_its_clicks(two_emails, client_class, client, catalogue):
    start, emails = two_emails
    with at(start + timedelta(days=1, hours=2)):
        client_class().get(link(emails["First"], "c"), HTTP_USER_AGENT=BROWSER)
    order = order_at(client, catalogue[0], start + timedelta(days=2))
    owner = client_class()
    owner.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))

    revenue = owner.get(reverse("oscar_lifecycle_conversions:index")).content.decode()
    assert order.number in revenue and "Series" in revenue
    contact = Conversion.objects.get().contact
    timeline = owner.get(reverse("oscar_lifecycle_contacts:inspect", args=[contact.pk])).content.decode()
    assert "Clicked: “First” → https://shop.test/catalogue/" in timeline
    assert f"Order {order.number}" in timeline and "attributed to “First”" in timeline
