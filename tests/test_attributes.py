"""Attributes a shop declares about its contacts ("profession", "child's birth date"): set by a
CSV import (refused whole when a row is wrong), by the contact on their preferences page, and by
an editor on the contact's admin page; segments select on them; the contact's data export holds
them and erasure deletes them."""

import json
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from oscar_lifecycle.models import Contact, ContactAttribute, ContactAttributeValue, Segment
from oscar_lifecycle.privacy import erase_contact
from oscar_lifecycle.tracking.tokens import preferences_url
from tests.admin import admin_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared():
    kinds = ContactAttribute.Kind
    return {
        "profession": ContactAttribute.objects.create(name="Profession", key="profession"),
        "children": ContactAttribute.objects.create(name="Children", key="children", kind=kinds.NUMBER,
                                                    on_preferences_page=True, editable_by_contact=True),
        "child_birth": ContactAttribute.objects.create(name="Child's birth date", key="child_birth",
                                                       kind=kinds.DATE, on_preferences_page=True,
                                                       editable_by_contact=True),
        "diet": ContactAttribute.objects.create(name="Diet", key="diet", kind=kinds.CHOICE,
                                                choices="vegan\nvegetarian\nanything", on_preferences_page=True),
    }


def values(contact):
    return {value.attribute.key: value.value for value in
            ContactAttributeValue.objects.filter(contact=contact).select_related("attribute")}


def csv_file(tmp_path, text):
    path = tmp_path / "attributes.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_import_sets_values_of_known_contacts(declared, tmp_path):
    ada = Contact.objects.create(email="ada@example.com")
    Contact.objects.create(email="bob@example.com")
    call_command("lifecycle_import_attributes", csv_file(tmp_path, (
        "email,profession,children,child_birth,diet\n"
        "ADA@example.com,Teacher,2,2019-04-01,vegan\n"
        "bob@example.com,,,,\n"
    )))
    assert values(ada) == {"profession": "Teacher", "children": Decimal("2"),
                           "child_birth": date(2019, 4, 1), "diet": "vegan"}
    call_command("lifecycle_import_attributes", csv_file(tmp_path, "email,profession\nada@example.com,Nurse\n"))
    assert values(ada)["profession"] == "Nurse" and values(ada)["diet"] == "vegan", "an absent column changes nothing"


def test_a_file_with_a_bad_row_is_refused_whole(declared, tmp_path):
    Contact.objects.create(email="ada@example.com")
    with pytest.raises(CommandError) as refused:
        call_command("lifecycle_import_attributes", csv_file(tmp_path, (
            "email,profession,children,child_birth,diet\n"
            "ada@example.com,Teacher,2,2019-04-01,vegan\n"
            "nobody@example.com,Baker,,,\n"
            "ada@example.com,,two,01/04/2019,paleo\n"
        )))
    message = str(refused.value)
    assert "line 3: nobody@example.com is not a contact" in message
    assert "line 4: children: 'two' is not a number" in message
    assert "line 4: child_birth: '01/04/2019' is not a date (YYYY-MM-DD)" in message
    assert "line 4: diet: 'paleo' is not one of the choices of diet" in message
    assert ContactAttributeValue.objects.count() == 0, "nothing written, not even the good rows"
    assert not Contact.objects.filter(email="nobody@example.com").exists()
    with pytest.raises(CommandError, match="No attribute has the key shoe_size"):
        call_command("lifecycle_import_attributes", csv_file(tmp_path, "email,shoe_size\nada@example.com,42\n"))


def test_an_import_may_create_contacts_without_ever_granting_consent(declared, tmp_path):
    call_command("lifecycle_import_attributes", csv_file(tmp_path, "email,profession\nnew@example.com,Baker\n"),
                 create_contacts=True)
    contact = Contact.objects.get(email="new@example.com")
    assert (contact.source, contact.consent) == (Contact.Source.IMPORT, Contact.Consent.PENDING)
    assert values(contact) == {"profession": "Baker"}


