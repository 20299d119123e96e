"""A sent message's page in the log shows the email as it went out: sender, recipient, subject, the
HTML and the text part. Reading it counts no open or click, follows no link of the contact's, and
shows nothing once the contact's data is erased or the copy is older than SENT_COPY_DAYS."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.engine.sent_copies import SentCopy
from oscar_lifecycle.models import Contact, Message, MessageEvent
from oscar_lifecycle.privacy import erase_contact, export_contact
from oscar_lifecycle.tracking.inert_copy import inert_copy
from tests.admin import admin_user
from tests.esp_standin import Mode
from tests.shop import create_journey, subscriber
from tests.test_lost_answers import postmark  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

EMAIL = "ada@example.com"
BODY = [
    ("heading", "Hello {{ first_name|default:\"there\" }}"),
    ("text", "<p>Written to {{ email }}. <a href=\"{{ preferences_url }}\">Your choices</a></p>"),
    ("button", {"text": "Shop now", "url": "/catalogue/"}),
]
# Every view of ours that counts, unsubscribes, rates or restores something when reached.
OUR_VIEWS = ["/lifecycle/c/", "/lifecycle/o/", "/lifecycle/unsubscribe/", "/lifecycle/preferences/",
             "/lifecycle/basket/", "/lifecycle/rate/"]


@pytest.fixture
def owner(client):
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    return client


def send_welcome(outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome, {{ first_name }}", "body": BODY}])
    contact = subscriber(EMAIL)
    Contact.objects.filter(pk=contact.pk).update(first_name="Ada")
    enroll("registration", Contact.objects.get(pk=contact.pk))
    assert dispatch_due().sent == 1
    [email] = outbox
    return Message.objects.get(), email


def detail(client, message):
    response = client.get(reverse("oscar_lifecycle_messages:inspect", args=[message.pk]))
    assert response.status_code == 200
    return response.content.decode()


def shown_email(page):
    """(the HTML in the page's frame, the text part) of a message's page."""
    frame = re.search(r'<iframe class="sent-email"[^>]*srcdoc="([^"]*)"', page)
    text = re.search(r'<pre class="sent-email-text"[^>]*>(.*?)</pre>', page, re.DOTALL)
    return html.unescape(frame.group(1)), html.unescape(text.group(1))


def test_a_sent_message_shows_the_email_as_it_went_out(owner, outbox):
    message, email = send_welcome(outbox)

    page = detail(owner, message)

    assert "The email as it went out" in page
    headers = html.unescape(page[page.index('class="sent-email-headers"'):page.index('<iframe class="sent-email"')])
    assert email.from_email in headers and EMAIL in headers and "Welcome, Ada" in headers
    frame, text = shown_email(page)
    assert "Hello Ada" in frame and f"Written to {EMAIL}." in frame and "Shop now" in frame
    assert "Hello Ada" in text and f"Written to {EMAIL}." in text
    assert "https://shop.test/catalogue/" in text, "a tracked link is shown as where it led"
    assert 'title="https://shop.test/catalogue/"' in frame


def test_reading_it_counts_nothing_and_leads_to_none_of_the_contacts_links(owner, outbox):
    message, email = send_welcome(outbox)
    sent_html = email.alternatives[0][0]
    assert all(view in sent_html for view in ["/lifecycle/c/", "/lifecycle/o/", "/lifecycle/unsubscribe/"])

    page = detail(owner, message)

    assert [view for view in OUR_VIEWS if view in page] == [], "nothing in the page reaches our views"
    assert '<iframe class="sent-email"' in page and 'sandbox=""' in page
    frame, text = shown_email(page)
    assert 'href="#test-send"' in frame and "#test-send" in text
    message.refresh_from_db()
    assert (message.open_count, message.click_count, message.opened_at, message.clicked_at) == (0, 0, None, None)
    assert not MessageEvent.objects.exists()
    assert Contact.objects.get(email=EMAIL).status == Contact.Status.ACTIVE


def test_an_erased_contacts_message_shows_nothing_personal(owner, outbox):
    message, _email = send_welcome(outbox)
    assert "Hello Ada" in export_contact(message.contact)["messages"][0]["text_as_sent"]

    erase_contact(message.contact, source="erasure request (admin)")

    page = detail(owner, message)
    assert [value for value in ["Ada", EMAIL] if value in page] == []
    assert "The copy of this email was erased with the contact's personal data." in html.unescape(page)
    assert Message.objects.get().sent_copy is None
    assert export_contact(Contact.objects.get())["messages"][0]["text_as_sent"] is None


def test_copies_are_removed_once_older_than_sent_copy_days(owner, outbox, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SENT_COPY_DAYS": 30}
    message, _email = send_welcome(outbox)
    sent_at = message.handed_over_at

    with time_machine.travel(sent_at + timedelta(days=29), tick=False):
        run_lifecycle()
    assert "Hello Ada" in shown_email(detail(owner, message))[0]

    with time_machine.travel(sent_at + timedelta(days=30, minutes=1), tick=False):
        assert run_lifecycle().copies_removed == 1
    page = html.unescape(detail(owner, message))
    assert "Hello Ada" not in page
    assert "Copies of sent emails are kept 30 days: this one is older" in page


def test_no_copy_is_kept_when_sent_copy_days_is_zero(owner, outbox, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SENT_COPY_DAYS": 0}
    message, _email = send_welcome(outbox)

    assert message.sent_copy is None
    assert "Copies of sent emails are not kept (SENT_COPY_DAYS is 0)." in detail(owner, message)


def test_only_users_allowed_to_see_contacts_see_the_email(client, outbox):
    message, _email = send_welcome(outbox)
    client.force_login(admin_user("clerk", "view_message"))

    page = html.unescape(detail(client, message))

    assert "Hello Ada" not in page
    assert "Only users allowed to see contacts see the email itself" in page


def test_an_email_whose_outcome_is_unknown_keeps_its_copy_for_review(owner, postmark):  # noqa: F811
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome", "body": BODY}])
    enroll("registration", subscriber(EMAIL))
    postmark.mode = Mode.KEEP_AND_DROP

    assert dispatch_due().outcomes == {"held": 1}

    frame, _text = shown_email(detail(owner, Message.objects.get(status=Message.Status.HELD)))
    assert "Hello there" in frame


def test_a_step_that_did_not_go_out_has_no_copy(owner, outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome", "body": BODY}])
    contact = subscriber(EMAIL)
    enroll("registration", contact)
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.UNSUBSCRIBED)

    dispatch_due()

    message = Message.objects.get()
    assert message.status == Message.Status.SUPPRESSED and message.sent_copy is None
    assert "This email did not go out." in detail(owner, message)


def test_links_and_our_images_are_inert_however_the_html_writes_them(outbox):
    _message, email = send_welcome(outbox)
    pixel_url = re.search(r'src="(https://shop\.test/lifecycle/o/[^"]+)"', email.alternatives[0][0]).group(1)
    written = (f"<a href='https://shop.test/lifecycle/unsubscribe/x/' target=_top>Out</a>"
               f"<a HREF=https://elsewhere.test/>Away</a><img src='{pixel_url}' alt=''>")
    copy = SentCopy(from_email="shop@shop.test", to=[EMAIL], reply_to=[], subject="S", html=written, text="")

    shown = inert_copy(copy).html

    assert "lifecycle" not in shown and "elsewhere.test" not in shown and "_top" not in shown
    assert shown.count('href="#test-send" target="_blank"') == 2
