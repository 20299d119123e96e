"""The ready-made newsletter: "New in the shop" goes on the first of each month to every contact
who may get it, except those still in the new-members series, who get it once their series is
over; an issue without new products is skipped."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from oscar_lifecycle.campaigns.sending import schedule_send
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import CampaignSend, Contact
from oscar_lifecycle.programme.install import install_programme
from oscar_lifecycle.programme.newsletter import install_newsletter
from tests.shop import Product, create_catalogue, register_subscriber, subscriber

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 6, 20, 9, 0, tzinfo=PARIS)


def newsletters(outbox, address):
    return [email for email in outbox if email.to == [address] and email.subject.startswith("New this month")]


def days_of_runs(first_day, last_day):
    """Run the runner every day at 10:05 from ``first_day`` to ``last_day`` (days after START)."""
    for day in range(first_day, last_day + 1):
        with time_machine.travel(START.replace(hour=10, minute=5) + timedelta(days=day), tick=False):
            run_lifecycle()


def test_new_members_get_the_newsletter_once_their_series_is_over(client, outbox):
    with time_machine.travel(START - timedelta(days=90), tick=False):
        old, june_tea, august_kettle = create_catalogue(3)
    for product, title in ((old, "Old faithful"), (june_tea, "June tea"), (august_kettle, "August kettle")):
        Product.objects.filter(pk=product.pk).update(title=title)
    with time_machine.travel(START, tick=False):
        install_programme(publish=True)
        campaign = install_newsletter(publish=True)
        assert install_newsletter(publish=True) is None, "installed once"
        schedule_send(campaign)
        subscriber("reader@example.com")
        Contact.objects.filter(pk=subscriber("lectrice@example.com").pk).update(locale="fr")
    with time_machine.travel(START + timedelta(days=5), tick=False):
        Product.objects.filter(pk=june_tea.pk).update(date_created=START + timedelta(days=5))
        register_subscriber(client, "member@example.com")
    days_of_runs(5, 11)  # the first of July: the issue goes

    (july,) = newsletters(outbox, "reader@example.com")
    assert "June tea" in july.alternatives[0][0] and "Old faithful" not in july.alternatives[0][0]
    assert newsletters(outbox, "member@example.com") == [], "still in the new-members series"
    (juillet,) = [email for email in outbox if email.to == ["lectrice@example.com"]]
    assert juillet.subject.startswith("Les nouveautés du mois chez ")

    days_of_runs(12, 42)  # the first of August: nothing new since July, so no issue
    assert len(newsletters(outbox, "reader@example.com")) == 1
    assert CampaignSend.objects.get(send_at=datetime(2026, 8, 1, 10, tzinfo=PARIS)).state == CampaignSend.State.SKIPPED

    Product.objects.filter(pk=august_kettle.pk).update(date_created=START + timedelta(days=50))
    days_of_runs(43, 73)  # the first of September, the member's series long over
    september = [email.alternatives[0][0] for email in newsletters(outbox, "member@example.com")]
    assert len(september) == 1 and "August kettle" in september[0] and "June tea" not in september[0]
    assert len(newsletters(outbox, "reader@example.com")) == 2
    assert Contact.objects.get(email="member@example.com").enrollments.filter(
        journey__installed_as="new_members", state="completed").exists()
