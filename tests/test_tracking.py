"""Opens and clicks: every link of a sent email goes through a signed redirect bound to that
email, the pixel records opens; machines are told apart and never count as engagement."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.engine.test_send import send_test_email
from oscar_lifecycle.models import Contact, Message, MessageEvent
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db
PRODUCT_URL = "https://shop.test/catalogue/"
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
APPLE_PROXY = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"


@pytest.fixture
def sent_email(outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0, "body": [
        ("button", {"text": "Shop now", "url": "/catalogue/"}),
        ("button", {"text": "Our blog", "url": "https://blog.example.org/post?id=1&lang=fr"}),
    ]}])
    enroll("registration", subscriber("reader@example.com"))
    run_lifecycle()
    return outbox[0]


def paths(email, kind):
    return re.findall(rf'https://shop\.test(/lifecycle/{kind}/[^"]+)"', email.alternatives[0][0])


def a_minute_later():
    return time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False)


def test_a_click_goes_where_the_email_said_and_counts_once_per_link(sent_email, client):
    shop_link, blog_link = paths(sent_email, "c")
    with a_minute_later():
        response = client.get(shop_link, HTTP_USER_AGENT=BROWSER)
        client.get(shop_link, HTTP_USER_AGENT=BROWSER)
        blog = client.get(blog_link, HTTP_USER_AGENT=BROWSER)

    assert (response.status_code, response.url) == (302, PRODUCT_URL)
    assert blog.url == "https://blog.example.org/post?id=1&lang=fr"
    clicks = MessageEvent.objects.filter(kind="clicked")
    assert sorted(clicks.values_list("url", "is_machine")) == [
        ("https://blog.example.org/post?id=1&lang=fr", False), (PRODUCT_URL, False),
    ]
    message = Message.objects.get()
    assert (message.click_count, message.clicked_at is not None) == (3, True)
    assert Contact.objects.get().last_engagement_at is not None


def test_the_text_part_links_are_tracked_too_but_not_the_unsubscribe_link(sent_email):
    assert "https://shop.test/lifecycle/c/" in sent_email.body
    assert re.search(r"https://shop\.test/lifecycle/unsubscribe/[^/\s]+/", sent_email.alternatives[0][0])
    assert not re.search(r"/lifecycle/c/[^\"]+\"[^>]*>Unsubscribe", sent_email.alternatives[0][0])


def test_the_pixel_records_a_persons_open(sent_email, client):
    [pixel] = paths(sent_email, "o")
    with a_minute_later():
        response = client.get(pixel, HTTP_USER_AGENT=BROWSER)
    assert response["Content-Type"] == "image/gif" and response["Cache-Control"] == "no-store, private"
    message = Message.objects.get()
    assert (message.open_count, message.opened_at is not None) == (1, True)
    assert MessageEvent.objects.get().is_machine is False
    assert Contact.objects.get().last_engagement_at is not None


@pytest.mark.parametrize("user_agent, seconds_after_send", [
    (APPLE_PROXY, 3600), ("", 3600), ("Barracuda Email Security Link Protection", 3600), (BROWSER, 2),
])
def test_machine_opens_and_clicks_are_kept_flagged_and_never_count(
    user_agent, seconds_after_send, sent_email, client
):
    [pixel] = paths(sent_email, "o")
    shop_link = paths(sent_email, "c")[0]
    with time_machine.travel(Message.objects.get().sent_at + timedelta(seconds=seconds_after_send), tick=False):
        client.get(pixel, HTTP_USER_AGENT=user_agent)
        response = client.get(shop_link, HTTP_USER_AGENT=user_agent)

    assert response.url == PRODUCT_URL, "a scanner is still sent on, or it would flag the link"
    assert set(MessageEvent.objects.values_list("kind", "is_machine")) == {("opened", True), ("clicked", True)}
    message = Message.objects.get()
    assert (message.open_count, message.click_count, message.opened_at, message.clicked_at) == (0, 0, None, None)
    assert Contact.objects.get().last_engagement_at is None


@pytest.mark.parametrize("mangle", [
    lambda path: path[:-8] + "/",  # truncated
    lambda path: path.replace("/c/", "/c/x"),  # tampered
    lambda path: path[:20] + ("A" if path[20] != "A" else "B") + path[21:],
])
def test_a_tampered_or_truncated_link_is_a_404(mangle, sent_email, client):
    response = client.get(mangle(paths(sent_email, "c")[0]), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 404
    assert not MessageEvent.objects.exists()


def test_a_pixel_token_is_no_link_and_a_link_token_no_pixel(sent_email, client):
    [pixel] = paths(sent_email, "o")
    link = paths(sent_email, "c")[0]
    pixel_token = pixel.split("/o/")[1].removesuffix(".gif")
    link_token = link.split("/c/")[1].rstrip("/")
    assert client.get(f"/lifecycle/c/{pixel_token}/").status_code == 404
    assert client.get(f"/lifecycle/o/{link_token}.gif").status_code == 404
    assert not MessageEvent.objects.exists()


def test_test_sends_carry_no_tracking(catalogue):
    journey = create_journey("Welcome", steps=[{"delay_hours": 0}])
    send_test_email(journey.steps.get(), "editor@shop.test")
    [test_email] = mail.outbox
    assert "/lifecycle/c/" not in test_email.alternatives[0][0]
    assert "/lifecycle/o/" not in test_email.alternatives[0][0]
    assert not Message.objects.exists()
