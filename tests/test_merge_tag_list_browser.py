"""An editor opening a journey's step in a real browser sees the merge tags beside its subject, and
what each becomes for the previews' made-up customer."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from tests.shop import PASSWORD, create_journey
from tests.test_admin_browser import ARTIFACTS, CHROMIUM, browser_page, media_root, sign_in  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def row_of(merge_tags, tag):
    return merge_tags.get_by_role("row").filter(has=merge_tags.page.get_by_role("rowheader", name=tag, exact=True))


def test_an_editor_sees_the_merge_tags_beside_a_steps_subject(live_server, browser_page):
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    journey = create_journey("Welcome")
    get_user_model().objects.create_superuser("editor", "editor@shop.test", PASSWORD)

    sign_in(page, live_server, "editor")
    page.goto(live_server.url + reverse("oscar_lifecycle_journeys:edit", args=[journey.pk]))

    step = page.locator("[data-inline-panel-child]").first
    subject = step.get_by_label("Subject")
    merge_tags = step.locator("[data-lifecycle-merge-tags]")
    expect(subject).to_be_visible()
    summary = merge_tags.locator("summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("{{ first_name }}")
    expect(summary).to_contain_text("{{ preferences_url }}")
    subject_box, summary_box = subject.bounding_box(), summary.bounding_box()
    assert 0 < summary_box["y"] - subject_box["y"] < 300, "the list sits just under the subject and preheader"

    first_name = row_of(merge_tags, "{{ first_name }}")
    expect(first_name).to_be_hidden()
    summary.click()
    expect(first_name).to_be_visible()
    expect(first_name).to_contain_text("The contact's first name.")
    expect(first_name.get_by_role("cell").last).to_have_text("Alex")
    expect(row_of(merge_tags, "{{ preferences_url }}")).to_contain_text(
        "a link that goes nowhere in previews"
    )
    merge_tags.evaluate("""list => {
        list.scrollIntoView({behavior: "instant"});
        list.closest("main").scrollTo({left: 0, behavior: "instant"});
    }""")
    page.screenshot(path=ARTIFACTS / "merge-tags.png")
