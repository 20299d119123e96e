"""'Back to my basket' on another device: the reminder's basket link copies the basket it was about
into the visitor's own basket (a guest who left at checkout, a member not signed in on their
phone), through Oscar's real views. The basket row itself never changes hands, an old or broken
link restores nothing, and the click counts as a click of the email."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Message, MessageEvent
from oscar_lifecycle.tracking.tokens import BASKET_SALT
from tests.shop import (
    PASSWORD,
    add_to_basket,
    checkout,
    create_journey,
    place_order,
    register,
    register_subscriber,
    subscribe_at_checkout,
)

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")

BASKET_PAGE = "https://shop.test/basket/"
BASKET_LINK = re.compile(r"https://shop\.test(/lifecycle/basket/[^/\"\s]+/)")
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"


@pytest.fixture
def basket_journey():
    """A reminder as the ready-made programme writes it: the basket's lines and a button to the basket."""
    return create_journey("Abandoned basket", trigger="abandoned_basket", goal="order_placed", reentry="always",
                          steps=[{"delay_hours": 0, "subject": "Your basket is waiting", "body": [
                              ("basket_lines", None),
                              ("button", {"text": "Back to my basket", "url": "/basket/"}),
                          ]}])


def reminder_after_an_hour(outbox):
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        run_lifecycle()
    [reminder] = outbox
    return reminder


def basket_link(email):
    """The reminder's button; the text part lists the same link."""
    [path] = set(BASKET_LINK.findall(email.alternatives[0][0]))
    assert BASKET_LINK.findall(email.body) == [path]
    return path


def basket_page(client, path):
    """Follow ``path`` from a phone; return Oscar's basket page it leads to."""
    response = client.get(path, follow=True, HTTP_USER_AGENT=PHONE)
    assert response.redirect_chain == [(reverse("basket:summary"), 302)]
    assert response.status_code == 200
    return response


def lines_on(page):
    """{product title: quantity} of the basket the page shows."""
    return {line.product.get_title(): line.quantity for line in page.context["basket"].all_lines()}


def alerts_on(page):
    return [str(message) for message in page.context["messages"]]


def state_of(basket):
    basket.refresh_from_db()
    return basket.owner_id, basket.status, sorted(basket.lines.values_list("product__title", "quantity"))


def test_a_member_on_a_phone_they_never_signed_in_on_finds_their_basket(
    basket_journey, client, client_class, catalogue, outbox
):
    register_subscriber(client, "ada@example.com")
    add_to_basket(client, catalogue[0], quantity=2)
    add_to_basket(client, catalogue[2])
    original = Basket.objects.get(owner__email="ada@example.com")
    before = state_of(original)
    link = basket_link(reminder_after_an_hour(outbox))

    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):  # read at lunch
        page = basket_page(client_class(), link)

    assert lines_on(page) == {"Product 1": 2, "Product 3": 1}
    assert "Product 1" in page.content.decode() and "Product 3" in page.content.decode()
    assert alerts_on(page) == ["Your basket is back."]
    assert page.context["basket"].pk != original.pk and page.context["basket"].owner is None, \
        "a copy in the phone's own basket: the member's basket row is not handed over"
    assert state_of(original) == before
    click = MessageEvent.objects.get(kind=MessageEvent.Kind.CLICKED)
    assert (click.url, click.is_machine) == (BASKET_PAGE, False)
    assert Message.objects.get(journey=basket_journey).click_count == 1


def test_a_guest_who_left_at_checkout_finds_their_basket_on_another_device(
    basket_journey, client, client_class, catalogue, outbox
):
    add_to_basket(client, catalogue[1], quantity=3)
    subscribe_at_checkout(client, "guest@example.com")
    original = Basket.objects.get(lines__product=catalogue[1])
    before = state_of(original)
    link = basket_link(reminder_after_an_hour(outbox))

    page = basket_page(client_class(), link)

    assert lines_on(page) == {"Product 2": 3}
    assert state_of(original) == before


