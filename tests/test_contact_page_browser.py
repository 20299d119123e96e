"""An editor, in a real browser, clicks a contact in the listing and sees first who they are, then
their timeline, without scrolling."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from oscar_lifecycle.models import ConsentEvent, Contact
from tests.shop import PASSWORD
from tests.test_admin_browser import ARTIFACTS, CHROMIUM, browser_page, media_root, sign_in  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def test_an_editor_clicks_a_contact_and_sees_who_they_are_and_their_timeline_first(live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    contact = Contact.objects.create(email="ada@example.com", first_name="Ada", last_name="Lovelace",
                                     consent=Contact.Consent.GRANTED, consent_source="registration form")
    ConsentEvent.objects.create(contact=contact, consent=Contact.Consent.GRANTED, status=Contact.Status.ACTIVE,
                                source="registration form")
    get_user_model().objects.create_superuser("editor", "editor@shop.test", PASSWORD)
    sign_in(page, live_server, "editor")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()

    page.goto(live_server.url + reverse("oscar_lifecycle_contacts:index"))
    page.get_by_role("link", name="ada@example.com").click()

    expect(page).to_have_url(live_server.url + reverse("oscar_lifecycle_contacts:inspect", args=[contact.pk]))
    who = page.get_by_role("region", name="Who they are")
    timeline = page.get_by_role("region", name="Timeline")
    expect(who.get_by_text("Ada Lovelace")).to_be_in_viewport()
    expect(who.get_by_text("Granted")).to_be_in_viewport()
    expect(timeline.get_by_text("Consent Granted, status Active, by registration form")).to_be_in_viewport()
    tops = [region.bounding_box()["y"] for region in (who, timeline, page.get_by_role("region", name="Personal data"))]
    assert tops == sorted(tops), "who they are, then the timeline, then the rest"
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "contact-page.png")
