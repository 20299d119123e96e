"""A journey for the contacts of one segment: only they enter, who has left it by the time an
email is due leaves the journey (when it checks before every email), and a journey may start
when a contact joins its segment."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Enrollment, Journey, Segment
from oscar_lifecycle.rules import Rule
from tests.admin import journey_form_for_trigger, journey_url
from tests.shop import create_journey, register_subscriber, subscriber

pytestmark = pytest.mark.django_db


class EngagedWithinRule(Rule):
    """Opened, clicked or visited within ``days``: a segment people leave as time passes."""

    name = "test_engaged_within"
    label = "Engaged within days"

    def q(self, context):
        return Q(last_engagement_at__gte=context.now - timedelta(days=self.settings["days"]))


@pytest.fixture(autouse=True)
def rules(settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "RULES": [
        "oscar_lifecycle.rules.profile.SourceRule", "oscar_lifecycle.rules.profile.ConsentRule",
        f"{__name__}.EngagedWithinRule",
    ]}


def published_segment(name, *rules, publish=True):
    segment = Segment.objects.create(name=name, rules=[{"type": rule, "value": value} for rule, value in rules],
                                     live=False)
    if publish:
        segment.save_revision().publish()
    return Segment.objects.get(pk=segment.pk)


def subjects_to(outbox, address):
    return [email.subject for email in outbox if email.to == [address]]


def test_only_the_segments_contacts_enter(client, outbox):
    imported = published_segment("Our old newsletter", ("source", {"sources": ["import"]}))
    create_journey("Welcome back", segment=imported, steps=[{"delay_hours": 0, "subject": "Welcome back"}])
    contact_for("ann@example.com", source=Contact.Source.IMPORT)  # on the list the shop brought along
    register_subscriber(client, "ann@example.com")
    register_subscriber(client, "bob@example.com")

    run_lifecycle()
    run_lifecycle()

    assert subjects_to(outbox, "ann@example.com") == ["Welcome back"]
    assert subjects_to(outbox, "bob@example.com") == []


def test_who_left_the_segment_leaves_the_journey_before_the_next_email(outbox):
    engaged = published_segment("Engaged this month", ("test_engaged_within", {"days": 30}))
    journey = create_journey("Club", trigger="registration", segment=engaged, steps=[
        {"delay_hours": 0, "subject": "Club news"}, {"delay_days": 15, "subject": "More club news"},
    ])
    start = timezone.now()
    for address, engaged_days_ago in (("ann@example.com", 20), ("cy@example.com", 1)):
        contact = subscriber(address)
        Contact.objects.filter(pk=contact.pk).update(last_engagement_at=start - timedelta(days=engaged_days_ago))
        Enrollment.objects.create(contact=contact, journey=journey, next_step=journey.ordered_steps()[0],
                                  next_run_at=start)
    run_lifecycle()
    with time_machine.travel(start + timedelta(days=15, minutes=1), tick=False):
        run_lifecycle()

    assert subjects_to(outbox, "ann@example.com") == ["Club news"]
    assert subjects_to(outbox, "cy@example.com") == ["Club news", "More club news"]
    left = Enrollment.objects.get(contact__email="ann@example.com")
    assert (left.state, left.reason) == (Enrollment.State.EXITED, "no longer in segment “Engaged this month”")


def test_a_segment_checked_on_entry_only_keeps_who_left_it(outbox):
    engaged = published_segment("Engaged this month", ("test_engaged_within", {"days": 30}))
    journey = create_journey("Club", segment=engaged, segment_check=Journey.SegmentCheck.ON_ENTRY, steps=[
        {"delay_hours": 0, "subject": "Club news"}, {"delay_days": 15, "subject": "More club news"},
    ])
    start = timezone.now()
    contact = subscriber("ann@example.com")
    Contact.objects.filter(pk=contact.pk).update(last_engagement_at=start - timedelta(days=20))
    Enrollment.objects.create(contact=contact, journey=journey, next_step=journey.ordered_steps()[0], next_run_at=start)

    run_lifecycle()
    with time_machine.travel(start + timedelta(days=15, minutes=1), tick=False):
        run_lifecycle()

    assert subjects_to(outbox, "ann@example.com") == ["Club news", "More club news"]


def test_a_journey_starts_when_a_contact_joins_its_segment(outbox):
    engaged = published_segment("Engaged this week", ("test_engaged_within", {"days": 7}))
    create_journey("Thanks for reading", trigger="segment_entered", segment=engaged,
                   steps=[{"delay_hours": 0, "subject": "Thanks for reading"}])
    start = timezone.now()
    already = subscriber("old@example.com")
    Contact.objects.filter(pk=already.pk).update(last_engagement_at=start)
    newcomer = subscriber("new@example.com")

    run_lifecycle()  # the journey's first scan notes who is in the segment already
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        Contact.objects.filter(pk=newcomer.pk).update(last_engagement_at=timezone.now())
        run_lifecycle()
        run_lifecycle()
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        run_lifecycle()  # no one joined since: nobody enters again

    assert subjects_to(outbox, "new@example.com") == ["Thanks for reading"]
    assert subjects_to(outbox, "old@example.com") == []


def test_a_contact_who_leaves_and_joins_again_enters_again_as_reentry_allows(outbox):
    engaged = published_segment("Engaged this week", ("test_engaged_within", {"days": 7}))
    create_journey("Thanks for reading", trigger="segment_entered", segment=engaged,
                   reentry=Journey.Reentry.NOT_WHILE_ACTIVE,
                   steps=[{"delay_hours": 0, "subject": "Thanks for reading"}])
    start = timezone.now()
    reader = subscriber("reader@example.com")
    run_lifecycle()
    for days, engages in ((1, True), (20, False), (30, True)):  # joins, leaves after a silent week, joins again
        with time_machine.travel(start + timedelta(days=days), tick=False):
            if engages:
                Contact.objects.filter(pk=reader.pk).update(last_engagement_at=timezone.now())
            run_lifecycle()
            run_lifecycle()

    assert subjects_to(outbox, "reader@example.com") == ["Thanks for reading", "Thanks for reading"]


def test_an_unpublished_segment_holds_nobody_and_cannot_be_chosen(client, outbox):
    draft = published_segment("Draft", ("source", {"sources": ["registered"]}), publish=False)
    journey = Journey(name="Welcome", trigger="registration", segment=draft)
    with pytest.raises(ValidationError) as refused:
        journey.clean()
    assert "“Draft” is not published" in str(refused.value)

    members = published_segment("Members", ("source", {"sources": ["registered"]}))
    create_journey("Welcome", segment=members, steps=[{"delay_hours": 0, "subject": "Welcome"}])
    members.unpublish()
    register_subscriber(client, "ann@example.com")
    run_lifecycle()
    run_lifecycle()
    assert subjects_to(outbox, "ann@example.com") == []


def test_the_segment_trigger_needs_a_segment():
    with pytest.raises(ValidationError) as refused:
        Journey(name="Joiners", trigger="segment_entered").clean()
    assert "choose the segment" in str(refused.value)


def test_a_rule_taken_out_of_the_settings_makes_its_segment_hold_nobody(client, outbox, settings):
    engaged = published_segment("Engaged", ("test_engaged_within", {"days": 30}))
    create_journey("Welcome", segment=engaged, steps=[{"delay_hours": 0, "subject": "Welcome"}])
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "RULES": ["oscar_lifecycle.rules.profile.SourceRule"]}
    register_subscriber(client, "ann@example.com")
    Contact.objects.filter(email="ann@example.com").update(last_engagement_at=timezone.now())

    run_lifecycle()
    run_lifecycle()

    assert subjects_to(outbox, "ann@example.com") == []


@pytest.fixture
def editor_client(client):
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw"))
    return client


def test_the_editor_chooses_the_segment_of_a_journey(editor_client):
    members = published_segment("Members", ("source", {"sources": ["registered"]}))
    draft = published_segment("Still a draft", ("source", {"sources": ["signup"]}), publish=False)

    refused = editor_client.post(journey_url("add"), journey_form_for_trigger("segment_entered", action="action-publish"))
    assert "choose the segment" in refused.content.decode()
    refused = editor_client.post(journey_url("add"), {
        **journey_form_for_trigger("segment_entered", action="action-publish"), "segment": str(draft.pk)})
    assert "“Still a draft” is not published" in refused.content.decode()
    assert not Journey.objects.exists()

    published = editor_client.post(journey_url("add"), {
        **journey_form_for_trigger("segment_entered", action="action-publish"), "segment": str(members.pk),
        "segment_check": "entry"})
    assert published.status_code == 302, published.content.decode()[:2000]
    journey = Journey.objects.get()
    assert (journey.live, journey.segment, journey.segment_check) == (True, members, "entry")
