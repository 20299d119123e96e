"""An editor, in a real browser, writes a campaign, publishes it, sends a test to themself,
sends it now, and watches its progress."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Campaign, CampaignSend, Contact, Segment
from tests.shop import PASSWORD
from tests.test_admin_browser import ARTIFACTS, browser_page, media_root, pytestmark, sign_in  # noqa: F401
from tests.test_campaigns import reader


def test_an_editor_writes_tests_sends_and_follows_a_campaign(live_server, browser_page):
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    segment = Segment.objects.create(name="Imported readers", live=False,
                                     rules=[{"type": "source", "value": {"sources": [Contact.Source.IMPORT]}}])
    segment.save_revision().publish()
    reader("ann@example.com")
    reader("bob@example.com")
    get_user_model().objects.create_superuser("editor", "editor@shop.test", PASSWORD)

    sign_in(page, live_server, "editor")
    page.get_by_role("button", name="Lifecycle").click()
    page.get_by_role("link", name="Campaigns").click()
    expect(page).to_have_url(live_server.url + reverse("oscar_lifecycle_campaigns:list"))
    page.get_by_role("link", name="Add campaign").first.click()
    page.locator("#id_name").fill("Spring letter")
    page.locator("#id_segments").get_by_label("Imported readers").check()
    page.locator("#id_subject").fill("Spring is here, {{ first_name|default:\"friend\" }}")
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Heading").click()
    page.locator('input[name="body-0-value"]').fill("New teas have arrived")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    # Campaigns are translatable: the listing shows those of one locale.
    expect(page).to_have_url(live_server.url + reverse("oscar_lifecycle_campaigns:list") + "?locale=en")
    campaign = Campaign.objects.get(name="Spring letter")
    assert campaign.live
    page.goto(live_server.url + reverse("oscar_lifecycle_campaigns:edit", args=[campaign.pk]))
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("link", name="Send a test").click()
    page.get_by_label("Send to").fill("me@shop.test")
    page.get_by_role("button", name="Send the test").click()
    expect(page.get_by_text("sent to me@shop.test")).to_be_visible()
    assert [email.subject for email in mail.outbox] == ["[Test] Spring is here, Alex"]

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("link", name="Schedule / send now").click()
    page.get_by_label("Now").check()
    page.get_by_role("button", name="Schedule").click()
    expect(page).to_have_url(live_server.url + reverse("oscar_lifecycle_campaigns:sends", args=[campaign.pk]))
    expect(page.get_by_text("Scheduled")).to_be_visible()

    run_lifecycle()
    page.reload()
    expect(page.locator('[data-figure="sent"]')).to_have_text("2")
    expect(page.locator('[data-result="sent"]')).to_have_text("2")
    assert CampaignSend.objects.get().state == CampaignSend.State.FINISHED
    page.screenshot(path=ARTIFACTS / "campaign-sends.png", full_page=True)
