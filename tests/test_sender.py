"""The sender of every lifecycle email is one address an ESP accepts: a DEFAULT_FROM_EMAIL with a
display name ("Lifecycle Sandbox <shop@sandbox.example>", the sandbox's own) and an editor's
"from name" make "Name <address>", never "Name <Name <address>>", which anymail (like every
ESP) refuses; a sender no ESP would accept is refused by a system check before anything goes."""

import io

import pytest
from anymail.exceptions import AnymailInvalidAddress
from django.core import checks
from django.core.mail import EmailMessage
from wagtail.models import Site

from oscar_lifecycle.backends.console import EmailBackend as ConsoleBackend
from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import LifecycleSettings, Message
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db


def default_site():
    return Site.objects.get(is_default_site=True)


def send_one_step():
    create_journey(steps=[{"delay_hours": 0}])
    enroll("registration", subscriber("reader@example.com"))
    return dispatch_due()


@pytest.mark.parametrize("default_from, from_name, expected", [
    ("Lifecycle Sandbox <shop@sandbox.example>", "The Tea Team", "The Tea Team <shop@sandbox.example>"),
    ("Lifecycle Sandbox <shop@sandbox.example>", "", "Lifecycle Sandbox <shop@sandbox.example>"),
    ("shop@sandbox.example", "Café \"Les Amis\"", '"Café \\"Les Amis\\"" <shop@sandbox.example>'),
    ("shop@sandbox.example", "", "shop@sandbox.example"),
])
def test_a_display_name_in_the_settings_and_a_from_name_make_one_sender(settings, outbox, default_from,
                                                                         from_name, expected):
    settings.DEFAULT_FROM_EMAIL = default_from
    LifecycleSettings.objects.create(site=default_site(), from_name=from_name)

    report = send_one_step()

    assert report.sent == 1, report
    [email] = outbox
    assert email.from_email == expected
    assert str(email.anymail_test_params["from"]) == expected
    assert Message.objects.get().status == Message.Status.SENT


def test_the_editors_from_address_wins_and_keeps_their_name(settings, outbox):
    settings.DEFAULT_FROM_EMAIL = "Lifecycle Sandbox <shop@sandbox.example>"
    LifecycleSettings.objects.create(site=default_site(), from_name="Team", from_email="team@shop.test")

    send_one_step()

    assert [email.from_email for email in outbox] == ["Team <team@shop.test>"]


@pytest.mark.parametrize("sender", [
    "Lifecycle Sandbox <Lifecycle Sandbox <shop@sandbox.example>>",
    "shop@sandbox.example, other@sandbox.example",
    "webmaster@localhost@",
    "",
])
def test_a_sender_no_esp_accepts_is_refused_by_a_system_check(settings, sender):
    settings.DEFAULT_FROM_EMAIL = sender

    errors = [message for message in checks.run_checks() if message.id == "oscar_lifecycle.E003"]

    assert len(errors) == 1
    assert "DEFAULT_FROM_EMAIL" in errors[0].msg


def test_a_good_sender_passes_the_check(settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "FROM_EMAIL": "Shop <shop@shop.test>"}
    settings.DEFAULT_FROM_EMAIL = "nonsense <<"

    assert not [message for message in checks.run_checks() if message.id == "oscar_lifecycle.E003"]


def test_a_from_name_with_a_line_break_is_refused_when_the_editor_saves():
    shop_settings = LifecycleSettings(site=default_site(), from_name="Shop\nBcc: everyone@example.com")

    with pytest.raises(Exception, match="A name only"):
        shop_settings.full_clean()


def test_the_sandbox_console_backend_checks_addresses_as_an_esp_does_and_prints_what_it_sends():
    stream = io.StringIO()
    backend = ConsoleBackend(stream=stream)

    sent = EmailMessage("Hello", "Body", "Shop <shop@shop.test>", ["reader@example.com"],
                        connection=backend).send()
    bad = EmailMessage("Hello", "Body", "Shop <Shop <shop@shop.test>>", ["reader@example.com"],
                       connection=backend)

    assert sent == 1
    assert "Subject: Hello" in stream.getvalue() and "To: reader@example.com" in stream.getvalue()
    with pytest.raises(AnymailInvalidAddress):
        bad.send()
    assert stream.getvalue().count("Subject: Hello") == 1
