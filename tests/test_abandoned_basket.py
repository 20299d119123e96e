"""Abandoned baskets: members and guests get a series of reminders about what they left, where
they left it, until they order or the basket changes; never twice, never about what they bought."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Activity, Enrollment
from oscar_lifecycle.signals.oscar import on_order_placed
from tests.shop import (
    add_to_basket,
    basket_reminder_step,
    checkout,
    create_journey,
    register_subscriber,
    start_guest_checkout,
    subscribe_at_checkout,
)

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")

SERIES = [
    basket_reminder_step("Your basket is waiting", delay_hours=0),
    basket_reminder_step("Still thinking it over?", delay_hours=23),
    basket_reminder_step("Last chance for your basket", delay_hours=48),
]


@pytest.fixture
def basket_journey():
    return create_journey("Abandoned basket", trigger="abandoned_basket", goal="order_placed",
                          reentry="always", steps=[dict(step) for step in SERIES])


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_lifecycle(moment)


def subjects(outbox):
    return [email.subject for email in outbox]


def test_a_member_gets_three_reminders_an_hour_a_day_and_three_days_after_leaving(
    basket_journey, client, catalogue, outbox
):
    register_subscriber(client, "ada@example.com")
    add_to_basket(client, catalogue[1])
    left_at = timezone.now()

    run_at(left_at + timedelta(minutes=50))
    assert subjects(outbox) == [], "not before the basket sat idle for an hour"
    run_at(left_at + timedelta(minutes=61))
    assert subjects(outbox) == ["Your basket is waiting"]
    reminder = outbox[0]
    assert reminder.to == ["ada@example.com"]
    html = reminder.alternatives[0][0]
    assert "Product 2" in html and "20.00" in html
    assert "Your basket is saved." in html and "Secure payment" not in html

    run_at(left_at + timedelta(hours=24, minutes=5))
    run_at(left_at + timedelta(hours=72, minutes=10))
    run_at(left_at + timedelta(days=10))
    assert subjects(outbox) == ["Your basket is waiting", "Still thinking it over?", "Last chance for your basket"]
    assert Enrollment.objects.get().state == Enrollment.State.COMPLETED


def test_a_guest_is_reached_by_the_address_typed_at_checkout_with_checkout_words(
    basket_journey, client, catalogue, outbox
):
    add_to_basket(client, catalogue[0])
    subscribe_at_checkout(client, "Guest.Shopper@Example.com")
    left_at = timezone.now()

    run_at(left_at + timedelta(minutes=65))

    assert [email.to for email in outbox] == [["guest.shopper@example.com"]]
    html = outbox[0].alternatives[0][0]
    assert "Product 1" in html
    assert "Secure payment, free returns." in html and "Your basket is saved." not in html


def test_an_order_ends_the_series_before_the_next_reminder(basket_journey, client, catalogue, outbox):
    register_subscriber(client, "buyer@example.com")
    add_to_basket(client, catalogue[0])
    left_at = timezone.now()
    run_at(left_at + timedelta(minutes=61))
    assert len(outbox) == 1

    with time_machine.travel(left_at + timedelta(hours=5), tick=False):
        checkout(client, catalogue[1])
    run_at(left_at + timedelta(hours=24, minutes=5))
    run_at(left_at + timedelta(hours=72, minutes=10))

    assert subjects(outbox) == ["Your basket is waiting"]
    assert Enrollment.objects.get(journey=basket_journey).state == Enrollment.State.EXITED


def test_an_order_the_runner_never_heard_of_still_stops_the_reminder(basket_journey, client, catalogue, outbox):
    """The dispatcher reads Oscar's orders itself: a lost order_placed signal lets nothing through."""
    register_subscriber(client, "quiet@example.com")
    add_to_basket(client, catalogue[0])
    left_at = timezone.now()
    run_at(left_at + timedelta(minutes=61))

    order_placed = get_class("order.signals", "order_placed")
    order_placed.disconnect(dispatch_uid="oscar_lifecycle.order_placed")
    try:
        with time_machine.travel(left_at + timedelta(hours=5), tick=False):
            checkout(client, catalogue[1])
    finally:
        order_placed.connect(on_order_placed, dispatch_uid="oscar_lifecycle.order_placed")
    assert not Activity.objects.filter(kind=Activity.Kind.ORDER_PLACED).exists()
    run_at(left_at + timedelta(hours=24, minutes=5))

    assert subjects(outbox) == ["Your basket is waiting"]
    assert Enrollment.objects.get(journey=basket_journey).reason == "the contact placed an order"