def test_a_link_followed_again_or_from_the_next_reminder_restores_once(
    basket_journey, client, client_class, catalogue, outbox
):
    register_subscriber(client, "twice@example.com")
    add_to_basket(client, catalogue[0], quantity=2)
    link = basket_link(reminder_after_an_hour(outbox))
    phone = client_class()

    basket_page(phone, link)
    add_to_basket(phone, catalogue[1])  # the shopper goes on shopping on the phone
    page = basket_page(phone, link)

    assert lines_on(page) == {"Product 1": 2, "Product 2": 1}


def test_the_member_signing_in_on_the_phone_finds_one_basket_without_doubled_quantities(
    basket_journey, client, client_class, catalogue, outbox
):
    register_subscriber(client, "later@example.com")
    add_to_basket(client, catalogue[0], quantity=2)
    original = Basket.objects.get(owner__email="later@example.com")
    link = basket_link(reminder_after_an_hour(outbox))
    phone = client_class()
    basket_page(phone, link)

    signed_in = phone.post(reverse("customer:login"), {
        "login-username": "later@example.com", "login-password": PASSWORD, "login_submit": "1",
    })
    assert signed_in.status_code == 302
    page = phone.get(reverse("basket:summary"))

    assert page.context["basket"].pk == original.pk
    assert lines_on(page) == {"Product 1": 2}


def test_a_forwarded_email_gives_the_lines_to_the_reader_never_the_owners_basket(
    basket_journey, client, client_class, catalogue, outbox
):
    register_subscriber(client, "owner@example.com")
    add_to_basket(client, catalogue[0])
    original = Basket.objects.get(owner__email="owner@example.com")
    link = basket_link(reminder_after_an_hour(outbox))
    friend = client_class()
    register(friend, "friend@example.com")

    page = basket_page(friend, link)
    friends_basket = page.context["basket"]
    friend.post(reverse("basket:summary"), {  # the friend empties their basket
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
        "form-0-id": friends_basket.all_lines()[0].pk, "form-0-quantity": "0",
    })

    assert friends_basket.owner.email == "friend@example.com"
    assert lines_on(friend.get(reverse("basket:summary"))) == {}
    assert state_of(original) == (original.owner_id, Basket.OPEN, [("Product 1", 1)])
    assert lines_on(client.get(reverse("basket:summary"))) == {"Product 1": 1}, "the owner's basket is as they left it"


def test_the_owner_following_their_link_where_they_are_signed_in_changes_nothing(
    basket_journey, client, catalogue, outbox
):
    register_subscriber(client, "home@example.com")
    add_to_basket(client, catalogue[0], quantity=2)
    link = basket_link(reminder_after_an_hour(outbox))

    page = basket_page(client, link)

    assert lines_on(page) == {"Product 1": 2}
    assert Basket.objects.count() == 1


def test_products_that_can_no_longer_be_bought_are_left_out_and_named(
    basket_journey, client, client_class, catalogue, outbox
):
    register_subscriber(client, "sold-out@example.com")
    for product in catalogue:
        add_to_basket(client, product)
    link = basket_link(reminder_after_an_hour(outbox))
    StockRecord.objects.filter(product=catalogue[0]).update(num_in_stock=0)
    catalogue[1].is_public = False
    catalogue[1].save()

    page = basket_page(client_class(), link)

    assert lines_on(page) == {"Product 3": 1}
    assert alerts_on(page) == [
        "“Product 1” can no longer be bought: it was left out.",
        "“Product 2” can no longer be bought: it was left out.",
        "Your basket is back.",
    ]


