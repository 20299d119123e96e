"""A scan looks only at what became due since the journey's last scan, and finds the same people
as one looking at the trigger's whole window: a simulated day of shoppers, scanned on time, enrolls
the same contacts, about the same baskets and products, at the same moments, both ways."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.scan import run_scan
from oscar_lifecycle.models import Activity, Contact, Enrollment, JourneyScan
from oscar_lifecycle.triggers import registered_triggers
from tests.shop import create_journey

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
User = get_user_model()

DAY = timedelta(hours=14)


class Shopper:
    """A member (who browses) or a guest (who gives an address at the checkout), with one basket."""

    def __init__(self, number, *, member):
        email = f"shopper{number}@example.com"
        self.user = User.objects.create(username=email, email=email) if member else None
        self.email = email
        self.contact = None
        self.basket = Basket.objects.create(owner=self.user, status=Basket.OPEN)
        if member:
            self.contact = Contact.objects.create(email=email, user=self.user, consent=Contact.Consent.GRANTED)

    def add(self, product):
        stockrecord = product.stockrecords.get()
        line, created = Line.objects.get_or_create(
            basket=self.basket, product=product, stockrecord=stockrecord,
            line_reference=f"{product.pk}_{stockrecord.pk}",
            defaults={"quantity": 1, "price_currency": "EUR", "price_excl_tax": Decimal("10.00"),
                      "price_incl_tax": Decimal("10.00")},
        )
        if not created:
            line.quantity += 1
            line.save()

    def view(self, product):
        if self.user is not None:  # a guest's views are nobody's
            Activity.objects.create(kind=Activity.Kind.PRODUCT_VIEWED, user_id=self.user.pk, contact=self.contact,
                                    product=product, processed_at=timezone.now())

    def go_to_checkout(self):
        if self.contact is None:
            self.contact = Contact.objects.create(email=self.email, consent=Contact.Consent.GRANTED)
        Activity.objects.create(kind=Activity.Kind.CHECKOUT_STARTED, basket=self.basket, contact=self.contact,
                                email=self.email, processed_at=timezone.now())


def simulated_day(catalogue, start, seed):
    """{moment: [what shoppers do then]} over DAY: 40 shoppers arrive at random times, browse,
    fill their basket over half an hour, some go to the checkout (minutes or hours later), some
    come back to their basket later in the day."""
    chooser = random.Random(seed)
    shoppers = [Shopper(number, member=number % 3 != 0) for number in range(40)]
    plan = {}

    def at(minutes, action, *arguments):
        moment = start + timedelta(minutes=minutes)
        if moment < start + DAY:
            plan.setdefault(moment, []).append((action, arguments))

    for shopper in shoppers:
        arrives = chooser.randrange(0, 10 * 60)
        for offset in sorted(chooser.sample(range(0, 40), 4)):
            at(arrives + offset, shopper.view, chooser.choice(catalogue))
        added = [arrives + offset for offset in sorted(chooser.sample(range(0, 30), chooser.randint(1, 3)))]
        for minutes in added:
            at(minutes, shopper.add, chooser.choice(catalogue))
        if chooser.random() < 0.5:
            at(added[-1] + chooser.choice([2, 20, 50, 90, 150]), shopper.go_to_checkout)
        if chooser.random() < 0.3:
            comes_back = added[-1] + chooser.randrange(40, 200)
            at(comes_back, shopper.view, chooser.choice(catalogue))
            at(comes_back + 1, shopper.add, chooser.choice(catalogue))
    return plan


def enrollments(journey):
    return sorted(Enrollment.objects.filter(journey=journey).values_list(
        "contact__email", "basket_id", "product_id", "created_at"))


@pytest.mark.parametrize("seed", [1, 2])
def test_scans_since_the_last_one_enroll_whom_whole_window_scans_enroll(catalogue, seed):
    triggers = registered_triggers()
    journeys = {
        trigger: {way: create_journey(f"{trigger} {way}", trigger=trigger, reentry="always",
                                      steps=[{"delay_hours": 0}])
                  for way in ("since the last scan", "whole window")}
        for trigger in ("abandoned_basket", "browse_abandonment")
    }
    start = timezone.now().replace(hour=7, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        plan = simulated_day(catalogue, start, seed)

    moment = start
    while moment <= start + DAY + timedelta(hours=3):
        with time_machine.travel(moment, tick=False):
            for action, arguments in plan.get(moment, []):
                action(*arguments)
            for name, by_way in journeys.items():
                if (moment - start) % triggers[name].interval:
                    continue
                JourneyScan.objects.filter(journey=by_way["whole window"]).delete()
                run_scan(triggers[name], moment)
        moment += timedelta(minutes=1)

    for name, by_way in journeys.items():
        since_last_scan = enrollments(by_way["since the last scan"])
        assert len(since_last_scan) >= 8, f"{name}: the simulated day leaves people to remind"
        assert since_last_scan == enrollments(by_way["whole window"]), name
