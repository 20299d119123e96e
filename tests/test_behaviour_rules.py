"""Segments of shoppers by what they did in the shop: the products and categories they looked
at, the basket they left open (members and guests), the rating they gave their order."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Segment
from tests.shop import (
    JIT_OFF, add_to_basket, assert_rule_holds, checkout, create_category, create_journey, register, segment_of,
    start_guest_checkout,
)

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def shopper(client_class, email):
    """A browser whose shopper registered with ``email``, and their contact."""
    browser = client_class()
    register(browser, email)
    run_lifecycle()
    return browser, Contact.objects.get(email=email)


def view_at(moment, browser, product):
    with time_machine.travel(moment, tick=False):
        assert browser.get(product.get_absolute_url()).status_code == 200
        run_lifecycle(moment)


def test_viewed_a_product_or_a_category_within_days(client_class, catalogue):
    green_tea, coffee, _other = catalogue
    tea = create_category("Tea")
    create_category("Green", [green_tea], parent=tea)
    now = timezone.now()
    ann_browser, ann = shopper(client_class, "ann@example.com")
    bob_browser, bob = shopper(client_class, "bob@example.com")
    _cid_browser, cid = shopper(client_class, "cid@example.com")
    view_at(now - timedelta(days=10), ann_browser, green_tea)
    view_at(now - timedelta(hours=1), bob_browser, coffee)
    everyone = [ann, bob, cid]

    assert_rule_holds("viewed_product", {"product": green_tea.pk, "days": 30}, [ann], everyone)
    assert_rule_holds("viewed_product", {"product": green_tea.pk, "days": 5}, [], everyone)
    assert_rule_holds("viewed_category", {"category": tea.pk, "days": 30}, [ann], everyone)
    assert_rule_holds("viewed_product", {"product": coffee.pk, "days": 1}, [bob], everyone)


def test_an_open_basket_of_a_member_or_of_a_guest_who_gave_their_address(client_class, catalogue):
    product, *_others = catalogue
    ann_browser, ann = shopper(client_class, "ann@example.com")
    add_to_basket(ann_browser, product)
    guest = client_class()
    add_to_basket(guest, product)
    start_guest_checkout(guest, "bob@example.com")
    run_lifecycle()
    bob = Contact.objects.get(email="bob@example.com")
    cid_browser, cid = shopper(client_class, "cid@example.com")
    checkout(cid_browser, product)  # ordered: the basket is submitted
    dan_browser, dan = shopper(client_class, "dan@example.com")
    add_to_basket(dan_browser, product)
    line = get_model("basket", "Line").objects.get(basket__owner=dan.user)
    emptied = dan_browser.post(reverse("basket:summary"), {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(line.pk), "form-0-quantity": "0"})
    assert emptied.status_code == 302 and not get_model("basket", "Line").objects.filter(pk=line.pk).exists()
    everyone = [ann, bob, cid, dan]

    assert_rule_holds("open_basket", {}, [ann, bob], everyone)


RATING_STEP = {
    "delay_hours": 24,
    "subject": "How was your order?",
    "body": [("rating", {"question": "How was your order?", "low_label": "Bad", "high_label": "Great"})],
}


def test_rated_an_order_at_most_or_at_least_within_days(client_class, catalogue, outbox):
    create_journey("Satisfaction", trigger="order_status", reentry="always", steps=[dict(RATING_STEP)])
    buyers = {}
    for email in ("ann@example.com", "bob@example.com", "cid@example.com"):
        browser, contact = shopper(client_class, email)
        checkout(browser, catalogue[0])
        order = Order.objects.get(user=contact.user)
        for status in ("Being processed", "Shipped", "Delivered"):
            order.set_status(status)
        buyers[email] = contact
    moment = timezone.now() + timedelta(hours=24, minutes=1)
    with time_machine.travel(moment, tick=False):
        run_lifecycle(moment)
    for email, rating in (("ann@example.com", 2), ("bob@example.com", 5)):
        [question] = [sent for sent in outbox if sent.to == [email]]
        link = re.findall(r'href="https://shop\.test(/lifecycle/rate/[^"]+)"', question.alternatives[0][0])[rating - 1]
        assert client_class().post(link).status_code == 200
    ann, bob, cid = buyers.values()
    everyone = [ann, bob, cid]

    assert_rule_holds("rating", {"comparison": "lte", "rating": 2}, [ann], everyone)
    assert_rule_holds("rating", {"comparison": "gte", "rating": 4, "days": 7}, [bob], everyone)
    with time_machine.travel(timezone.now() + timedelta(days=10), tick=False):
        assert_rule_holds("rating", {"comparison": "gte", "rating": 4, "days": 7}, [], everyone)
        assert_rule_holds("rating", {"comparison": "gte", "rating": 4}, [bob], everyone)


@pytest.mark.parametrize(("rule", "rule_settings", "message"), [
    ("viewed_product", {"product": 999999, "days": 3}, "Viewed a product: The product no longer exists."),
    ("viewed_product", {"days": 3}, "Viewed a product: Choose a product."),
    ("viewed_category", {"category": 999999, "days": 3},
     "Viewed a product of a category (or its subcategories): The category no longer exists."),
    ("rating", {"comparison": "lte", "rating": 6}, "Rated an order: The rating is from 1 to 5."),
    ("rating", {"rating": 3}, "Rated an order: Choose \"at most\" or \"at least\"."),
    ("rating", {"comparison": "gte", "rating": 3, "days": -1}, "Rated an order: The number of days cannot be negative."),
])
def test_settings_that_cannot_work_are_refused_on_save_naming_the_rule(rule, rule_settings, message):
    with pytest.raises(ValidationError) as refused:
        Segment(name="Broken", rules=[{"type": rule, "value": rule_settings}]).full_clean()
    assert refused.value.message_dict["rules"] == [message]


def test_a_negative_number_of_days_for_a_view_is_refused_naming_the_rule(catalogue):
    with pytest.raises(ValidationError) as refused:
        Segment(name="Broken", rules=[{"type": "viewed_product",
                                       "value": {"product": catalogue[0].pk, "days": -2}}]).full_clean()
    assert refused.value.message_dict["rules"] == ["Viewed a product: The number of days cannot be negative."]


def test_counting_costs_the_same_queries_for_one_shopper_or_ten(client_class, catalogue, django_assert_num_queries):
    product, *_others = catalogue
    tea = create_category("Tea", [product])
    segment = segment_of(
        ("viewed_product", {"product": product.pk, "days": 7}), ("viewed_category", {"category": tea.pk, "days": 7}),
        ("open_basket", {}), ("rating", {"comparison": "gte", "rating": 1}), match="any",
    )
    browser, _ann = shopper(client_class, "shopper0@example.com")
    add_to_basket(browser, product)
    # the products of the category (its place in the tree, then its products), of the product,
    # then the count
    with django_assert_num_queries(4 + JIT_OFF):
        assert segment.count() == 1
    for number in range(1, 10):
        browser, _contact = shopper(client_class, f"shopper{number}@example.com")
        view_at(timezone.now(), browser, product)
    with django_assert_num_queries(4 + JIT_OFF):
        assert segment.count() == 10
