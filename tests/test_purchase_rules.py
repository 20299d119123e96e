"""Segments of customers by what they bought: how many orders, how much, when, what, and
whether an order is still on its way; orders placed with an account or as a guest count alike."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.models import Segment
from tests.shop import JIT_OFF, assert_rule_holds, create_catalogue, create_category, place_order, segment_of

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")


@pytest.fixture
def shoppers(django_user_model):
    """Ann orders with her account, Bob as a guest (typing his address in capitals), Cid never."""
    ann = django_user_model.objects.create_user(username="ann", email="ann@example.com")
    return {
        "ann": (ann, contact_for("ann@example.com", user=ann)),
        "bob": (None, contact_for("bob@example.com")),
        "cid": (None, contact_for("cid@example.com")),
    }


def order(shoppers, name, *lines):
    user, contact = shoppers[name]
    if user is not None:
        return place_order(*lines, user=user)
    return place_order(*lines, guest_email=contact.email.upper())


def contacts(shoppers, *names):
    return [shoppers[name][1] for name in names]


def test_number_of_orders_total_spent_and_average_order_value(shoppers):
    first, second, third = create_catalogue()  # 10, 20 and 30 euros
    order(shoppers, "ann", (first, 1))
    order(shoppers, "ann", (third, 1))
    order(shoppers, "bob", (second, 1))
    everyone = contacts(shoppers, "ann", "bob", "cid")

    assert_rule_holds("order_count", {"minimum": 2}, contacts(shoppers, "ann"), everyone)
    assert_rule_holds("order_count", {"minimum": 1, "maximum": 1}, contacts(shoppers, "bob"), everyone)
    assert_rule_holds("order_count", {"maximum": 0}, contacts(shoppers, "cid"), everyone)
    assert_rule_holds("total_spent", {"minimum": "30.00"}, contacts(shoppers, "ann"), everyone)
    assert_rule_holds("total_spent", {"maximum": "20.00"}, contacts(shoppers, "bob", "cid"), everyone)
    assert_rule_holds("average_order_value", {"minimum": "20", "maximum": "20"},
                      contacts(shoppers, "ann", "bob"), everyone)
    assert_rule_holds("average_order_value", {"maximum": "100"}, contacts(shoppers, "ann", "bob"), everyone)


def test_dates_of_the_first_and_the_last_order(shoppers):
    product, *_others = create_catalogue()
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=100), tick=False):
        order(shoppers, "ann", (product, 1))
    with time_machine.travel(now - timedelta(days=50), tick=False):
        order(shoppers, "bob", (product, 1))
    with time_machine.travel(now - timedelta(days=5), tick=False):
        order(shoppers, "ann", (product, 1))
    everyone = contacts(shoppers, "ann", "bob", "cid")

    assert_rule_holds("last_order", {"when": "within", "days": 30}, contacts(shoppers, "ann"), everyone)
    assert_rule_holds("last_order", {"when": "before", "days": 30}, contacts(shoppers, "bob"), everyone)
    assert_rule_holds("last_order", {"when": "never"}, contacts(shoppers, "cid"), everyone)
    assert_rule_holds("first_order", {"when": "within", "days": 60}, contacts(shoppers, "bob"), everyone)
    assert_rule_holds("first_order", {"when": "before", "days": 60}, contacts(shoppers, "ann"), everyone)
    assert_rule_holds("first_order", {"when": "never"}, contacts(shoppers, "cid"), everyone)

    with time_machine.travel(now + timedelta(days=30), tick=False):  # a month later, Ann's order is 35 days old
        assert_rule_holds("last_order", {"when": "within", "days": 30}, [], everyone)


def test_bought_a_product_a_category_and_its_subcategories_or_a_product_class(shoppers):
    green_tea, coffee, _other = create_catalogue()
    tea = create_category("Tea")
    create_category("Green", [green_tea], parent=tea)
    create_category("Coffee", [coffee])
    beans = ProductClass.objects.create(name="Beans")
    Product.objects.filter(pk=coffee.pk).update(product_class=beans)
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=200), tick=False):
        order(shoppers, "ann", (green_tea, 1))
    with time_machine.travel(now - timedelta(days=10), tick=False):
        order(shoppers, "bob", (coffee, 2))
    everyone = contacts(shoppers, "ann", "bob", "cid")

    assert_rule_holds("bought_category", {"category": tea.pk}, contacts(shoppers, "ann"), everyone)
    assert_rule_holds("bought_category", {"category": tea.pk, "days": 90}, [], everyone)
    assert_rule_holds("bought_product", {"product": coffee.pk, "days": 30}, contacts(shoppers, "bob"), everyone)
    assert_rule_holds("bought_product", {"product": green_tea.pk}, contacts(shoppers, "ann"), everyone)
    assert_rule_holds("bought_product_class", {"product_class": str(beans.pk)}, contacts(shoppers, "bob"), everyone)


def test_a_variant_bought_counts_for_its_parent_product_its_categories_and_class(shoppers):
    product_class = ProductClass.objects.create(name="Teapots", track_stock=False)
    teapot = Product.objects.create(title="Teapot", structure=Product.PARENT, product_class=product_class)
    blue = Product.objects.create(title="Blue teapot", structure=Product.CHILD, parent=teapot)
    get_model("partner", "StockRecord").objects.create(
        product=blue, partner=get_model("partner", "Partner").objects.create(name="Potter"),
        partner_sku="BLUE", price=25, price_currency="EUR", num_in_stock=5)
    kitchen = create_category("Kitchen", [teapot])
    order(shoppers, "ann", (blue, 1))
    everyone = contacts(shoppers, "ann", "bob", "cid")

    assert_rule_holds("bought_product", {"product": teapot.pk}, contacts(shoppers, "ann"), everyone)
    assert_rule_holds("bought_category", {"category": kitchen.pk}, contacts(shoppers, "ann"), everyone)
    assert_rule_holds("bought_product_class", {"product_class": str(product_class.pk)},
                      contacts(shoppers, "ann"), everyone)


def test_an_order_not_yet_at_the_end_of_the_pipeline(shoppers, settings):
    product, *_others = create_catalogue()
    order(shoppers, "ann", (product, 1)).set_status("Being processed")
    delivered = order(shoppers, "bob", (product, 1))
    for status in ("Being processed", "Shipped", "Delivered"):
        delivered.set_status(status)
    everyone = contacts(shoppers, "ann", "bob", "cid")

    assert_rule_holds("open_order", {}, contacts(shoppers, "ann"), everyone)
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "FINISHED_ORDER_STATUSES": ["Being processed", "Delivered"]}
    assert_rule_holds("open_order", {}, [], everyone)


@override_settings(OSCAR_ORDER_STATUS_PIPELINE={})
def test_without_a_pipeline_the_open_order_rule_asks_for_the_finished_statuses(shoppers):
    with pytest.raises(ValidationError, match="Has an order not yet at the end of its fulfilment: .*FINISHED_ORDER_STATUSES"):
        Segment(name="Waiting", rules=[{"type": "open_order", "value": {}}]).full_clean()


@pytest.mark.parametrize(("rule", "rule_settings", "message"), [
    ("order_count", {"minimum": 3, "maximum": 2}, "Number of orders: The minimum is above the maximum."),
    ("order_count", {"minimum": -1}, "Number of orders: A bound cannot be negative."),
    ("order_count", {}, "Number of orders: Give a minimum, a maximum or both."),
    ("total_spent", {"minimum": "100", "maximum": "50"}, "Total spent: The minimum is above the maximum."),
    ("last_order", {"when": "within", "days": -3}, "Date of the last order: The number of days cannot be negative."),
    ("first_order", {"when": "within"}, "Date of the first order: Give a number of days."),
    ("first_order", {"days": 3}, "Date of the first order: Choose when."),
    ("bought_product", {"product": 999999}, "Bought a product: The product no longer exists."),
    ("bought_product", {"product": None}, "Bought a product: Choose a product."),
    ("bought_category", {"category": 999999}, "Bought in a category (or its subcategories): The category no longer exists."),
    ("bought_product_class", {"product_class": "999999"},
     "Bought a product of a type (product class): The product type no longer exists."),
    ("bought_product_class", {"product_class": ""}, "Bought a product of a type (product class): Choose a product type."),
])
def test_settings_that_cannot_work_are_refused_on_save_naming_the_rule(rule, rule_settings, message):
    segment = Segment(name="Broken", rules=[{"type": rule, "value": rule_settings}])
    with pytest.raises(ValidationError) as refused:
        segment.full_clean()
    assert refused.value.message_dict["rules"] == [message]


def test_counting_costs_the_same_queries_for_three_customers_or_thirty(shoppers, django_assert_num_queries):
    product, *_others = create_catalogue()
    tea = create_category("Tea", [product])
    segment = segment_of(
        ("order_count", {"minimum": 1}), ("total_spent", {"minimum": "5"}), ("average_order_value", {"maximum": "500"}),
        ("first_order", {"when": "before", "days": 0}), ("last_order", {"when": "within", "days": 30}),
        ("bought_category", {"category": tea.pk, "days": 30}), ("bought_product", {"product": product.pk}),
        ("bought_product_class", {"product_class": str(product.product_class_id)}), ("open_order", {}),
    )
    order(shoppers, "ann", (product, 1))
    # the products of the category (its place in the tree, then its products), of the product,
    # of the product class, then the count
    with django_assert_num_queries(5 + JIT_OFF):
        assert segment.count() == 1
    for number in range(30):
        place_order((product, 1), guest_email=contact_for(f"guest{number}@example.com").email)
    with django_assert_num_queries(5 + JIT_OFF):
        assert segment.count() == 31
