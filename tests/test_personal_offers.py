"""Personal offers: a single-use Oscar voucher per contact and journey run, shown with its code
and expiry, usable at Oscar's checkout; the loyalty journey after the Nth order."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from oscar.core.loading import get_model

from oscar_lifecycle.content.preview import journey_preview_context
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import PersonalVoucher
from tests.backends import OutageBackend
from tests.shop import add_to_basket, checkout, create_journey, register, register_subscriber, subscriber

pytestmark = pytest.mark.django_db
Benefit = get_model("offer", "Benefit")
Condition = get_model("offer", "Condition")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Range = get_model("offer", "Range")
Voucher = get_model("voucher", "Voucher")


@pytest.fixture
def ten_percent_offer(catalogue):
    everything = Range.objects.create(name="Everything", includes_all_products=True)
    return ConditionalOffer.objects.create(
        name="10% for you", offer_type=ConditionalOffer.VOUCHER,
        condition=Condition.objects.create(range=everything, type=Condition.COUNT, value=1),
        benefit=Benefit.objects.create(range=everything, type=Benefit.PERCENTAGE, value=Decimal("10")),
    )


def offer_step(offer, subject="A gift for you", delay_hours=0):
    return {"delay_hours": delay_hours, "subject": subject, "body": [
        ("personal_offer", {"offer": str(offer.pk), "valid_days": 10, "text": "<p>Just for you:</p>"}),
    ]}


def code_in(email):
    return re.search(r'class="offer-code"[^>]*>([A-Z0-9-]+)<', email.alternatives[0][0]).group(1)


def test_each_contact_gets_their_own_single_use_code_with_its_expiry(ten_percent_offer, outbox):
    create_journey("Gift", steps=[offer_step(ten_percent_offer)])
    for email in ("one@example.com", "two@example.com"):
        enroll("registration", subscriber(email))
    run_lifecycle()

    codes = [code_in(email) for email in outbox]
    assert len(set(codes)) == 2
    voucher = Voucher.objects.get(code=codes[0])
    assert voucher.usage == Voucher.SINGLE_USE
    assert list(voucher.offers.all()) == [ten_percent_offer]
    assert abs(voucher.end_datetime - (timezone.now() + timedelta(days=10))) < timedelta(minutes=1)
    expiry = date_format(timezone.localtime(voucher.end_datetime), "DATE_FORMAT")
    assert f"Your code, for one order, until {expiry}." in outbox[0].alternatives[0][0]


def test_a_retried_step_and_a_later_step_show_the_same_code(ten_percent_offer, outbox, settings):
    create_journey("Gift", steps=[offer_step(ten_percent_offer), offer_step(ten_percent_offer, "Reminder", 24)])
    enroll("registration", subscriber("retry@example.com"))
    settings.EMAIL_BACKEND = "tests.backends.OutageBackend"
    OutageBackend.failures_left = 1
    run_lifecycle()
    assert len(outbox) == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        run_lifecycle()
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        run_lifecycle()

    assert [email.subject for email in outbox] == ["A gift for you", "Reminder"]
    assert code_in(outbox[0]) == code_in(outbox[1])
    assert PersonalVoucher.objects.count() == Voucher.objects.count() == 1


def test_the_code_works_at_oscars_checkout(ten_percent_offer, outbox, client, catalogue):
    create_journey("Gift", steps=[offer_step(ten_percent_offer)])
    register_subscriber(client, "shopper@example.com")
    run_lifecycle()
    add_to_basket(client, catalogue[0])
    response = client.post(reverse("basket:vouchers-add"), {"code": code_in(outbox[0])}, follow=True)
    assert "10% for you" in response.content.decode()
    basket = response.context["basket"]
    assert basket.total_discount == Decimal("1.00")


def test_previews_show_a_sample_code_and_issue_nothing(ten_percent_offer):
    journey = create_journey("Gift", steps=[offer_step(ten_percent_offer)])
    previews = journey_preview_context(journey, "")["previews"]
    assert "SAMPLE-CODE-1234" in previews[0]["rendered"].html
    assert not Voucher.objects.exists()


def test_the_loyalty_journey_starts_with_the_third_order(client, catalogue, outbox, ten_percent_offer):
    create_journey("Thank you, loyal customer", trigger="loyalty", reentry="always",
                   steps=[offer_step(ten_percent_offer, "Your third order!")])
    register(client, "loyal@example.com")
    for product in (catalogue[0], catalogue[1], catalogue[2], catalogue[0]):
        checkout(client, product)
        run_lifecycle()
    assert [email.subject for email in outbox] == ["Your third order!"]
