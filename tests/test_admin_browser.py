"""An editor, in a real browser, adds a product-grid email to a journey, publishes it and previews it."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from oscar_lifecycle.content.render import render_step
from oscar_lifecycle.models import Contact, Journey
from tests.shop import PASSWORD, add_product_image, create_catalogue, create_journey, place_order

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SUBJECT = 'Picked for you, {{ first_name|default:"friend" }}'
PREVIEWED_SUBJECT = "Picked for you, Alex"  # previews show a made-up customer
CHOSEN = ["Product 2", "Product 3"]
SITE_URL = "https://shop.test"  # tests/settings.py's OSCAR_LIFECYCLE["SITE_URL"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


@pytest.fixture
def media_root(settings, tmp_path):
    """Product images and their thumbnails go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def browser_page(media_root, monkeypatch):
    """A Chromium page; the shop's media (product images in emails) is served from ``media_root``.

    Playwright's sync API runs an event loop in the test's thread, which Django takes for async
    code: the test's own ORM calls are allowed anyway (the live server runs in its own thread).
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    def serve_media(route):
        path = media_root / route.request.url.removeprefix(f"{SITE_URL}/media/")
        route.fulfill(path=path) if path.is_file() else route.fulfill(status=404)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # English whatever the machine's language: the test finds the admin's controls by their words.
        context = browser.new_context(locale="en", viewport={"width": 1280, "height": 1800})
        context.route(f"{SITE_URL}/media/**", serve_media)
        yield context.new_page()
        browser.close()
        # Code inside sync_playwright() runs in another contextvars context, where Django gave the
        # test its own database connection: close it here, where it can still be reached.
        connections.close_all()


def sign_in(page, live_server, username):
    """Sign ``username`` (password tests.shop.PASSWORD) in to the Wagtail admin."""
    page.goto(live_server.url + "/cms/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_editor_adds_a_product_grid_step_publishes_and_previews_it(live_server, browser_page):
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    for product in create_catalogue():
        add_product_image(product)
    journey = create_journey("Welcome")
    existing_subject = journey.steps.get().subject
    get_user_model().objects.create_superuser("editor", "editor@shop.test", PASSWORD)

    sign_in(page, live_server, "editor")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()

    page.get_by_role("button", name="Lifecycle").click()
    page.get_by_role("link", name="Journeys").click()
    expect(page).to_have_url(live_server.url + reverse("oscar_lifecycle_journeys:list"))
    page.get_by_role("link", name="Welcome").click()
    expect(page).to_have_url(live_server.url + reverse("oscar_lifecycle_journeys:edit", args=[journey.pk]))

    page.get_by_role("button", name="Add Step").click()
    new_step = page.locator("[data-inline-panel-child]").nth(1)
    new_step.get_by_label("Subject").fill(SUBJECT)
    new_step.get_by_role("button", name="Insert a block").click()
    page.get_by_role("option", name="Product grid").click()
    new_step.get_by_label("Products to show").select_option("fixed")
    chosen_products = new_step.locator('[data-contentpath="products"]')
    for title in CHOSEN:
        chosen_products.get_by_role("button", name="Add").last.click()
        chosen_products.get_by_role("button", name="Choose a product").click()
        chooser = page.get_by_role("dialog")
        chooser.get_by_label("Search term").fill(title)
        expect(chooser.get_by_text("There is 1 match")).to_be_visible()
        chooser.get_by_role("link", name=title).click()
        expect(page.locator(".modal")).to_have_count(0)  # Wagtail removes its modal once it has faded out
    expect(chosen_products.locator("[data-chooser-title]")).to_have_text(CHOSEN)
    new_step.get_by_label("Heading").fill("You might like")
    # From the step's header, and unshifted: scrolling elements into view sometimes slides Wagtail's
    # main column sideways, toward the closed side panel that overflows it.
    new_step.evaluate("""step => {
        step.scrollIntoView({behavior: "instant"});
        step.closest("main").scrollTo({left: 0, behavior: "instant"});
    }""")
    page.screenshot(path=ARTIFACTS / "journey-editor.png")

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(live_server.url + reverse("oscar_lifecycle_journeys:list"))

    journey.refresh_from_db()
    assert journey.live
    existing_step, added_step = journey.ordered_steps()
    assert [existing_step.subject, added_step.subject] == [existing_subject, SUBJECT]
    [product_grid] = added_step.body
    assert product_grid.block_type == "product_grid"
    assert product_grid.value["source"] == "fixed"
    assert [product.title for product in product_grid.value["products"]] == CHOSEN

    page.get_by_role("link", name="Welcome").click()
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_text(PREVIEWED_SUBJECT)).to_be_visible()
    previewed_email = preview.get_by_title(PREVIEWED_SUBJECT).content_frame
    expect(previewed_email.get_by_role("link", name="Product 2")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "journey-preview.png")

    contact = Contact.objects.create(email="ada@example.com", first_name="Ada")
    page.set_content(render_step(added_step, contact).html)
    for width, name in [(1280, "rendered-email-desktop.png"), (375, "rendered-email-mobile.png")]:
        page.set_viewport_size({"width": width, "height": 800})
        expect(page.get_by_role("link", name="Product 3")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the email fits the screen"
        page.screenshot(path=ARTIFACTS / name, full_page=True)


def test_a_user_allowed_to_see_contacts_previews_a_real_order_while_editing(live_server, browser_page):
    page = browser_page
    [product] = create_catalogue(1)
    ada = get_user_model().objects.create_user(
        "ada", "ada.lovelace@example.com", PASSWORD, first_name="Ada", last_name="Lovelace"
    )
    order = place_order((product, 1), user=ada)
    journey = create_journey("Welcome", steps=[{"subject": "Hello {{ first_name }}"}])
    get_user_model().objects.create_superuser("editor", "editor@shop.test", PASSWORD)
    sign_in(page, live_server, "editor")
    # Wagtail notices edits (and refreshes the preview) only once its unsaved-changes watcher has
    # read the form, two seconds after the page loads: an edit made before then goes unseen.
    page.add_init_script("document.addEventListener('w-unsaved:watch-edits', () => { window.editsWatched = true; })")
    page.goto(live_server.url + reverse("oscar_lifecycle_journeys:edit", args=[journey.pk]))

    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_text("Hello Alex")).to_be_visible()
    preview.get_by_label("Preview with a real order").fill(str(order.number))
    preview.get_by_role("button", name="Show").click()
    expect(preview.get_by_text(f"Shown to the customer of order {order.number}")).to_be_visible()
    expect(preview.get_by_text("Hello Ada")).to_be_visible()

    page.wait_for_function("window.editsWatched === true")
    page.locator("[data-inline-panel-child]").first.get_by_label("Subject").fill("Thanks, {{ first_name }}")
    # Wagtail's watcher checks every 0.5 s and debounces twice before it posts the form and reloads.
    expect(preview.get_by_text("Thanks, Ada")).to_be_visible(timeout=15_000)  # the panel keeps the order
    page.screenshot(path=ARTIFACTS / "journey-preview-real-order.png")

    preview.get_by_role("button", name="Back to the made-up customer").click()
    expect(preview.get_by_text("Thanks, Alex")).to_be_visible()


def test_the_editor_shows_the_chosen_triggers_settings_and_refuses_a_value_out_of_range(
    live_server, browser_page
):
    page = browser_page
    get_user_model().objects.create_superuser("editor", "editor@shop.test", PASSWORD)
    sign_in(page, live_server, "editor")
    page.goto(live_server.url + reverse("oscar_lifecycle_journeys:add"))

    trigger = page.locator("select[name='trigger']")
    idle_minutes = page.get_by_label("Minutes the basket sat untouched")
    hours_after_view = page.get_by_label("Hours after the view")
    trigger.select_option("abandoned_basket")
    expect(idle_minutes).to_be_visible()
    expect(hours_after_view).to_be_hidden()
    trigger.select_option("browse_abandonment")
    expect(idle_minutes).to_be_hidden()
    expect(hours_after_view).to_be_visible()

    trigger.select_option("abandoned_basket")
    page.locator("input[name='name']").fill("Basket reminder")
    idle_minutes.fill("5")
    step = page.locator("[data-inline-panel-child]").first  # a new journey starts with one step
    step.get_by_label("Subject").fill("Your basket")
    step.get_by_role("button", name="Insert a block").click()
    page.get_by_role("option", name=re.compile(r"(Basket|Cart) lines")).click()  # Oscar's English says Cart
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Minutes the basket sat untouched must be between 15 and 10080.")).to_be_visible()
    assert not Journey.objects.exists()
    page.get_by_label("Minutes the basket sat untouched").fill("30")
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/edit/"))
    assert Journey.objects.get().trigger_settings["idle_minutes"] == 30