def test_the_contact_changes_what_the_shop_lets_them_on_the_preferences_page(declared, client):
    contact = Contact.objects.create(email="ada@example.com")
    ContactAttributeValue.objects.create(contact=contact, attribute=declared["diet"], value_text="vegan")
    url = preferences_url(contact).removeprefix("https://shop.test")
    page = BeautifulSoup(client.get(url).content, "html.parser")
    assert page.find("input", attrs={"name": "attribute_children"})["type"] == "number"
    assert page.find("input", attrs={"name": "attribute_child_birth"})["type"] == "date"
    assert page.find("select", attrs={"name": "attribute_diet"}).has_attr("disabled"), "shown, not editable"
    assert page.find(attrs={"name": "attribute_profession"}) is None, "not on the preferences page"

    form = {"frequency": "every", "topics": ["offers"], "attribute_children": "3",
            "attribute_child_birth": "2020-02-29", "attribute_diet": "anything"}
    response = client.post(url, form)
    assert response.status_code == 200 and "Saved" in response.content.decode()
    assert values(contact) == {"children": Decimal("3"), "child_birth": date(2020, 2, 29), "diet": "vegan"}

    client.post(url, {**form, "attribute_children": ""})
    assert "children" not in values(contact), "emptied, the value goes"


def test_an_editor_sees_and_edits_a_contacts_attributes(declared, client):
    contact = Contact.objects.create(email="ada@example.com", city="Lyon", postcode="69003", country="FR")
    ContactAttributeValue.objects.create(contact=contact, attribute=declared["children"], value_number=2)
    client.force_login(admin_user("editor", "view_contact", "change_contact"))
    page = BeautifulSoup(client.get(reverse("oscar_lifecycle_contacts:inspect", args=[contact.pk])).content,
                         "html.parser")
    section = page.find("h2", string="Attributes").parent
    facts = dict(zip([dt.get_text(strip=True) for dt in section.find_all("dt")],
                     [dd.get_text(strip=True) for dd in section.find_all("dd")]))
    assert facts == {"Child's birth date": "—", "Children": "2", "Diet": "—", "Profession": "—"}
    assert "69003 Lyon, FR" in page.get_text()

    edit_url = reverse("oscar_lifecycle_contacts:attributes", args=[contact.pk])
    assert section.find("a", href=edit_url)
    response = client.post(edit_url, {"attribute_profession": "Teacher", "attribute_children": "2",
                                      "attribute_child_birth": "", "attribute_diet": "vegetarian"})
    assert response.status_code == 302
    assert values(contact) == {"profession": "Teacher", "children": Decimal("2"), "diet": "vegetarian"}


def test_an_editor_who_may_only_view_contacts_cannot_edit_attributes(declared, client):
    contact = Contact.objects.create(email="ada@example.com")
    client.force_login(admin_user("viewer", "view_contact"))
    response = client.post(reverse("oscar_lifecycle_contacts:attributes", args=[contact.pk]),
                           {"attribute_profession": "Spy"})
    assert response.status_code in (302, 403) and values(contact) == {}


def test_attributes_are_declared_in_the_admin(client):
    client.force_login(admin_user("owner", "add_contactattribute", "change_contactattribute"))
    response = client.post(reverse("oscar_lifecycle_attributes:add"), {
        "name": "Pet", "key": "pet", "kind": "choice", "choices": "", "on_preferences_page": "on"})
    assert response.status_code == 200 and "A choice attribute needs at least one choice." in response.content.decode()
    response = client.post(reverse("oscar_lifecycle_attributes:add"), {
        "name": "Pet", "key": "pet", "kind": "choice", "choices": "cat\ndog", "on_preferences_page": "on"})
    assert response.status_code == 302
    assert ContactAttribute.objects.get(key="pet").choice_list() == ["cat", "dog"]


