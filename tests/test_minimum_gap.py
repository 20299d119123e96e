"""Smart sending: two marketing emails to one contact are at least the minimum gap apart (16 h by
default); the later one waits, it is never dropped, and relational mail never waits."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Enrollment, LifecycleSettings
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db
GAP = timedelta(hours=16)


@pytest.fixture
def default_gap(settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "MINIMUM_GAP": GAP}


def test_a_second_marketing_email_waits_the_gap_then_goes(default_gap, outbox):
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome"}])
    create_journey("Basket", steps=[{"delay_hours": 1, "subject": "Your basket"}])
    start = timezone.now()
    enroll("registration", subscriber("busy@example.com"))

    dispatch_due()
    with time_machine.travel(start + timedelta(hours=1, minutes=1), tick=False):
        report = dispatch_due()
    assert [email.subject for email in outbox] == ["Welcome"]
    assert report.outcomes == {"deferred": 1}
    waiting = Enrollment.objects.get(journey__name="Basket")
    assert waiting.state == Enrollment.State.ACTIVE
    assert "minimum gap of 16 h between two marketing emails" in waiting.reason
    assert start <= waiting.next_run_at - GAP <= start + timedelta(minutes=1)

    with time_machine.travel(waiting.next_run_at + timedelta(seconds=1), tick=False):
        dispatch_due()
    assert [email.subject for email in outbox] == ["Welcome", "Your basket"]


def test_two_steps_due_in_one_pass_are_spaced_too(default_gap, outbox):
    for name in ("First", "Second"):
        create_journey(name, steps=[{"delay_hours": 0, "subject": name}])
    enroll("registration", subscriber("one@example.com"))

    report = dispatch_due()

    assert len(outbox) == 1
    assert report.outcomes == {"sent": 1, "deferred": 1}


def test_relational_mail_neither_waits_nor_delays_marketing(default_gap, outbox):
    create_journey("Promo", steps=[{"delay_hours": 0, "subject": "Promo"}])
    create_journey("Order news", category="relational", steps=[{"delay_hours": 0, "subject": "Shipped"}])
    create_journey("Account", category="relational", steps=[{"delay_hours": 0, "subject": "Account"}])
    enroll("registration", subscriber("news@example.com"))

    dispatch_due()

    assert sorted(email.subject for email in outbox) == ["Account", "Promo", "Shipped"]


def test_the_shop_sets_the_gap_in_the_lifecycle_settings(client, default_gap, outbox):
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["oscar_lifecycle", "lifecyclesettings", site.pk])
    assert 'value="16"' in client.get(url).content.decode(), "the default shows in the form"
    form = {"from_name": "", "from_email": "", "reply_to": "", "postal_address": "1 rue de la Paix",
            "logo": "", "button_colour": "#1d4ed8", "header_background": "#ffffff", "text_colour": "#1f2937",
            "pressure_cap": "", "pressure_window_days": "7", "minimum_gap_hours": "0",
            "quiet_hours_start": "", "quiet_hours_end": "", "default_locale": ""}
    assert client.post(url, form).status_code == 302
    assert LifecycleSettings.objects.get().minimum_gap_hours == 0
    for name in ("First", "Second"):
        create_journey(name, steps=[{"delay_hours": 0, "subject": name}])
    enroll("registration", subscriber("eager@example.com"))

    dispatch_due()

    assert len(outbox) == 2, "a gap of 0 spaces nothing"
