"""Editors' Lifecycle settings: the sender, the footer's postal address, the pressure cap and quiet hours."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Site

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Enrollment, LifecycleSettings
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    return client


def settings_form(**overrides):
    return {
        "from_name": "Sandbox Team", "from_email": "team@shop.test", "reply_to": "help@shop.test",
        "postal_address": "1 rue de la Paix\n75002 Paris", "logo": "", "button_colour": "#1d4ed8",
        "header_background": "#ffffff", "text_colour": "#1f2937", "pressure_cap": "3",
        "pressure_window_days": "7", "minimum_gap_hours": "0", "quiet_hours_start": "", "quiet_hours_end": "",
        "default_locale": "", **overrides,
    }


def settings_url():
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["oscar_lifecycle", "lifecyclesettings", site.pk])


def test_saved_settings_shape_every_email(admin_client, outbox):
    response = admin_client.post(settings_url(), settings_form())
    assert response.status_code == 302
    create_journey(steps=[{"delay_hours": 0}])
    enroll("registration", subscriber("reader@example.com"))

    dispatch_due()

    [email] = outbox
    assert email.from_email == "Sandbox Team <team@shop.test>"
    assert email.reply_to == ["help@shop.test"]
    assert "1 rue de la Paix<br>75002 Paris" in email.alternatives[0][0]


@pytest.mark.parametrize("field, value, message", [
    ("pressure_cap", "0", "Use 1 or more"),
    ("quiet_hours_start", "22:00", "Set both ends of the quiet hours"),
])
def test_impossible_settings_are_refused(admin_client, field, value, message):
    response = admin_client.post(settings_url(), settings_form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    saved = LifecycleSettings.objects.get()  # Wagtail creates the row with defaults on first visit
    assert (saved.pressure_cap, saved.quiet_hours_start) == (3, None)


def test_marketing_mail_waits_for_the_end_of_quiet_hours(admin_client, outbox):
    admin_client.post(settings_url(), settings_form(quiet_hours_start="22:00", quiet_hours_end="08:00"))
    create_journey("Promo", steps=[{"delay_hours": 0, "subject": "Promo"}])
    create_journey("Account", category="relational", steps=[{"delay_hours": 0, "subject": "Account"}])
    late_evening = datetime.datetime(2026, 11, 25, 23, 30, tzinfo=PARIS)

    with time_machine.travel(late_evening, tick=False):
        enroll("registration", subscriber("night@example.com"))
        dispatch_due()
    assert [email.subject for email in outbox] == ["Account"], "relational mail is not held"
    waiting = Enrollment.objects.get(journey__name="Promo")
    assert waiting.next_run_at == datetime.datetime(2026, 11, 26, 8, 0, tzinfo=PARIS)
    assert waiting.reason.startswith("deferred by quiet hours until 2026-11-26 08:00")

    with time_machine.travel(datetime.datetime(2026, 11, 26, 8, 1, tzinfo=PARIS), tick=False):
        dispatch_due()
    assert [email.subject for email in outbox] == ["Account", "Promo"]


def test_the_cap_set_by_editors_applies(admin_client, outbox):
    admin_client.post(settings_url(), settings_form(pressure_cap="1"))
    for name in ("One", "Two"):
        create_journey(name, steps=[{"delay_hours": 0, "subject": name}])
    enroll("registration", subscriber("capped@example.com"))

    report = dispatch_due()

    assert report.outcomes == {"sent": 1, "deferred": 1}
