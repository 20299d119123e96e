"""An editor, in a real browser, builds a segment: the live preview counts the contacts as a rule is
added, then the segment is saved as a draft and published."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.models import Contact, Segment
from tests.shop import PASSWORD
from tests.test_admin_browser import ARTIFACTS, browser_page, media_root, pytestmark, sign_in  # noqa: F401


def test_an_editor_adds_a_rule_sees_the_count_follow_then_saves_and_publishes(live_server, browser_page, settings):
    page = browser_page
    # Wagtail's autosave may create the new segment in the background just as "Save draft" is
    # pressed, leaving two: this test is about the editor's own saves, so it turns autosave off.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    ARTIFACTS.mkdir(exist_ok=True)
    for email in ["guest1@example.com", "guest2@example.com"]:
        contact_for(email, source=Contact.Source.CHECKOUT)
    contact_for("member@example.com", source=Contact.Source.REGISTERED)
    get_user_model().objects.create_superuser("editor", "editor@shop.test", PASSWORD)

    sign_in(page, live_server, "editor")
    # Wagtail notices edits (and refreshes the preview) only once its unsaved-changes watcher has
    # read the form, two seconds after the page loads: an edit made before then goes unseen.
    page.add_init_script("document.addEventListener('w-unsaved:watch-edits', () => { window.editsWatched = true; })")
    page.get_by_role("button", name="Lifecycle").click()
    page.get_by_role("link", name="Segments").click()
    expect(page).to_have_url(live_server.url + reverse("oscar_lifecycle_segments:list"))
    page.get_by_role("link", name="Add segment").first.click()
    page.wait_for_function("window.editsWatched === true")

    page.get_by_role("textbox", name="Name").fill("Guest buyers")
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_text("3 contacts match")).to_be_visible(timeout=15_000)  # no rule: everyone

    page.get_by_role("button", name="Insert a block").click()
    page.get_by_role("option", name="Came from").click()
    page.get_by_label("sources").select_option(label="Guest checkout")
    # Wagtail's watcher checks every 0.5 s and debounces twice before it posts the form and reloads.
    expect(preview.get_by_text("2 contacts match")).to_be_visible(timeout=15_000)
    expect(preview.get_by_role("link", name="guest1@example.com")).to_be_visible()
    expect(preview.get_by_text("member@example.com")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "segment-editor.png")

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Segment 'Guest buyers'")
    segment = Segment.objects.get()
    assert not segment.live

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(live_server.url + reverse("oscar_lifecycle_segments:list"))
    segment.refresh_from_db()
    assert segment.live and segment.count() == 2
    expect(page.get_by_role("row", name="Guest buyers")).to_contain_text("2")
