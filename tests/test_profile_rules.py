"""A shop names an audience by what it knows of the person: where they live, their age,
language, topics, consent, where they came from and since when. Each rule counts the same
contacts whether asked of the whole table (Segment.count) or of one contact (contains), and
settings that cannot work are refused on save with the rule named."""

from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from oscar_lifecycle.contact_address import refresh_contact_addresses
from oscar_lifecycle.models import Contact, Segment
from tests.shop import JIT_OFF

pytestmark = pytest.mark.django_db

Country = get_model("address", "Country")
UserAddress = get_model("address", "UserAddress")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=dt_timezone.utc)


def _country(code, name):
    Country.objects.get_or_create(iso_3166_1_a2=code, defaults={
        "iso_3166_1_a3": code + "X", "iso_3166_1_numeric": "0", "printable_name": name, "name": name})


@pytest.fixture
def people():
    """Five contacts the shop knows well enough, created on NOW's eve (one long before)."""
    _country("FR", "France")
    _country("GB", "United Kingdom")
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        rows = {
            "lyon": Contact(email="lyon@example.com", country="FR", city="Lyon", postcode="69003", title="Mrs",
                            birth_date=date(1996, 6, 15), locale="fr", source=Contact.Source.REGISTERED,
                            consent=Contact.Consent.GRANTED),
            "paris": Contact(email="paris@example.com", country="FR", city="PARIS", postcode="75002", title="Mr",
                             birth_date=date(1991, 6, 16), locale="fr", source=Contact.Source.CHECKOUT,
                             declined_topics=["offers", "news"]),
            "london": Contact(email="london@example.com", country="GB", city="London", postcode="SW1A 2AA",
                              title="Dr", birth_date=date(1980, 1, 1), locale="en", source=Contact.Source.SIGNUP,
                              consent=Contact.Consent.PENDING, declined_topics=["offers"]),
            "unknown": Contact(email="unknown@example.com", source=Contact.Source.IMPORT,
                               consent=Contact.Consent.WITHDRAWN),
        }
        for contact in rows.values():
            contact.save()
    with time_machine.travel(NOW - timedelta(days=400), tick=False):
        rows["old"] = Contact.objects.create(email="old@example.com", source=Contact.Source.REGISTERED,
                                             city="lyon", country="FR", birth_date=date(2000, 2, 29))
    return rows


def matching(people, *rules, match="all"):
    """The names of ``people`` in a segment of ``rules`` ([(rule name, settings)]), counted as
    the whole table and checked one contact at a time; they must agree."""
    segment = Segment(name="Audience", match=match,
                      rules=[{"type": name, "value": settings} for name, settings in rules])
    segment.full_clean()
    with time_machine.travel(NOW, tick=False):
        names = {name for name, contact in people.items() if segment.contains(contact)}
        assert segment.count() == len(names)
    return names


def test_address_rules(people):
    assert matching(people, ("country", {"countries": ["FR"]})) == {"lyon", "paris", "old"}
    assert matching(people, ("country", {"countries": ["FR", "GB"]})) == {"lyon", "paris", "london", "old"}
    assert matching(people, ("city", {"cities": "lyon, Paris"})) == {"lyon", "paris", "old"}
    assert matching(people, ("postcode", {"postcodes": "69, sw1a"})) == {"lyon", "london"}
    assert matching(people, ("title", {"titles": ["Mrs", "Dr"]})) == {"lyon", "london"}


def test_age_and_birth_date(people):
    # On 15 June 2026: Lyon turns 30 that day, Paris is 34 until tomorrow, London is 46.
    assert matching(people, ("age", {"min_age": 30, "max_age": 34})) == {"lyon", "paris"}
    assert matching(people, ("age", {"min_age": 31, "max_age": 35})) == {"paris"}
    assert matching(people, ("age", {"min_age": 26, "max_age": 26})) == {"old"}
    assert matching(people, ("birth_date", {"born_from": "1990-01-01", "born_to": "1996-06-15"})) == {
        "lyon", "paris"}


def test_language_topics_consent_source(people):
    assert matching(people, ("language", {"languages": ["fr"]})) == {"lyon", "paris"}
    # Paris unticked offers and news, London offers.
    assert matching(people, ("topics", {"topics": ["offers"]})) == {"lyon", "unknown", "old"}
    assert matching(people, ("topics", {"topics": ["offers", "news"]})) == {"lyon", "london", "unknown", "old"}
    assert matching(people, ("consent", {"consents": ["pending", "withdrawn"]})) == {"london", "unknown"}
    assert matching(people, ("source", {"sources": ["checkout", "signup"]})) == {"paris", "london"}


