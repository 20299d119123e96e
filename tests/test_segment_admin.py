"""An editor builds segments in the Wagtail admin: the live preview counts the rules as typed,
a rule that cannot work is refused naming it, and the contacts list filters and exports by segment."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.models import Contact, Segment
from tests.admin import admin_user

pytestmark = pytest.mark.django_db

SEGMENT_EDITOR = ["add_segment", "change_segment", "delete_segment", "publish_segment"]
NEGATIVE_DAYS_ERROR = "Joined in the last days: The number of days cannot be negative."


def segment_url(name, segment=None):
    args = [segment.pk] if segment is not None else []
    return reverse(f"oscar_lifecycle_segments:{name}", args=args)


def segment_form(name="Guest buyers", *, rules=(), match="all", action=None):
    """POST data of the segment form; ``rules``: [(rule name, {setting: value})], a list value
    for a setting of several choices."""
    data = {"name": name, "description": "", "match": match, "rules-count": str(len(rules))}
    for index, (rule_name, settings) in enumerate(rules):
        prefix = f"rules-{index}"
        data.update({f"{prefix}-type": rule_name, f"{prefix}-deleted": "", f"{prefix}-order": str(index)})
        for setting, value in settings.items():
            if setting == "negate":
                if value:
                    data[f"{prefix}-value-negate"] = "on"
                continue
            data[f"{prefix}-value-{setting}"] = value
    if action:
        data[action] = action
    return data


def rule_items(*rules):
    """Rules as a segment stores them."""
    return [{"type": rule_name, "value": settings} for rule_name, settings in rules]


def published_segment(name, *rules):
    segment = Segment.objects.create(name=name, rules=rule_items(*rules))
    segment.save_revision().publish()
    segment.refresh_from_db()
    return segment


@pytest.fixture
def shop_contacts():
    """Two guest buyers, one registered customer, one sign-up; the sign-up consents."""
    for email in ["guest1@example.com", "guest2@example.com"]:
        contact_for(email, source=Contact.Source.CHECKOUT)
    registered = contact_for("member@example.com", source=Contact.Source.REGISTERED)
    registered.first_name, registered.last_name = "Maud", "Member"
    registered.save()
    signup = contact_for("signup@example.com", source=Contact.Source.SIGNUP)
    signup.consent = Contact.Consent.GRANTED
    signup.save()


@pytest.fixture
def owner_client(client):
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    return client


def listing_rows(client):
    """The segments listing as {name: {column heading: cell text}}."""
    table = BeautifulSoup(client.get(segment_url("list")).content, "html.parser").select_one("table.listing")
    headings = [heading.get_text(" ", strip=True) for heading in table.find("thead").find_all("th")]
    rows = {}
    for row in table.find("tbody").find_all("tr"):
        texts = [cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
        cells = dict(zip(headings, texts, strict=True))
        rows[row.select_one("[id$=_title]").get_text(strip=True)] = cells
    return rows


def logged_in(client, user):
    client.force_login(user)
    return client


def preview_page(client, form, *, url=None):
    """What the live preview panel shows after the editor typed ``form``."""
    url = url or segment_url("preview_on_add")
    answer = client.post(url, form).json()
    assert answer["is_valid"], answer
    return client.get(url, {"in_preview_panel": "true"}).content.decode()


def test_an_editor_creates_and_publishes_a_segment_and_the_listing_counts_it(owner_client, shop_contacts):
    response = owner_client.post(segment_url("add"), segment_form(
        "Guest buyers", rules=[("source", {"sources": ["checkout"]})], action="action-publish"))

    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.live and segment.count() == 2
    assert listing_rows(owner_client)["Guest buyers"]["Contacts now"] == "2"


def test_a_rule_whose_settings_cannot_work_is_refused_naming_it(owner_client):
    response = owner_client.post(segment_url("add"), segment_form(
        "Newcomers", rules=[("test_joined_within", {"days": "-3"})], action="action-publish"))

    assert response.status_code == 200
    assert "The segment could not be created due to errors." in response.content.decode()
    assert NEGATIVE_DAYS_ERROR in response.content.decode()
    assert not Segment.objects.exists()


def test_the_preview_counts_the_rules_being_edited_not_the_saved_ones(owner_client, shop_contacts):
    segment = published_segment("Guest buyers", ("source", {"sources": ["checkout"]}))

    page = preview_page(owner_client, segment_form(
        "Guest buyers", rules=[("source", {"sources": ["checkout", "registered"]})]),
        url=segment_url("preview_on_edit", segment))

    assert "3 contacts match" in page
    segment.refresh_from_db()
    assert segment.count() == 2, "the preview saves nothing"
    page = preview_page(owner_client, segment_form(
        rules=[("source", {"sources": ["checkout", "registered"]}), ("consent", {"consents": ["granted"]})],
        match="any"))
    assert "4 contacts match" in page


def test_the_preview_of_a_rule_that_cannot_work_shows_its_error(owner_client, shop_contacts):
    page = preview_page(owner_client, segment_form(rules=[("test_joined_within", {"days": "-3"})]))

    assert "These rules cannot be counted yet:" in page
    assert NEGATIVE_DAYS_ERROR in page
    assert "contacts match" not in page


def test_the_preview_lists_matching_contacts_only_to_users_allowed_to_see_contacts(client, shop_contacts):
    form = segment_form(rules=[("source", {"sources": ["registered"]})])

    without = preview_page(logged_in(client, admin_user("editor", *SEGMENT_EDITOR)), form)
    assert "1 contact matches" in without
    assert "member@example.com" not in without
    assert "Who they are is shown to users allowed to see contacts." in without

    with_contacts = preview_page(logged_in(client, admin_user("marketer", *SEGMENT_EDITOR, "view_contact")), form)
    assert "1 contact matches" in with_contacts
    assert "member@example.com" in with_contacts and "Maud Member" in with_contacts


def test_the_listing_counts_every_segment_on_a_page_in_one_query(owner_client, shop_contacts):
    published_segment("Guests", ("source", {"sources": ["checkout"]}))
    published_segment("Members", ("source", {"sources": ["registered"]}))

    def listing_queries():
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(segment_url("list")).status_code == 200
        return [query["sql"] for query in queries]

    queries_for_two = listing_queries()
    published_segment("Consenting", ("consent", {"consents": ["granted"]}))
    published_segment("Everyone but guests", ("source", {"sources": ["checkout"], "negate": True}))
    Segment.objects.create(name="Never published", live=False,
                           rules=rule_items(("source", {"sources": ["signup"]})))
    queries_for_five = listing_queries()

    assert len(queries_for_five) == len(queries_for_two)
    assert len([sql for sql in queries_for_five if "oscar_lifecycle_contact" in sql]) == 1
    rows = listing_rows(owner_client)
    assert {name: row["Contacts now"] for name, row in rows.items()} == {
        "Guests": "2", "Members": "1", "Consenting": "1", "Everyone but guests": "2",
        "Never published": "Not published"}


def test_the_contacts_list_filters_and_exports_by_published_segment(owner_client, shop_contacts):
    guests = published_segment("Guest buyers", ("source", {"sources": ["checkout"]}))
    draft = Segment.objects.create(name="Draft only", live=False, rules=rule_items(("source", {"sources": ["signup"]})))
    contacts_url = reverse("oscar_lifecycle_contacts:index")

    listing = owner_client.get(contacts_url, {"segment": guests.pk})
    assert {contact.email for contact in listing.context["object_list"]} == {
        "guest1@example.com", "guest2@example.com"}
    assert "Draft only" not in listing.content.decode(), "only published segments are offered"
    assert owner_client.get(contacts_url, {"segment": draft.pk}).context["object_list"].count() == 4, (
        "an unpublished segment filters nothing")

    exported = owner_client.get(contacts_url, {"segment": guests.pk, "export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert sorted(row["Email"] for row in rows) == ["guest1@example.com", "guest2@example.com"]

    exported = owner_client.get(contacts_url, {"segment": guests.pk, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    emails = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(emails) == ["guest1@example.com", "guest2@example.com"]


def test_a_segment_another_segment_uses_is_not_deleted(owner_client, shop_contacts):
    guests = published_segment("Guest buyers", ("source", {"sources": ["checkout"]}))
    published_segment("Guests who consent", ("group", {"match": "all", "rules": rule_items(
        ("test_in_segment", {"segment": guests.pk}), ("consent", {"consents": ["granted"]}))}))

    assert owner_client.get(segment_url("delete", guests)).url == segment_url("list"), "no confirmation page"
    response = owner_client.post(segment_url("delete", guests), follow=True)

    assert Segment.objects.filter(pk=guests.pk).exists()
    assert ("“Guest buyers” is not deleted: the segment “Guests who consent” uses it in its rules. "
            "Take it out of those rules first.") in response.content.decode()

    unused = published_segment("Unused", ("source", {"sources": ["signup"]}))
    owner_client.post(segment_url("delete", unused))
    assert not Segment.objects.filter(pk=unused.pk).exists()



def test_a_segment_whose_rules_no_longer_work_says_so_instead_of_failing(owner_client, shop_contacts):
    """The segment a rule names is gone (deleted outside the admin): the segment using it says
    it cannot be counted, in the listing, the contacts filter and the editor's preview."""
    stranded = published_segment("Guests who consent", ("test_in_segment", {"segment": 999}))

    assert listing_rows(owner_client)["Guests who consent"]["Contacts now"] == "Cannot be counted: check its rules"
    listing = owner_client.get(reverse("oscar_lifecycle_contacts:index"), {"segment": stranded.pk})
    assert listing.status_code == 200
    assert "No segment has the id 999." in listing.content.decode()
    assert not listing.context["object_list"]
    preview = preview_page(owner_client, segment_form(rules=[("test_in_segment", {"segment": "999"})]),
                           url=segment_url("preview_on_edit", stranded))
    assert "These rules cannot be counted yet:" in preview and "No segment has the id 999." in preview