def test_export_holds_the_values_and_erasure_deletes_them(declared, client):
    contact = Contact.objects.create(email="ada@example.com", city="Lyon", country="FR", postcode="69003",
                                     title="Mrs")
    ContactAttributeValue.objects.create(contact=contact, attribute=declared["child_birth"],
                                         value_date=date(2019, 4, 1))
    client.force_login(admin_user("owner", "view_contact"))
    export = json.loads(client.get(reverse("oscar_lifecycle_contacts:export", args=[contact.pk])).content)
    assert export["attributes"] == [{"attribute": "Child's birth date", "key": "child_birth", "value": "2019-04-01"}]
    assert export["contact"]["city"] == "Lyon"

    done = erase_contact(contact, source="test")
    contact.refresh_from_db()
    assert done["attribute_values_deleted"] == 1 and values(contact) == {}
    assert (contact.country, contact.city, contact.postcode, contact.title) == ("", "", "", "")


NOW = datetime(2026, 6, 15, 12, 0, tzinfo=dt_timezone.utc)


def in_segment(*rules):
    segment = Segment(name="Audience", rules=[{"type": name, "value": settings} for name, settings in rules])
    segment.full_clean()
    with time_machine.travel(NOW, tick=False):
        emails = set(segment.contacts().values_list("email", flat=True))
        assert all(segment.contains(contact) for contact in Contact.objects.filter(email__in=emails))
        return emails


def test_segments_select_on_attributes(declared, tmp_path):
    for email in ("ada@example.com", "bob@example.com", "cy@example.com"):
        Contact.objects.create(email=email)
    call_command("lifecycle_import_attributes", csv_file(tmp_path, (
        "email,profession,children,child_birth,diet\n"
        "ada@example.com,Primary school teacher,2,2026-05-01,vegan\n"
        "bob@example.com,Baker,0,2019-04-01,\n"
    )))
    assert in_segment(("attribute_text", {"attribute": "profession", "operator": "contains", "value": "TEACHER"})) == {
        "ada@example.com"}
    assert in_segment(("attribute_text", {"attribute": "profession", "operator": "is_set"})) == {
        "ada@example.com", "bob@example.com"}
    assert in_segment(("attribute_text", {"attribute": "diet", "operator": "equals", "value": "Vegan"})) == {
        "ada@example.com"}
    assert in_segment(("attribute_number", {"attribute": "children", "minimum": "1", "maximum": "3"})) == {
        "ada@example.com"}
    assert in_segment(("attribute_date", {"attribute": "child_birth", "when": "within", "days": 60})) == {
        "ada@example.com"}
    assert in_segment(("attribute_date", {"attribute": "child_birth", "when": "before", "days": 365})) == {
        "bob@example.com"}
    assert in_segment(("attribute_date", {"attribute": "child_birth", "when": "between",
                                          "date_from": "2019-01-01", "date_to": "2019-12-31"})) == {"bob@example.com"}


@pytest.mark.parametrize("rule, rule_settings, message", [
    ("attribute_text", {"attribute": "shoe_size", "operator": "is_set"},
     "Attribute (text or choice): No attribute has the key 'shoe_size'."),
    ("attribute_text", {"attribute": "children", "operator": "is_set"},
     "Attribute (text or choice): No attribute has the key 'children'."),
    ("attribute_text", {"attribute": "profession", "operator": "equals", "value": " "},
     "Attribute (text or choice): Give the value to look for."),
    ("attribute_number", {"attribute": "children", "minimum": "5", "maximum": "1"},
     "Attribute (number) between: The first number is above the second."),
    ("attribute_date", {"attribute": "child_birth", "when": "within", "days": -1},
     "Attribute (date): The number of days cannot be negative."),
    ("attribute_date", {"attribute": "child_birth", "when": "between", "date_from": "2020-01-01",
                        "date_to": "2019-01-01"}, "Attribute (date): The first date is after the second."),
])
def test_attribute_rules_that_cannot_work_are_refused_on_save(declared, rule, rule_settings, message):
    segment = Segment(name="Broken", rules=[{"type": rule, "value": rule_settings}])
    with pytest.raises(ValidationError) as refused:
        segment.full_clean()
    assert refused.value.message_dict["rules"] == [message]
