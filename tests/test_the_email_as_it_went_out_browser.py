"""In a real browser, a sent message's page shows the email in a frame; its pixel is not loaded
and its links lead nowhere, even though the email's tracked links and pixel point at this very
server: reading it counts no open or click and unsubscribes nobody."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from oscar_lifecycle.models import Contact, MessageEvent
from tests.shop import PASSWORD
from tests.test_admin_browser import ARTIFACTS, CHROMIUM, browser_page, media_root, sign_in  # noqa: F401  (fixtures)
from tests.test_the_email_as_it_went_out import EMAIL, send_welcome

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def test_the_message_page_shows_the_email_and_reading_it_counts_nothing(live_server, browser_page, settings,
                                                                         outbox):
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SITE_URL": live_server.url}
    message, email = send_welcome(outbox)
    assert f"{live_server.url}/lifecycle/o/" in email.alternatives[0][0], "the pixel would reach this server"
    reached = []
    page.on("request", lambda request: reached.append(request.url)
            if urlsplit(request.url).path.startswith("/lifecycle/") else None)
    get_user_model().objects.create_superuser("owner", "owner@shop.test", PASSWORD)
    sign_in(page, live_server, "owner")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()

    page.goto(live_server.url + reverse("oscar_lifecycle_messages:inspect", args=[message.pk]))
    page.wait_for_load_state("load")

    expect(page.get_by_role("heading", name="The email as it went out")).to_be_visible()
    expect(page.locator(".sent-email-headers")).to_contain_text(EMAIL)
    sent = page.frame_locator("iframe.sent-email")
    expect(sent.get_by_role("heading", name="Hello Ada")).to_be_visible()
    expect(sent.get_by_text(f"Written to {EMAIL}.")).to_be_visible()
    expect(page.locator(".sent-email-text")).to_contain_text("Shop now (https://shop.test/catalogue/)"
                                                            .replace("https://shop.test", live_server.url))
    page.locator("iframe.sent-email").screenshot(path=str(ARTIFACTS / "message-detail-sent-email.png"))

    sent.get_by_role("link", name="Shop now").click()
    sent.get_by_role("link", name="Unsubscribe").click()
    expect(sent.get_by_role("heading", name="Hello Ada")).to_be_visible()

    [frame] = [frame for frame in page.frames if frame.parent_frame is not None]
    assert frame.url.startswith("about:srcdoc"), "its links led nowhere"
    assert reached == [], "nothing in the page reached our tracking, unsubscribe or preference views"
    message.refresh_from_db()
    assert (message.open_count, message.click_count) == (0, 0)
    assert not MessageEvent.objects.exists()
    assert Contact.objects.get(email=EMAIL).status == Contact.Status.ACTIVE