def test_what_the_shopper_bought_since_is_not_put_back(basket_journey, client, client_class, catalogue, outbox):
    register_subscriber(client, "bought@example.com")
    add_to_basket(client, catalogue[0])
    add_to_basket(client, catalogue[1])
    link = basket_link(reminder_after_an_hour(outbox))
    place_order((catalogue[0], 1), user=get_user_model().objects.get(email="bought@example.com"))

    page = basket_page(client_class(), link)

    assert lines_on(page) == {"Product 2": 1}
    assert alerts_on(page) == ["Your basket is back."]


@pytest.mark.parametrize("max_age, days_later, restored", [
    (None, 6, True), (None, 8, False), (timedelta(days=1), 2, False),
])
def test_a_link_older_than_basket_link_max_age_restores_nothing_and_says_so(
    max_age, days_later, restored, settings, basket_journey, client, client_class, catalogue, outbox
):
    if max_age is not None:
        settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "BASKET_LINK_MAX_AGE": max_age}
    register_subscriber(client, "slow@example.com")
    add_to_basket(client, catalogue[0])
    link = basket_link(reminder_after_an_hour(outbox))

    with time_machine.travel(timezone.now() + timedelta(days=days_later, hours=2)):
        page = basket_page(client_class(), link)

    if restored:
        assert lines_on(page) == {"Product 1": 1}
    else:
        assert lines_on(page) == {}
        assert alerts_on(page) == ["This link to your basket has expired."]


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-3],
    lambda token: token[:10] + ("A" if token[10] != "A" else "B") + token[11:],
    lambda token: signing.dumps([1, 1], salt="oscar_lifecycle.click", compress=True),
    lambda token: signing.dumps(["1", None], salt=BASKET_SALT),
], ids=["cut", "changed", "another link's token", "names no basket"])
def test_a_forged_or_mangled_link_is_a_404_and_restores_nothing(
    mangle, basket_journey, client, client_class, catalogue, outbox
):
    register_subscriber(client, "victim@example.com")
    add_to_basket(client, catalogue[0])
    token = basket_link(reminder_after_an_hour(outbox)).split("/")[-2]
    stranger = client_class()

    response = stranger.get(f"/lifecycle/basket/{mangle(token)}/")

    assert response.status_code == 404
    assert lines_on(stranger.get(reverse("basket:summary"))) == {}
    assert Basket.objects.count() == 1
    assert not MessageEvent.objects.exists()


def order(client, basket):
    checkout(client, get_model("catalogue", "Product").objects.get(title="Product 2"))
    basket.refresh_from_db()
    assert basket.status == Basket.SUBMITTED


def merge(client, basket):
    Basket.objects.create(owner=basket.owner).merge(basket)


CHANGES = {
    "ordered": (order, "This basket was ordered already."),
    "merged": (merge, "This basket was moved into a customer account: sign in to see it."),
    "emptied": (lambda client, basket: basket.flush(), "There is nothing left in this basket."),
    "deleted": (lambda client, basket: basket.delete(), "This basket is no longer saved."),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_basket_since_ordered_merged_emptied_or_deleted_restores_nothing_and_says_so(
    change, basket_journey, client, client_class, catalogue, outbox
):
    register_subscriber(client, "done@example.com")
    add_to_basket(client, catalogue[0])
    link = basket_link(reminder_after_an_hour(outbox))
    make_change, alert = CHANGES[change]
    make_change(client, Basket.objects.get(owner__email="done@example.com"))

    page = basket_page(client_class(), link)

    assert (lines_on(page), alerts_on(page)) == ({}, [alert])


def test_a_link_scanners_head_request_counts_a_machine_click_and_restores_nothing(
    basket_journey, client, client_class, catalogue, outbox
):
    register_subscriber(client, "scanned@example.com")
    add_to_basket(client, catalogue[0])
    link = basket_link(reminder_after_an_hour(outbox))

    response = client_class().head(link)

    assert (response.status_code, response["Location"]) == (302, reverse("basket:summary"))
    assert Basket.objects.count() == 1
    assert MessageEvent.objects.get().is_machine
