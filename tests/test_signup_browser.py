"""A visitor signs up for the newsletter from the shop's home page in Chromium, and confirms from
the email's link."""

import pytest
from playwright.sync_api import sync_playwright

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact
from tests.shop import confirmation_path
from tests.test_admin_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def test_a_visitor_signs_up_on_the_home_page_and_confirms(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(locale="en").new_page()
        page.goto(f"{live_server.url}/")
        form = page.locator("form.lifecycle-signup")
        form.get_by_label("Email address").fill("visitor@example.com")
        form.get_by_label("First name").fill("Vera")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "signup-home.png", full_page=True)
        form.get_by_role("button", name="Subscribe").click()
        page.get_by_role("heading", name="Check your inbox").wait_for()
        contact = Contact.objects.get()
        assert (contact.email, contact.first_name, contact.consent) == (
            "visitor@example.com", "Vera", Contact.Consent.PENDING)

        run_lifecycle()
        page.goto(f"{live_server.url}{confirmation_path('visitor@example.com')}")
        page.get_by_role("button", name="Yes, I confirm").click()
        page.get_by_role("heading", name="Thank you!").wait_for()
        browser.close()

    contact.refresh_from_db()
    assert contact.consent == Contact.Consent.GRANTED
    assert contact.consent_events.first().user_agent.startswith("Mozilla/5.0")