def test_became_a_contact(people):
    assert matching(people, ("became_contact", {"when": "within", "days": 30})) == {
        "lyon", "paris", "london", "unknown"}
    assert matching(people, ("became_contact", {"when": "before", "days": 30})) == {"old"}


def test_rules_combine_and_negate(people):
    assert matching(people, ("country", {"countries": ["FR"]}), ("age", {"min_age": 18, "max_age": 30})) == {
        "lyon", "old"}
    assert matching(people, ("country", {"countries": ["FR"], "negate": True})) == {"london", "unknown"}
    assert matching(people, ("language", {"languages": ["en"]}), ("source", {"sources": ["import"]}),
                    match="any") == {"london", "unknown"}


def test_a_five_rule_segment_is_counted_in_one_query(people):
    segment = Segment(name="Young French members", rules=[
        {"type": "country", "value": {"countries": ["FR"]}},
        {"type": "city", "value": {"cities": "Lyon"}},
        {"type": "age", "value": {"min_age": 18, "max_age": 40}},
        {"type": "language", "value": {"languages": ["fr"]}},
        {"type": "source", "value": {"sources": ["registered"]}},
    ])
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        assert segment.count() == 1
    assert len(queries) == 1 + JIT_OFF


@pytest.mark.parametrize("rule, rule_settings, message", [
    ("age", {"min_age": 40, "max_age": 30}, "Age between: The first age is above the second."),
    ("age", {"min_age": -1, "max_age": 30}, "Age between: An age cannot be negative."),
    ("birth_date", {"born_from": "2000-01-01", "born_to": "1990-01-01"},
     "Born between: The first date is after the second."),
    ("became_contact", {"when": "within", "days": -3}, "Became a contact: The number of days cannot be negative."),
    ("country", {"countries": []}, "Lives in the country: Choose at least one value."),
    ("city", {"cities": " , "}, "Lives in the city: Choose at least one value."),
    ("postcode", {"postcodes": ""}, "Postcode starts with: Choose at least one value."),
    ("language", {"languages": []}, "Language: Choose at least one value."),
    ("topics", {"topics": []}, "Wants to hear about: Choose at least one value."),
])
def test_settings_that_cannot_work_are_refused_on_save(rule, rule_settings, message):
    segment = Segment(name="Broken", rules=[{"type": rule, "value": rule_settings}])
    with pytest.raises(ValidationError) as refused:
        segment.full_clean()
    assert refused.value.message_dict["rules"] == [message]


def test_the_address_fields_are_recomputed_for_contacts_made_before(people):
    """An import or the migration: the address book wins over orders."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ann", "ann@example.com", "x")
    contact = Contact.objects.create(email="ann@example.com", user=user)
    UserAddress.objects.bulk_create([UserAddress(
        user=user, first_name="Ann", last_name="B", line1="1 Main St", line4="Manchester", postcode="M1 1AA",
        country_id="GB", title="Ms", is_default_for_shipping=True)])  # bulk: no signal
    assert refresh_contact_addresses(Contact.objects.filter(pk=contact.pk)) == 1
    contact.refresh_from_db()
    assert (contact.country, contact.city, contact.postcode, contact.title) == ("GB", "Manchester", "M1 1AA", "Ms")


def test_the_segment_editor_saves_profile_rules_and_refuses_one_that_cannot_work(people, client):
    from django.contrib.auth import get_user_model

    from tests.test_segment_admin import segment_form, segment_url

    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    response = client.post(segment_url("add"), segment_form("Lyon, 25 to 20", rules=[
        ("city", {"cities": "Lyon"}), ("age", {"min_age": "25", "max_age": "20"})], action="action-publish"))
    assert response.status_code == 200
    assert "Age between: The first age is above the second." in response.content.decode()
    assert not Segment.objects.exists()

    response = client.post(segment_url("add"), segment_form("Young people in Lyon", rules=[
        ("city", {"cities": "Lyon"}), ("age", {"min_age": "18", "max_age": "30"}),
        ("country", {"countries": "FR"})], action="action-publish"))
    assert response.status_code == 302, response.content.decode()[:3000]
    with time_machine.travel(NOW, tick=False):
        assert Segment.objects.get().count() == 2  # Lyon (30 that day) and the one who joined long ago
