"""Campaigns (newsletters): one email to the contacts of segments, sent by the dispatcher exactly
once per contact, to the audience frozen when the send starts, which the editor may pause,
resume or cancel from the admin, and whose figures the admin shows; repeating campaigns with a
new-products section."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.test.factories import create_order

from oscar_lifecycle.campaigns.figures import results
from oscar_lifecycle.campaigns.sending import start_due_sends
from oscar_lifecycle.contacts import contact_for, unsubscribe
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import (
    Campaign, CampaignSend, Contact, Conversion, Enrollment, Message, MessageEvent, Segment,
)
from oscar_lifecycle.suppression import suppress
from oscar_lifecycle.tracking.events import record_event
from tests.admin import admin_user
from tests.shop import Product, StockRecord, create_catalogue, create_journey, place_order

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")  # the shop's TIME_ZONE in the tests


def reader(email, source=Contact.Source.IMPORT, user=None):
    """A contact from ``source`` who said yes to marketing."""
    contact = contact_for(email, user=user, source=source)
    contact.consent, contact.consent_source = Contact.Consent.GRANTED, "imported subscriber list"
    contact.consent_changed_at = timezone.now()
    contact.save(update_fields=["consent", "consent_source", "consent_changed_at"])
    return contact


def segment_of(name, *sources):
    segment = Segment.objects.create(name=name, rules=[{"type": "source", "value": {"sources": list(sources)}}],
                                     live=False)
    segment.save_revision().publish()
    return Segment.objects.get(pk=segment.pk)


def create_campaign(name="June news", segments=(), excluded=(), *, body=None, **fields):
    campaign = Campaign(
        name=name, subject=fields.pop("subject", f"{name} for {{{{ first_name|default:\"you\" }}}}"),
        body=body or [("heading", "Hello {{ first_name|default:\"there\" }}"),
                      ("text", "<p>What is new at {{ shop_name }}.</p>")],
        live=False, **fields,
    )
    campaign.save()
    campaign.segments.set(segments)
    campaign.excluded_segments.set(excluded)
    campaign.save()
    campaign.save_revision().publish()
    return Campaign.objects.get(pk=campaign.pk)


def campaign_url(name, campaign):
    return reverse(f"oscar_lifecycle_campaigns:{name}", args=[campaign.pk])


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@shop.test", "pw"))
    return client


def send_now(editor, campaign):
    response = editor.post(campaign_url("schedule", campaign), {"when": "now"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def recipients(outbox):
    return sorted(email.to[0] for email in outbox)


def figure(page, name, kind="figure"):
    return re.search(rf'data-{kind}="{name}">([^<]*)<', page.content.decode()).group(1)


def test_the_audience_is_frozen_when_the_send_starts(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader("ann@example.com")
    reader("bob@example.com")
    campaign = create_campaign(segments=[readers])

    send_now(editor, campaign)
    run_lifecycle()
    reader("late@example.com")  # joins the segment once the send has started
    run_lifecycle()
    run_lifecycle()

    assert recipients(outbox) == ["ann@example.com", "bob@example.com"]
    assert {email.subject for email in outbox} == {"June news for you"}
    send = CampaignSend.objects.get()
    assert (send.state, send.audience) == (CampaignSend.State.FINISHED, 2)
    page = editor.get(campaign_url("sends", campaign))
    assert figure(page, "sent") == "2"
    assert figure(page, "queued") == "0"


def test_a_contact_in_several_segments_gets_one_email_and_excluded_segments_get_none(editor, outbox):
    imported = segment_of("Imported", Contact.Source.IMPORT)
    imported_or_signed_up = segment_of("Imported or signed up", Contact.Source.IMPORT, Contact.Source.SIGNUP)
    signed_up = segment_of("Signed up", Contact.Source.SIGNUP)
    reader("ann@example.com")
    reader("sue@example.com", source=Contact.Source.SIGNUP)
    campaign = create_campaign(segments=[imported, imported_or_signed_up], excluded=[signed_up])

    send_now(editor, campaign)
    run_lifecycle()

    assert recipients(outbox) == ["ann@example.com"]


def test_who_says_no_before_their_turn_is_skipped_with_the_reason(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    changes_mind = reader("changes.mind@example.com")
    reader("bounced@example.com")
    reader("still.here@example.com")
    contact_for("never.asked@example.com", source=Contact.Source.IMPORT)  # no consent: not even in the audience
    campaign = create_campaign(segments=[readers])
    send_now(editor, campaign)

    start_due_sends()
    unsubscribe(changes_mind, source="unsubscribe link")
    suppress("bounced@example.com", Contact.Status.BOUNCED, source="the shop's former ESP")
    run_lifecycle()

    assert recipients(outbox) == ["still.here@example.com"]
    assert CampaignSend.objects.get().audience == 3
    page = editor.get(campaign_url("sends", campaign))
    assert figure(page, "sent") == "1"
    assert figure(page, "skipped") == "2"
    assert "contact is unsubscribed" in page.content.decode()
    reasons = set(Message.objects.filter(status=Message.Status.SUPPRESSED).values_list("reason", flat=True))
    assert len(reasons) == 2


def test_the_editor_pauses_resumes_and_cancels_a_send(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    for number in range(4):
        reader(f"reader{number}@example.com")
    campaign = create_campaign(segments=[readers])
    send_now(editor, campaign)
    start_due_sends()
    send = CampaignSend.objects.get()

    editor.post(campaign_url("sends", campaign), {"send": send.pk, "action": "pause"})
    run_lifecycle()
    assert outbox == []
    page = editor.get(campaign_url("sends", campaign))
    assert figure(page, "paused") == "4"
    assert "Resume" in page.content.decode()

    editor.post(campaign_url("sends", campaign), {"send": send.pk, "action": "resume"})
    run_lifecycle()
    assert len(outbox) == 4
    send.refresh_from_db()
    assert send.state == CampaignSend.State.FINISHED

    other = create_campaign("July news", segments=[readers])
    send_now(editor, other)
    start_due_sends()
    other_send = other.sends.get()
    editor.post(campaign_url("sends", other), {"send": other_send.pk, "action": "pause"})
    editor.post(campaign_url("sends", other), {"send": other_send.pk, "action": "cancel"})
    run_lifecycle()
    assert len(outbox) == 4
    assert set(Enrollment.objects.filter(campaign_send=other_send).values_list("reason", flat=True)) == {
        "campaign cancelled"}
    other_send.refresh_from_db()
    assert other_send.state == CampaignSend.State.CANCELLED
    page = editor.get(campaign_url("sends", other))
    assert figure(page, "skipped") == "4"


def test_a_send_paused_while_a_runner_holds_its_rows_sends_none_of_them(editor, outbox):
    from oscar_lifecycle.campaigns.controls import pause
    from oscar_lifecycle.engine.claim import claim_due
    from oscar_lifecycle.engine.dispatch import dispatch_batch

    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader("ann@example.com")
    campaign = create_campaign(segments=[readers])
    send_now(editor, campaign)
    start_due_sends()
    claimed = claim_due(timezone.now(), 10)
    pause(CampaignSend.objects.get())
    claimed[0].campaign_send.state = CampaignSend.State.PAUSED  # as a claim made after the pause loads it

    assert dispatch_batch(claimed, timezone.now()) == {"campaign paused": 1}
    assert outbox == []
    assert Enrollment.objects.get().next_run_at is None


def test_only_editors_allowed_to_send_can_schedule(client, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    campaign = create_campaign(segments=[readers])
    drafter = admin_user("drafter", "view_campaign", "change_campaign", "add_campaign")
    client.force_login(drafter)

    edit_page = client.get(campaign_url("edit", campaign)).content.decode()
    assert "Send a test" in edit_page
    assert "Schedule / send now" not in edit_page
    refused = client.post(campaign_url("schedule", campaign), {"when": "now"})
    assert refused.status_code in (302, 403)
    assert refused.get("Location") != campaign_url("sends", campaign)
    assert not CampaignSend.objects.exists()

    sender = admin_user("sender", "view_campaign", "change_campaign", "send_campaign")
    client.force_login(sender)
    assert "Schedule / send now" in client.get(campaign_url("edit", campaign)).content.decode()
    assert client.post(campaign_url("schedule", campaign), {"when": "now"}).status_code == 302


def test_a_test_send_goes_to_the_editor_and_counts_nowhere(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader("ann@example.com")
    campaign = create_campaign(segments=[readers])

    response = editor.post(campaign_url("send_test", campaign), {"to_email": "me@shop.test"})

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert [(email.to, email.subject) for email in mail.outbox] == [(["me@shop.test"], "[Test] June news for Alex")]
    assert not Message.objects.exists()


def test_the_campaigns_own_journey_is_not_listed_with_the_journeys(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader("ann@example.com")
    create_journey("Welcome")
    campaign = create_campaign("Autumn letter", segments=[readers])
    send_now(editor, campaign)
    run_lifecycle()

    listing = editor.get(reverse("oscar_lifecycle_journeys:list")).content.decode()
    assert "Welcome" in listing
    campaign.refresh_from_db()
    assert reverse("oscar_lifecycle_journeys:edit", args=[campaign.journey_id]) not in listing
    campaigns = editor.get(reverse("oscar_lifecycle_campaigns:list")).content.decode()
    assert "Autumn letter" in campaigns
    assert "Finished" in campaigns
    for chooser in ("choose", "choose_results"):  # where a rule picks a journey
        offered = editor.get(reverse(f"wagtailsnippetchoosers_oscar_lifecycle_journey:{chooser}")).content.decode()
        assert "Welcome" in offered
        assert "Autumn letter" not in offered


def test_the_figures_of_a_send_take_a_constant_number_of_queries(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    contacts = [reader(f"reader{number}@example.com") for number in range(4)]
    campaign = create_campaign(segments=[readers])
    send_now(editor, campaign)
    run_lifecycle()
    messages = {message.contact.email: message for message in Message.objects.select_related("contact")}
    first, second, third = (messages[f"reader{number}@example.com"] for number in range(3))
    for message in (first, second, third):
        record_event(message, MessageEvent.Kind.DELIVERED, source=MessageEvent.Source.ESP)
    record_event(first, MessageEvent.Kind.OPENED, source=MessageEvent.Source.PIXEL)
    record_event(second, MessageEvent.Kind.OPENED, source=MessageEvent.Source.PIXEL, is_machine=True)
    record_event(first, MessageEvent.Kind.CLICKED, source=MessageEvent.Source.REDIRECT, url="https://shop.test/")
    unsubscribe(contacts[2], source="unsubscribe link")
    order = create_order()
    Conversion.objects.create(order=order, message=first, contact=contacts[0], journey=first.journey,
                              revenue=Decimal("42.50"), currency="EUR", attributed_to="click")

    page = editor.get(campaign_url("sends", campaign))

    assert [figure(page, name, "result") for name in
            ("sent", "delivered", "opened", "clicked", "unsubscribed", "orders", "revenue")] == [
        "4", "3", "1", "1", "1", "1", "42.50"]
    sends = list(CampaignSend.objects.all())
    with CaptureQueriesContext(connection) as few:
        results(sends)
    for number in range(4, 12):
        reader(f"reader{number}@example.com")
    later = create_campaign("Later", segments=[readers])
    send_now(editor, later)
    run_lifecycle()
    sends = list(CampaignSend.objects.all())
    with CaptureQueriesContext(connection) as many:
        results(sends)
    assert len(few) == len(many) == 2


def test_a_weekly_campaign_goes_every_monday_at_ten_to_who_is_in_its_segment_then(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader("ann@example.com")
    saturday = datetime(2026, 6, 6, 15, 0, tzinfo=PARIS)
    with time_machine.travel(saturday, tick=False):
        campaign = create_campaign("Monday letter", segments=[readers], repeat=Campaign.Repeat.WEEKLY, weekday=0,
                                   time_of_day=time(10, 0))
        send_now(editor, campaign)
        run_lifecycle()
    assert outbox == []
    assert CampaignSend.objects.get().send_at == datetime(2026, 6, 8, 10, 0, tzinfo=PARIS)

    with time_machine.travel(datetime(2026, 6, 8, 10, 1, tzinfo=PARIS), tick=False):
        run_lifecycle()
        run_lifecycle()
    assert recipients(outbox) == ["ann@example.com"]
    reader("bob@example.com")
    with time_machine.travel(datetime(2026, 6, 15, 9, 59, tzinfo=PARIS), tick=False):
        run_lifecycle()
    assert len(outbox) == 1
    with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=PARIS), tick=False):
        run_lifecycle()
    assert recipients(outbox) == ["ann@example.com", "ann@example.com", "bob@example.com"]
    assert list(CampaignSend.objects.order_by("send_at").values_list("state", "send_at")) == [
        (CampaignSend.State.FINISHED, datetime(2026, 6, 8, 10, 0, tzinfo=PARIS)),
        (CampaignSend.State.FINISHED, datetime(2026, 6, 15, 10, 0, tzinfo=PARIS)),
        (CampaignSend.State.SCHEDULED, datetime(2026, 6, 22, 10, 0, tzinfo=PARIS)),
    ]


def test_a_monthly_campaign_goes_on_its_day_in_the_shops_time_zone(editor, outbox):
    from oscar_lifecycle.campaigns.recurrence import next_issue_at

    campaign = Campaign(repeat=Campaign.Repeat.MONTHLY, day_of_month=1, time_of_day=time(9, 30))
    assert next_issue_at(campaign, datetime(2026, 1, 15, tzinfo=PARIS)) == datetime(2026, 2, 1, 9, 30, tzinfo=PARIS)
    assert next_issue_at(campaign, datetime(2026, 3, 1, 9, 0, tzinfo=PARIS)) == datetime(2026, 3, 1, 9, 30,
                                                                                          tzinfo=PARIS)
    assert next_issue_at(campaign, datetime(2026, 12, 1, 9, 30, tzinfo=PARIS)) == datetime(2027, 1, 1, 9, 30,
                                                                                           tzinfo=PARIS)


NEW_PRODUCTS_BODY = [
    ("heading", "New in the shop"),
    ("product_grid", {"heading": "", "source": "new_products", "products": [], "category": None,
                      "max_products": 6, "columns": "3", "button_text": ""}),
]


def test_each_issue_shows_the_products_new_since_the_last_and_skips_when_there_are_none(
        editor, outbox, django_user_model):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    ann = django_user_model.objects.create_user("ann", "ann@example.com", "pw")
    reader("ann@example.com", user=ann)
    monday = datetime(2026, 6, 8, 10, 0, tzinfo=PARIS)
    with time_machine.travel(monday - timedelta(days=60), tick=False):
        old, tea, pot = create_catalogue(3)
    for product, title in ((old, "Old faithful"), (tea, "Fresh tea"), (pot, "Bought pot")):
        Product.objects.filter(pk=product.pk).update(title=title)
    Product.objects.filter(pk__in=[tea.pk, pot.pk]).update(date_created=monday - timedelta(days=3))
    with time_machine.travel(monday - timedelta(days=3), tick=False):
        place_order((pot, 1), user=ann)
        campaign = create_campaign("New in", segments=[readers], repeat=Campaign.Repeat.WEEKLY, weekday=0,
                                   time_of_day=time(10, 0), skip_when_no_new_products=True, body=NEW_PRODUCTS_BODY)
        send_now(editor, campaign)

    with time_machine.travel(monday, tick=False):
        run_lifecycle()
    assert len(outbox) == 1
    first_issue = outbox[0].alternatives[0][0]
    assert "Fresh tea" in first_issue
    assert "Old faithful" not in first_issue

    with time_machine.travel(monday + timedelta(days=7), tick=False):
        run_lifecycle()
    assert len(outbox) == 1, "nothing new: the issue is skipped"
    skipped = CampaignSend.objects.get(send_at=monday + timedelta(days=7))
    assert (skipped.state, skipped.reason) == (CampaignSend.State.SKIPPED, "no new products since the last issue")

    with time_machine.travel(monday + timedelta(days=10), tick=False):
        StockRecord.objects.filter(product=old).update(num_in_stock=0)
    with time_machine.travel(monday + timedelta(days=12), tick=False):
        record = StockRecord.objects.get(product=old)
        record.num_in_stock = 20
        record.save()  # back in stock
    with time_machine.travel(monday + timedelta(days=14), tick=False):
        run_lifecycle()
    assert len(outbox) == 2
    third_issue = outbox[1].alternatives[0][0]
    assert "Old faithful" in third_issue
    assert "Fresh tea" not in third_issue


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_runners_send_one_campaign_once_to_each_contact(outbox, settings, django_user_model):
    import threading

    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "BATCH_SIZE": 7, "PRESSURE_CAP": None}
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    for number in range(60):
        reader(f"reader{number}@example.com")
    campaign = create_campaign(segments=[readers])
    from oscar_lifecycle.campaigns.sending import schedule_send

    schedule_send(campaign)
    barrier = threading.Barrier(2)
    errors = []

    def runner():
        try:
            barrier.wait()
            run_lifecycle()
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_lifecycle()

    assert errors == []
    assert len(recipients(outbox)) == 60
    assert len(set(recipients(outbox))) == 60
    assert CampaignSend.objects.get().audience == 60
    assert Enrollment.objects.count() == 60


def test_a_campaigns_journey_raises_no_warning_about_its_trigger(editor, outbox):
    from django.core import checks

    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader("ann@example.com")
    send_now(editor, create_campaign(segments=[readers]))
    run_lifecycle()

    warnings = checks.run_checks(databases=["default"])
    assert [warning.id for warning in warnings if warning.id == "oscar_lifecycle.W005"] == []


def test_the_preview_shows_the_email_for_the_made_up_customer(rf):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    campaign = create_campaign(segments=[readers])
    request = rf.get("/")

    page = campaign.serve_preview(request, "").render().content.decode()

    assert "June news for Alex" in page


def test_a_contact_the_pressure_cap_would_hold_back_for_days_is_skipped_one_held_for_hours_waits(
        editor, outbox, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "PRESSURE_CAP": 1}
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader("ann@example.com")
    first = create_campaign("First", segments=[readers])
    send_now(editor, first)
    run_lifecycle()
    assert len(outbox) == 1

    second = create_campaign("Second", segments=[readers])
    send_now(editor, second)
    run_lifecycle()

    assert len(outbox) == 1
    page = editor.get(campaign_url("sends", second))
    assert figure(page, "skipped") == "1"
    assert "not sent: held back by the pressure cap (1 marketing emails in 7 days)" in page.content.decode()
    assert second.sends.get().state == CampaignSend.State.FINISHED

    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "PRESSURE_CAP": None, "MINIMUM_GAP": timedelta(hours=4)}
    third = create_campaign("Third", segments=[readers])
    send_now(editor, third)
    run_lifecycle()
    assert len(outbox) == 1, "the minimum gap holds it back a few hours: it waits"
    with time_machine.travel(timezone.now() + timedelta(hours=4, minutes=1)):
        run_lifecycle()
    assert [email.subject for email in outbox][-1] == "Third for you"


def test_a_forged_control_changes_nothing(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    campaign = create_campaign(segments=[readers])
    other = create_campaign("Other", segments=[readers])
    send_now(editor, other)
    other_send = other.sends.get()

    for data in ({"send": "abc", "action": "cancel"}, {"send": other_send.pk, "action": "cancel"},
                 {"send": other_send.pk, "action": "delete"}):
        assert editor.post(campaign_url("sends", campaign), data).status_code in (302, 403, 404)
    other_send.refresh_from_db()
    assert other_send.state == CampaignSend.State.SCHEDULED
