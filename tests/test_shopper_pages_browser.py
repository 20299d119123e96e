"""The account's Email preferences page, drawn by Chromium: its checkboxes and radios are check
sized, one per line, and nothing overlaps (Oscar's text-box class on them drew them huge, over the
Save button)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import sync_playwright

from tests.shop import subscriber
from tests.test_admin_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def overlap(one, other):
    return not (one["x"] + one["width"] <= other["x"] or other["x"] + other["width"] <= one["x"]
                or one["y"] + one["height"] <= other["y"] or other["y"] + other["height"] <= one["y"])


@pytest.mark.parametrize("width", [1280, 390])
def test_the_account_preferences_page_draws_small_checks_and_nothing_overlaps(live_server, monkeypatch, width):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    user = get_user_model().objects.create_user("member", "member@example.com", "pw")
    subscriber("member@example.com", user)
    session = Client()
    session.force_login(user)
    cookie = session.cookies[settings.SESSION_COOKIE_NAME].value

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en", viewport={"width": width, "height": 900})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/lifecycle/account/")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"account-preferences-{width}.png", full_page=True)
        form = page.locator("form", has=page.get_by_role("button", name="Save"))
        checks = form.locator("input[type=radio], input[type=checkbox]")
        labels = form.locator("label.form-check-label")
        check_count = checks.count()
        drawn = ([checks.nth(index).bounding_box() for index in range(check_count)]
                 + [labels.nth(index).bounding_box() for index in range(labels.count())]
                 + [form.locator("button[type=submit]").bounding_box()])
        browser.close()

    assert check_count >= 5
    assert all(box["width"] <= 24 and box["height"] <= 24 for box in drawn[:check_count]), "check sized"
    overlapping = [(one, other) for index, one in enumerate(drawn) for other in drawn[index + 1:] if overlap(one, other)]
    assert not overlapping
