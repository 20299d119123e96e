"""The clicked and engagement-threshold scans cost the same statements for ten contacts as for
a thousand: one grouped query over the people's recent events, however many there are."""

from datetime import timedelta

import pytest
from django.utils import timezone

from oscar_lifecycle.models import Contact, Journey, Message, MessageEvent
from tests.shop import create_journey
from tests.test_scan_queries import scan, statements

pytestmark = pytest.mark.django_db


def human_clicks(prefix, count, journey, *, at):
    """``count`` consenting contacts, each sent ``journey``'s first email, who opened it and
    clicked its link at ``at``."""
    Contact.objects.bulk_create([Contact(email=f"{prefix}{number}@example.com", consent=Contact.Consent.GRANTED)
                                 for number in range(count)])
    contacts = Contact.objects.filter(email__startswith=prefix)
    step = journey.steps.get(sort_order=0)
    Message.objects.bulk_create([
        Message(contact=contact, journey=journey, step=step, category=journey.category, status=Message.Status.SENT,
                to_email=contact.email, sent_at=at - timedelta(hours=1))
        for contact in contacts
    ])
    MessageEvent.objects.bulk_create([
        MessageEvent(message=message, contact_id=message.contact_id, kind=kind, source=MessageEvent.Source.REDIRECT,
                     url="https://shop.test/catalogue/", created_at=at)
        for message in Message.objects.filter(contact__email__startswith=prefix)
        for kind in (MessageEvent.Kind.OPENED, MessageEvent.Kind.CLICKED)
    ])


@pytest.mark.parametrize("trigger_name, trigger_settings", [
    ("clicked", {}),
    ("engagement_threshold", {"count": 2, "days": 7}),
])
def test_a_scan_costs_the_same_statements_for_ten_as_for_a_thousand(trigger_name, trigger_settings):
    news = create_journey("News", steps=[{"delay_hours": 0}])
    create_journey("Scanned", trigger=trigger_name, reentry="always", trigger_settings=trigger_settings,
                   steps=[{"delay_hours": 0}])
    now = timezone.now()
    scan(trigger_name, now - timedelta(minutes=15))
    human_clicks("ten-", 10, news, at=now - timedelta(minutes=1))
    for_ten, enrolled = scan(trigger_name, now)
    assert enrolled == 10

    later = now + timedelta(minutes=15)
    human_clicks("thousand-", 1000, news, at=later - timedelta(minutes=1))
    for_a_thousand, enrolled = scan(trigger_name, later)

    assert enrolled == 1000
    assert len(statements(for_a_thousand)) == len(statements(for_ten)), "\n\n".join(for_a_thousand)
    assert Journey.objects.get(name="Scanned").enrollments.count() == 1010
