"""After delivery, a one-click 1-5 rating: stored with the order, shown in the admin; a low one
alerts the shop, a high one invites a review; a cancellation asks nothing."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import SurveyResponse
from oscar_lifecycle.signals import low_rating_received
from tests.shop import checkout, create_journey, register

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")

RATING_STEP = {
    "delay_hours": 24,
    "subject": "How was your order?",
    "body": [("rating", {"question": "How was your order?", "low_label": "Bad", "high_label": "Great"})],
}


@pytest.fixture
def survey_journey():
    return create_journey("Satisfaction", trigger="order_status", reentry="always", steps=[dict(RATING_STEP)])


@pytest.fixture
def delivered_order(client, catalogue, survey_journey):
    register(client, "rater@example.com")
    checkout(client, catalogue[0])
    order = Order.objects.get()
    for status in ("Being processed", "Shipped", "Delivered"):
        order.set_status(status)
    return order


def rating_links(email):
    return re.findall(r'href="(https://shop\.test/lifecycle/rate/[^"]+)"', email.alternatives[0][0])


def path_of(url):
    return url.removeprefix("https://shop.test")


def a_day_later():
    moment = timezone.now() + timedelta(hours=24, minutes=1)
    with time_machine.travel(moment, tick=False):
        run_lifecycle(moment)


def test_delivery_brings_one_rating_question_a_day_later(delivered_order, outbox):
    run_lifecycle()
    assert len(outbox) == 0
    a_day_later()
    assert [email.subject for email in outbox] == ["How was your order?"]
    assert [path_of(url).rstrip("/").rsplit("/", 1)[1] for url in rating_links(outbox[0])] == list("12345")


def test_shipping_and_cancelling_ask_nothing(client, catalogue, survey_journey, outbox):
    register(client, "cancel@example.com")
    checkout(client, catalogue[0])
    order = Order.objects.get()
    order.set_status("Being processed")
    order.set_status("Cancelled")
    a_day_later()
    assert len(outbox) == 0


def test_a_low_rating_is_stored_and_alerts_the_shop(delivered_order, outbox, client_class, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SERVICE_EMAIL": "care@shop.test"}
    alerts = []
    low_rating_received.connect(lambda response, **kwargs: alerts.append(response.rating), weak=False,
                                dispatch_uid="test-low-rating")
    a_day_later()
    link = path_of(rating_links(outbox[0])[1])
    browser = client_class()

    page = browser.get(link)
    assert page.status_code == 200 and b"Confirm my rating" in page.content
    assert not SurveyResponse.objects.exists(), "a link scanner's GET rates nothing"

    page = browser.post(link)
    low_rating_received.disconnect(dispatch_uid="test-low-rating")
    assert page.status_code == 200 and b"What went wrong?" in page.content
    response = SurveyResponse.objects.get()
    assert (response.rating, response.order, response.contact.email) == (2, delivered_order, "rater@example.com")
    assert alerts == [2]
    alert = [email for email in mail.outbox if email.to == ["care@shop.test"]]
    assert [email.subject for email in alert] == [f"Low rating: order {delivered_order.number} rated 2/5"]

    browser.post(link, {"comment": "The box was crushed."})
    assert SurveyResponse.objects.get().comment == "The box was crushed."
    browser.post(link)
    assert SurveyResponse.objects.count() == 1


def test_a_rating_changed_back_and_forth_alerts_the_shop_once(delivered_order, outbox, client_class, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SERVICE_EMAIL": "care@shop.test"}
    alerts = []
    low_rating_received.connect(lambda response, **kwargs: alerts.append(response.rating), weak=False,
                                dispatch_uid="test-low-rating-once")
    a_day_later()
    one, two, _three, _four, five = (path_of(url) for url in rating_links(outbox[0]))
    browser = client_class()

    for number in range(50):
        assert browser.post(one if number % 2 == 0 else two).status_code == 200
    browser.post(five)
    browser.post(one, {"comment": "Still crushed."})
    low_rating_received.disconnect(dispatch_uid="test-low-rating-once")

    alert = [email for email in mail.outbox if email.to == ["care@shop.test"]]
    assert [email.subject for email in alert] == [f"Low rating: order {delivered_order.number} rated 1/5"]
    assert alerts == [1]
    response = SurveyResponse.objects.get()
    assert (response.rating, response.comment) == (1, "Still crushed."), "the latest answer is kept"


def test_a_high_rating_invites_a_review_of_what_was_bought(delivered_order, outbox, client_class):
    a_day_later()
    page = client_class().post(path_of(rating_links(outbox[0])[4]))
    product = delivered_order.lines.get().product
    review_url = reverse("catalogue:reviews-add", kwargs={"product_slug": product.slug, "product_pk": product.pk})
    assert review_url in page.content.decode()
    assert SurveyResponse.objects.get().rating == 5


def test_the_admin_lists_ratings(delivered_order, outbox, client_class, client):
    a_day_later()
    client_class().post(path_of(rating_links(outbox[0])[2]))
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    page = client.get(reverse("oscar_lifecycle_ratings:index")).content.decode()
    assert "rater@example.com" in page and delivered_order.number in page


@pytest.mark.parametrize("mangle", [
    lambda path: path.replace("/3/", "/9/"),
    lambda path: path[:30] + "x" + path[31:],
    lambda path: path.split("/rate/")[0] + "/rate/forged-token/3/",
])
def test_a_forged_or_broken_rating_link_is_a_404(mangle, delivered_order, outbox, client_class):
    a_day_later()
    link = path_of(rating_links(outbox[0])[2])
    assert client_class().post(mangle(link)).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_pipeline_without_a_delivered_status_is_reported(settings):
    settings.OSCAR_ORDER_STATUS_PIPELINE = {"Pending": ("Cancelled",), "Cancelled": ()}
    assert "oscar_lifecycle.W006" in [message.id for message in run_checks()]
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "DELIVERED_STATUSES": ["Done"]}
    assert "oscar_lifecycle.W006" not in [message.id for message in run_checks()]


def rated_pages(outbox, client_class, rating):
    """The page after clicking ``rating`` in the email, then the page after sending a comment."""
    link = path_of(rating_links(outbox[0])[rating - 1])
    browser = client_class()
    first = browser.post(link).content.decode()
    return first, browser.post(link, {"comment": "The box was crushed."}).content.decode()


def test_without_a_service_address_the_rating_page_promises_no_answer(delivered_order, outbox, client_class):
    a_day_later()

    asked, commented = rated_pages(outbox, client_class, 1)

    assert "What could we have done better?" in asked
    assert "We have your comment: thank you." in commented
    assert "customer service" not in asked + commented, "nobody hears of it: no promise"
    assert SurveyResponse.objects.get().comment == "The box was crushed.", "kept for the ratings list"


def test_with_a_service_address_a_low_rating_is_promised_an_answer(
    delivered_order, outbox, client_class, settings
):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SERVICE_EMAIL": "care@shop.test"}
    a_day_later()

    asked, commented = rated_pages(outbox, client_class, 2)

    assert "What went wrong? Our customer service reads every answer." in asked
    assert "We have your comment: our customer service will get back to you." in commented


def test_a_middling_rating_alerts_nobody_and_is_promised_nothing(delivered_order, outbox, client_class, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SERVICE_EMAIL": "care@shop.test"}
    a_day_later()

    asked, commented = rated_pages(outbox, client_class, 3)

    assert "customer service" not in asked + commented
    assert not [email for email in mail.outbox if email.to == ["care@shop.test"]]
