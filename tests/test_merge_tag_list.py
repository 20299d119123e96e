"""Editors find the merge tags where they type them: each step of the journey editor lists every tag
its subject, preheader and blocks take, with what it becomes for the previews' made-up customer;
docs/enabling.md names every one of them too."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from oscar_lifecycle.content.merge_tags import MERGE_TAGS
from oscar_lifecycle.content.preview import journey_preview_context
from tests.admin import journey_url
from tests.shop import create_journey

pytestmark = pytest.mark.django_db

GOES_NOWHERE = "a link that goes nowhere in previews"
SHOWN_FOR_ALEX = {  # tests/settings.py: the sandbox's shop name, SITE_URL https://shop.test
    "{{ first_name }}": "Alex",
    "{{ last_name }}": "Martin",
    "{{ email }}": "sample.customer@example.com",
    "{{ shop_name }}": "Lifecycle Sandbox",
    "{{ site_url }}": "https://shop.test",
    "{{ unsubscribe_url }}": GOES_NOWHERE,
    "{{ preferences_url }}": GOES_NOWHERE,
    "{{ frequency_url }}": GOES_NOWHERE,
}
ENABLING = Path(__file__).resolve().parent.parent / "docs" / "enabling.md"


@pytest.fixture
def editor_client(client):
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw"))
    return client


def merge_tag_lists(page):
    """{step's id: (its list's rows {tag: (what it is, for the made-up customer)}, what the step shows
    in order: "subject", "preheader", "merge tags", "body")} for each step of an editor page."""
    soup = BeautifulSoup(page, "html.parser")
    lists = {}
    for step in soup.select("[data-inline-panel-child]"):
        disclosure = step.select_one("[data-lifecycle-merge-tags]")
        if disclosure is None:
            continue
        rows = {
            row.th.get_text(strip=True): tuple(cell.get_text(" ", strip=True) for cell in row.find_all("td"))
            for row in disclosure.select("tbody tr")
        }
        shown = {
            "subject": step.select_one("input[name$='-subject']"),
            "preheader": step.select_one("input[name$='-preheader']"),
            "merge tags": disclosure,
            "body": step.select_one("[id$='-body'][data-block]"),
        }
        order = sorted(shown, key=lambda name: (shown[name].sourceline, shown[name].sourcepos))
        lists[step["id"]] = (rows, order)
    return lists


def test_each_step_lists_every_merge_tag_with_what_it_becomes_for_the_made_up_customer(editor_client):
    journey = create_journey("Welcome", steps=[{"delay_hours": 1}, {"delay_hours": 24}])

    page = editor_client.get(journey_url("edit", journey)).content.decode()

    lists = merge_tag_lists(page)
    assert set(lists) == {"inline_child_steps-0", "inline_child_steps-1"}, "one list per step"
    for rows, order in lists.values():
        assert {tag: shown for tag, (_what, shown) in rows.items()} == SHOWN_FOR_ALEX
        assert all(what for what, _shown in rows.values()), "each tag says what it is"
        assert order == ["subject", "preheader", "merge tags", "body"], "beside the fields that take them"


def test_a_new_journey_and_a_step_added_in_the_editor_list_them_too(editor_client):
    page = editor_client.get(journey_url("add")).content.decode()

    soup = BeautifulSoup(page, "html.parser")
    added_step = BeautifulSoup(soup.select_one("#id_steps-EMPTY_FORM_TEMPLATE").decode_contents(), "html.parser")
    for where in (soup, added_step):
        rows = where.select("[data-lifecycle-merge-tags] tbody tr")
        assert [row.th.get_text(strip=True) for row in rows] == list(SHOWN_FOR_ALEX)


def test_the_list_shows_what_the_preview_gives_each_tag(editor_client):
    journey = create_journey("Every tag", steps=[{"subject": tag} for tag in SHOWN_FOR_ALEX])
    previewed = [preview["rendered"].subject for preview in journey_preview_context(journey, "html")["previews"]]
    assert len(previewed) == len(SHOWN_FOR_ALEX)

    page = editor_client.get(journey_url("edit", journey)).content.decode()
    rows, _order = next(iter(merge_tag_lists(page).values()))
    for tag, subject in zip(SHOWN_FOR_ALEX, previewed):
        shown = rows[tag][1]
        if shown == GOES_NOWHERE:
            assert subject.startswith("#"), f"{tag} is a link that goes nowhere in the preview"
        else:
            assert subject == shown, f"the list says {tag} becomes {shown!r}; the preview wrote {subject!r}"


def test_the_enabling_guide_lists_every_merge_tag_and_names_no_other():
    guide = ENABLING.read_text()
    personalization = guide.split("## Personalization", 1)[1].split("\n## ", 1)[0]

    listed = re.findall(r"^\| `\{\{ ([a-z_]+) \}\}` \|", personalization, flags=re.MULTILINE)
    named = set(re.findall(r"\{\{\s*([a-z_]+)", personalization))

    assert listed == list(MERGE_TAGS), "one row per merge tag, in the editor's order"
    assert named == set(MERGE_TAGS)
