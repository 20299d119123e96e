"""Clicking a contact opens their page: who they are and their consent, then their timeline, then the
rest, every date in the admin user's time zone, and nothing shown as ``None`` or ``[]``."""

import re
from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.users.models import UserProfile

from oscar_lifecycle.models import ConsentEvent, Contact

pytestmark = pytest.mark.django_db

EMAIL = "ada@example.com"
# 13:05 UTC is 2:05 p.m. in Paris (the shop's TIME_ZONE) and 8:05 a.m. in New York, the editor's zone.
CONSENT_GIVEN = datetime(2025, 3, 3, 13, 5, tzinfo=UTC)
PAUSED_UNTIL = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)  # still June 1 in New York
LAST_ORDER = datetime(2025, 2, 14, 23, 30, tzinfo=UTC)
LAST_ENGAGEMENT = datetime(2025, 3, 4, 4, 15, tzinfo=UTC)


@pytest.fixture
def editor(client):
    """The shop's owner, whose admin is set to New York time."""
    user = get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw")
    profile = UserProfile.get_for_user(user)
    profile.current_time_zone = "America/New_York"
    profile.save()
    client.force_login(user)
    return client


@pytest.fixture
def ada():
    account = get_user_model().objects.create_user("ada", EMAIL, "pw", first_name="Ada", last_name="Lovelace")
    contact = Contact.objects.create(
        email=EMAIL, user=account, first_name="Ada", last_name="Lovelace", locale="fr",
        birth_date=date(1990, 12, 10), consent=Contact.Consent.GRANTED, consent_source="registration form",
        consent_changed_at=CONSENT_GIVEN, frequency=Contact.Frequency.PAUSED, paused_until=PAUSED_UNTIL,
        declined_topics=["offers"], last_order_at=LAST_ORDER, last_engagement_at=LAST_ENGAGEMENT,
    )
    ConsentEvent.objects.create(contact=contact, consent=Contact.Consent.GRANTED, status=Contact.Status.ACTIVE,
                                source="registration form", created_at=CONSENT_GIVEN)
    return contact


def contact_page(client, contact):
    response = client.get(reverse("oscar_lifecycle_contacts:inspect", args=[contact.pk]))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").main


def section(page, heading):
    return page.find("h2", string=heading).find_parent("section")


def facts(section):
    """The section's list of facts, as {label: the value as read}."""
    return {dt.get_text(" ", strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
            for dt in section.find_all("dt")}


def test_clicking_a_contact_in_the_listing_opens_their_page_and_editing_stays_in_the_rows_menu(editor, ada):
    response = editor.get(reverse("oscar_lifecycle_contacts:index"))
    listing = BeautifulSoup(response.content, "html.parser")

    link = listing.find("a", string=re.compile(re.escape(EMAIL)))
    assert link["href"] == reverse("oscar_lifecycle_contacts:inspect", args=[ada.pk])
    row = link.find_parent("tr")
    edit_url = reverse("oscar_lifecycle_contacts:edit", args=[ada.pk])
    assert row.find("a", href=edit_url).get_text(strip=True) == "Edit"


def test_the_page_says_who_they_are_in_the_editors_time_zone(editor, ada):
    page = contact_page(editor, ada)

    assert facts(section(page, "Who they are")) == {
        "Name": "Ada Lovelace",
        "Email": EMAIL,
        "Account": EMAIL,
        "Language": "French",
        "Status": "Active",
        "Marketing consent": "Granted on March 3, 2025, 8:05 a.m., by registration form",
        "Marketing emails": "A break of three months, until June 1, 2025, 10 p.m.",
        "Declined topics": "Offers and gifts",
        "Birth date": "Dec. 10, 1990",
        "Last order at": "Feb. 14, 2025, 6:30 p.m.",
        "Last engagement at": "March 3, 2025, 11:15 p.m.",
    }
    account = section(page, "Who they are").find("a", string=EMAIL)
    assert account["href"] == reverse("dashboard:user-detail", args=[ada.user.pk])


def test_the_timeline_and_every_other_date_are_in_the_editors_time_zone(editor, ada):
    page = contact_page(editor, ada)

    text = page.get_text(" ")
    assert [shown for shown in ["1:05 p.m.", "2:05 p.m.", "June 2", "Feb. 15"] if shown in text] == [], (
        "UTC or the shop's time")
    [consent_given] = section(page, "Timeline").select("tr.timeline-consent")
    assert consent_given.td.get_text(strip=True) == "March 3, 2025, 8:05 a.m."


def test_who_they_are_comes_first_then_the_timeline_then_the_rest(editor, ada):
    page = contact_page(editor, ada)

    headings = [heading.get_text(strip=True) for heading in page.find_all("h2")]
    assert headings == ["Who they are", "Timeline", "Other details", "Personal data"]
    personal_data = section(page, "Personal data")
    assert personal_data.find("a", href=reverse("oscar_lifecycle_contacts:export", args=[ada.pk]))
    assert personal_data.find("a", href=reverse("oscar_lifecycle_contacts:erase", args=[ada.pk]))


def test_editing_is_a_button_on_the_contacts_page(editor, ada):
    page = contact_page(editor, ada)

    edit = page.find("a", href=reverse("oscar_lifecycle_contacts:edit", args=[ada.pk]))
    assert edit.get_text(strip=True) == "Edit"
    assert edit.find_parent(attrs={"data-controller": "w-dropdown"}) is None, "not hidden in a menu"


def test_a_contact_with_nothing_known_shows_dashes_never_none(editor):
    contact = Contact.objects.create(email="bare@example.com")

    page = contact_page(editor, contact)

    assert re.findall(r"\bNone\b|\[\]", page.get_text(" ")) == []
    assert facts(section(page, "Who they are")) == {
        "Name": "—",
        "Email": "bare@example.com",
        "Language": "—",
        "Status": "Active",
        "Marketing consent": "Not asked",
        "Marketing emails": "Every email",
        "Declined topics": "—",
        "Last order at": "—",
        "Last engagement at": "—",
    }
