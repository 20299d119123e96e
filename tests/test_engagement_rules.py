"""Segments of contacts by how they answer our emails (a person's opens and clicks, never a
machine's), and segments made of other segments, which may not include themselves."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.campaigns.sending import schedule_send
from oscar_lifecycle.models import Campaign, Segment
from tests.admin import admin_user
from tests.shop import JIT_OFF, assert_rule_holds, create_journey, segment_of, subscriber
from tests.test_segment_admin import SEGMENT_EDITOR, segment_form, segment_url

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
APPLE_PROXY = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"


def tracking_path(outbox, address, subject, kind):
    """The first open pixel ("o") or click redirect ("c") of the email ``subject`` sent to ``address``."""
    [email] = [sent for sent in outbox if sent.to == [address] and sent.subject == subject]
    return re.findall(rf'https://shop\.test(/lifecycle/{kind}/[^"]+)"', email.alternatives[0][0])[0]


@pytest.fixture
def readers(outbox, client):
    """Forty days ago, Ann, Bob and Cid got the Welcome and the News emails: Ann opened the
    Welcome a minute later; Cid's mail privacy proxy fetched both; two days ago, Bob clicked in
    the News. Dan never got an email."""
    now = timezone.now()
    journeys = {
        name: create_journey(name, steps=[{"delay_hours": 0, "subject": name,
                                            "body": [("button", {"text": "Shop", "url": "/catalogue/"})]}])
        for name in ("Welcome", "News")
    }
    sent_at = now - timedelta(days=40)
    contacts = {}
    with time_machine.travel(sent_at, tick=False):
        for name in ("ann", "bob", "cid"):
            contacts[name] = subscriber(f"{name}@example.com")
            enroll("registration", contacts[name])
        run_lifecycle(sent_at)
    with time_machine.travel(sent_at + timedelta(minutes=1), tick=False):
        client.get(tracking_path(outbox, "ann@example.com", "Welcome", "o"), HTTP_USER_AGENT=BROWSER)
    with time_machine.travel(sent_at + timedelta(hours=1), tick=False):
        for subject in ("Welcome", "News"):
            client.get(tracking_path(outbox, "cid@example.com", subject, "o"), HTTP_USER_AGENT=APPLE_PROXY)
    with time_machine.travel(now - timedelta(days=2), tick=False):
        client.get(tracking_path(outbox, "bob@example.com", "News", "c"), HTTP_USER_AGENT=BROWSER)
    contacts["dan"] = contact_for("dan@example.com")
    return contacts, journeys


def test_opened_or_clicked_any_email_or_one_journeys_within_days(readers):
    contacts, journeys = readers
    ann, bob, _cid, _dan = everyone = list(contacts.values())

    assert_rule_holds("opened", {"days": 60}, [ann], everyone)
    assert_rule_holds("opened", {"days": 30}, [], everyone)
    assert_rule_holds("opened", {"days": 60, "journey": journeys["Welcome"].pk}, [ann], everyone)
    assert_rule_holds("opened", {"days": 60, "journey": journeys["News"].pk}, [], everyone)
    assert_rule_holds("clicked", {"days": 7}, [bob], everyone)
    assert_rule_holds("clicked", {"days": 7, "journey": journeys["News"].pk}, [bob], everyone)
    assert_rule_holds("clicked", {"days": 7, "journey": journeys["Welcome"].pk}, [], everyone)


def test_never_engaged_counts_no_machine_and_may_ask_for_emails_received(readers):
    contacts, _journeys = readers
    _ann, _bob, cid, dan = everyone = list(contacts.values())

    assert_rule_holds("never_engaged", {}, [cid, dan], everyone)
    assert_rule_holds("never_engaged", {"received": 2}, [cid], everyone)
    assert_rule_holds("never_engaged", {"received": 3}, [], everyone)


def test_in_another_segment_uses_its_published_rules(readers):
    contacts, _journeys = readers
    ann, bob, cid, dan = everyone = list(contacts.values())
    openers = segment_of(("opened", {"days": 60}), ("clicked", {"days": 60}), match="any", name="Readers")

    assert_rule_holds("in_segment", {"segment": openers.pk}, [ann, bob], everyone)
    assert segment_of(("in_segment", {"segment": openers.pk, "negate": True})).count() == 2
    assert set(segment_of(("in_segment", {"segment": openers.pk, "negate": True})).contacts()) == {cid, dan}

    openers.rules = [{"type": "opened", "value": {"days": 60}}]
    openers.save_revision()  # a draft: the published rules still count
    assert_rule_holds("in_segment", {"segment": openers.pk}, [ann, bob], everyone)


def test_a_segment_cannot_include_itself_directly_or_through_others():
    first = segment_of(("source", {"sources": ["import"]}), name="First")
    second = segment_of(("in_segment", {"segment": first.pk}), name="Second")
    third = segment_of(("in_segment", {"segment": second.pk}), name="Third")

    first.rules = [{"type": "in_segment", "value": {"segment": third.pk}}]
    with pytest.raises(ValidationError) as refused:
        first.full_clean()
    assert refused.value.message_dict["rules"] == [
        "In another segment: The segment “Third” includes this segment: a segment cannot include itself."]

    first.rules = [{"type": "in_segment", "value": {"segment": first.pk}}]
    with pytest.raises(ValidationError) as refused:
        first.full_clean()
    assert refused.value.message_dict["rules"] == [
        "In another segment: The segment “First” includes this segment: a segment cannot include itself."]


def test_a_cycle_stored_anyway_is_refused_when_counted_not_looped_over():
    first = segment_of(("source", {"sources": ["import"]}), name="First")
    second = segment_of(("in_segment", {"segment": first.pk}), name="Second")
    Segment.objects.filter(pk=first.pk).update(rules=[{"type": "in_segment", "value": {"segment": second.pk}}])

    with pytest.raises(ValidationError, match="includes itself"):
        Segment.objects.get(pk=second.pk).count()


@pytest.mark.parametrize(("rule", "rule_settings", "message"), [
    ("opened", {"days": -1}, "Opened an email: The number of days cannot be negative."),
    ("opened", {}, "Opened an email: Give a number of days."),
    ("clicked", {"days": 3, "journey": 999999}, "Clicked in an email: The journey no longer exists."),
    ("never_engaged", {"received": -1}, "Never opened nor clicked: The number of emails cannot be negative."),
    ("in_segment", {}, "In another segment: Choose a segment."),
    ("in_segment", {"segment": 999999}, "In another segment: The segment no longer exists."),
])
def test_settings_that_cannot_work_are_refused_on_save_naming_the_rule(rule, rule_settings, message):
    with pytest.raises(ValidationError) as refused:
        Segment(name="Broken", rules=[{"type": rule, "value": rule_settings}]).full_clean()
    assert refused.value.message_dict["rules"] == [message]


def test_a_draft_segment_cannot_be_included():
    draft = Segment.objects.create(name="Not yet", rules=[], live=False)
    with pytest.raises(ValidationError) as refused:
        Segment(name="Broken", rules=[{"type": "in_segment", "value": {"segment": draft.pk}}]).full_clean()
    assert refused.value.message_dict["rules"] == ["In another segment: The segment “Not yet” is not published."]


def test_counting_costs_the_same_queries_for_four_contacts_or_forty(readers, django_assert_num_queries):
    contacts, journeys = readers
    readers_segment = segment_of(("opened", {"days": 60}), ("clicked", {"days": 60}), match="any", name="Readers")
    segment = segment_of(
        ("in_segment", {"segment": readers_segment.pk}), ("opened", {"days": 60, "journey": journeys["Welcome"].pk}),
        ("never_engaged", {"received": 1, "negate": True}), match="any",
    )
    with django_assert_num_queries(2 + JIT_OFF):  # the included segment, then the count
        assert segment.count() == 3  # Ann, Bob, and Dan who received nothing
    for number in range(36):
        contact_for(f"silent{number}@example.com")
    with django_assert_num_queries(2 + JIT_OFF):
        assert segment.count() == 39  # and the silent ones, who received nothing either


def test_the_editor_is_told_which_rule_makes_a_segment_include_itself(client):
    client.force_login(admin_user("editor", *SEGMENT_EDITOR))
    first = segment_of(("source", {"sources": ["import"]}), name="First")
    second = segment_of(("in_segment", {"segment": first.pk}), name="Second")

    response = client.post(segment_url("edit", first), segment_form(
        "First", rules=[("in_segment", {"segment": str(second.pk)})], action="action-publish"))

    assert response.status_code == 200
    # in the stream's errors, which the editor's script shows under the rules (JSON in the page)
    message = "In another segment: The segment “Second” includes this segment: a segment cannot include itself."
    assert json.dumps(message)[1:-1] in response.content.decode()
    first.refresh_from_db()
    assert [(item["type"], item["value"]) for item in first.rule_items()] == [("source", {"sources": ["import"]})]


def test_opened_an_email_of_one_campaign(readers, client, outbox):
    contacts, _journeys = readers
    ann, _bob, cid, _dan = everyone = list(contacts.values())
    campaigns = {}
    for name in ("June news", "July news"):
        campaign = Campaign(name=name, subject=name, body=[("text", "<p>News.</p>")], live=False)
        campaign.segments.set([segment_of(("consent", {"consents": ["granted"]}), name=f"{name} readers")])
        campaign.save()
        campaign.save_revision().publish()
        campaigns[name] = Campaign.objects.get(pk=campaign.pk)
        schedule_send(campaigns[name])
        run_lifecycle()
        run_lifecycle()
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):  # a person, not a scanner
        client.get(tracking_path(outbox, "ann@example.com", "June news", "o"), HTTP_USER_AGENT=BROWSER)
        client.get(tracking_path(outbox, "cid@example.com", "July news", "o"), HTTP_USER_AGENT=BROWSER)

    assert_rule_holds("opened", {"days": 1, "campaign": campaigns["June news"].pk}, [ann], everyone)
    assert_rule_holds("opened", {"days": 1, "campaign": campaigns["July news"].pk}, [cid], everyone)
    assert_rule_holds("opened", {"days": 1}, [ann, cid], everyone)
    with pytest.raises(ValidationError, match="The campaign no longer exists"):
        segment_of(("opened", {"days": 1, "campaign": 999})).clean()
