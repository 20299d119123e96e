"""A guest leaves at checkout on one device; on another (a fresh Chromium, no cookie of the shop),
'Back to my basket' in the reminder opens the shop's basket page with what they left."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from oscar_lifecycle.engine.runner import run_lifecycle
from tests.shop import add_to_basket, create_catalogue, create_journey, subscribe_at_checkout
from tests.test_admin_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, media_root  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


@pytest.fixture
def chromium(media_root, monkeypatch):  # noqa: F811  (the fixture imported above)
    """A Chromium browser; each test opens its contexts (a context is a device: its own cookies)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_admin_browser.browser_page
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


def test_back_to_my_basket_on_another_device_shows_what_the_guest_left(
    live_server, chromium, settings, client, outbox
):
    create_journey("Abandoned basket", trigger="abandoned_basket", goal="order_placed",
                   steps=[{"delay_hours": 0, "subject": "Your basket is waiting", "body": [
                       ("basket_lines", None), ("button", {"text": "Back to my basket", "url": "/basket/"}),
                   ]}])
    products = create_catalogue()
    add_to_basket(client, products[1], quantity=2)  # the first device: Oscar's views
    subscribe_at_checkout(client, "guest@example.com")
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SITE_URL": live_server.url}  # the reminder's links
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        run_lifecycle()
    [reminder] = outbox
    [link] = set(re.findall(rf'href="({re.escape(live_server.url)}/lifecycle/basket/[^"]+)"',
                            reminder.alternatives[0][0]))

    phone = chromium.new_context(locale="en", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto(link)

    expect(page).to_have_url(f"{live_server.url}/basket/")
    expect(page.get_by_text("Your basket is back.")).to_be_visible()
    expect(page.get_by_role("link", name="Product 2").first).to_be_visible()
    expect(page.locator("input[name='form-0-quantity']")).to_have_value("2")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "basket-restored-on-a-phone.png", full_page=True)
    assert [cookie["name"] for cookie in phone.cookies() if cookie["name"] == settings.OSCAR_BASKET_COOKIE_OPEN], \
        "the phone's basket is its own, kept in its own cookie"