@pytest.mark.parametrize("change", ["emptied", "merged"])
def test_a_basket_emptied_or_merged_ends_the_series(change, basket_journey, client, catalogue, outbox):
    register_subscriber(client, "fickle@example.com")
    add_to_basket(client, catalogue[0])
    left_at = timezone.now()
    run_at(left_at + timedelta(minutes=61))

    basket = Basket.objects.get(owner__email="fickle@example.com")
    if change == "emptied":
        basket.flush()
    else:
        basket.status = Basket.MERGED
        basket.save()
    run_at(left_at + timedelta(hours=24, minutes=5))

    assert subjects(outbox) == ["Your basket is waiting"]
    assert Enrollment.objects.get().state == Enrollment.State.EXITED


def test_scans_run_again_enroll_nobody_twice_and_one_series_per_day(basket_journey, client, catalogue, outbox):
    register_subscriber(client, "twice@example.com")
    add_to_basket(client, catalogue[0])
    left_at = timezone.now()
    for minutes in (61, 70, 80, 95):
        run_at(left_at + timedelta(minutes=minutes))
    assert Enrollment.objects.count() == 1

    with time_machine.travel(left_at + timedelta(hours=3), tick=False):
        add_to_basket(client, catalogue[1])  # touched again: a new idle period
    run_at(left_at + timedelta(hours=4, minutes=5))
    assert Enrollment.objects.count() == 1, "at most one series per contact in 24 hours"


def test_a_reminder_never_names_what_the_contact_bought_since(basket_journey, client_class, catalogue, outbox):
    guest = client_class()
    add_to_basket(guest, catalogue[0])
    add_to_basket(guest, catalogue[2])
    start_guest_checkout(guest, "both@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=30), tick=False):
        checkout(client_class(), catalogue[2], guest_email="both@example.com")

    run_at(timezone.now() + timedelta(minutes=65))

    html = outbox[0].alternatives[0][0]
    assert "Product 1" in html
    assert "Product 3" not in html, "bought in another order since it was put in the basket"


def test_the_idle_time_is_the_editors_setting(client, catalogue, outbox):
    create_journey("Quick basket", trigger="abandoned_basket", trigger_settings={"idle_minutes": 30},
                   steps=[basket_reminder_step("Forgot something?", delay_hours=0)])
    register_subscriber(client, "hasty@example.com")
    add_to_basket(client, catalogue[0])

    run_at(timezone.now() + timedelta(minutes=31))

    assert subjects(outbox) == ["Forgot something?"]


def test_a_guest_who_reaches_the_checkout_late_is_reminded_an_hour_after_leaving_it(
    basket_journey, client, catalogue, outbox
):
    """Going to the checkout counts as touching the basket: a guest who filled it long ago and is
    typing an address now is not reminded while still there."""
    filled_at = timezone.now()
    add_to_basket(client, catalogue[0])
    with time_machine.travel(filled_at + timedelta(minutes=90), tick=False):
        subscribe_at_checkout(client, "slow.guest@example.com")

    run_at(filled_at + timedelta(minutes=95))
    assert "Your basket is waiting" not in subjects(outbox), "still at the checkout: no reminder yet"
    run_at(filled_at + timedelta(minutes=155))
    assert subjects(outbox).count("Your basket is waiting") == 1
    assert Enrollment.objects.get().context == {"stage": "checkout"}


def test_baskets_left_while_the_runner_was_down_are_found_when_it_comes_back(
    basket_journey, client_class, catalogue, outbox
):
    """Each scan looks at what became due since the journey's last scan, however long ago that was
    (up to the journey's 7 days): a runner stopped for three hours misses nobody."""
    start = timezone.now()
    run_at(start)
    for number, minutes in enumerate((10, 70, 130)):
        shopper = client_class()
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            register_subscriber(shopper, f"meanwhile{number}@example.com")
            add_to_basket(shopper, catalogue[0])

    run_at(start + timedelta(hours=3, minutes=20))

    assert sorted(email.to[0] for email in outbox if email.subject == "Your basket is waiting") == [
        "meanwhile0@example.com", "meanwhile1@example.com", "meanwhile2@example.com"]
