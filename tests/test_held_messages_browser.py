"""The shop reviews held emails in a real browser: the dashboard says some are held, the page lists
them, and one click on every ticked row says what happened to them."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from oscar_lifecycle.models import Enrollment, Message
from tests.shop import PASSWORD
from tests.test_admin_browser import CHROMIUM, browser_page, media_root, sign_in  # noqa: F401  (fixtures)
from tests.test_held_messages import held, postmark  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def test_the_shop_releases_every_held_email_from_the_dashboard_notice(live_server, browser_page, held):
    page = browser_page
    get_user_model().objects.create_superuser("owner", "owner@shop.test", PASSWORD)
    sign_in(page, live_server, "owner")

    expect(page.get_by_text("2 lifecycle emails are held for review.")).to_be_visible()
    page.get_by_role("link", name="Review them").click()
    expect(page.get_by_role("checkbox", name="ann@example.com")).to_be_visible()
    expect(page.get_by_role("checkbox", name="bob@example.com")).to_be_visible()
    page.get_by_label("All").check()
    page.get_by_role("button", name="It was delivered: go on").click()

    expect(page.get_by_text("2 held emails counted as delivered: their journeys go on.")).to_be_visible()
    expect(page.get_by_text("No email is held.")).to_be_visible()
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    assert set(Enrollment.objects.values_list("state", flat=True)) == {Enrollment.State.ACTIVE}
