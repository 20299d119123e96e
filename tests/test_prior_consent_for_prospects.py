"""Consent safe by default (CNIL, CPCE L.34-5): a customer who ordered gets marketing on soft
opt-in; a prospect (a guest at checkout, an account without an order) only once they ticked an
unticked box, at registration or at Oscar's checkout gateway, and confirmed it from the email
sent to their address. Account mail goes out whatever they chose, and every page and email says
what is true. A shop may choose another rule; the system check names the law it departs from."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone

from oscar_lifecycle.engine.gates import may_enter, reachable
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Enrollment, Journey, Message
from tests.shop import (
    add_to_basket,
    basket_reminder_step,
    checkout,
    confirm_subscription,
    create_journey,
    register,
    start_guest_checkout,
)

pytestmark = pytest.mark.django_db
GUEST = "guest@example.com"
WORDS = "Send me emails with news, recommendations and offers from Lifecycle Sandbox."
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"


@pytest.fixture
def basket_journey():
    return create_journey("Abandoned basket", trigger="abandoned_basket", goal="order_placed", reentry="always",
                          steps=[basket_reminder_step("Your basket is waiting", delay_hours=0),
                                 basket_reminder_step("Still thinking it over?", delay_hours=23)])


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_lifecycle(moment)


def subjects(outbox):
    return [email.subject for email in outbox]


def confirmations_to(email):
    return [sent for sent in mail.outbox
            if "lifecycle-confirmation" in getattr(sent, "tags", []) and sent.to == [email]]


def test_the_checkout_gateway_shows_the_box_unticked(client, catalogue):
    add_to_basket(client, catalogue[0])
    page = client.get(reverse("checkout:index")).content.decode()
    box = re.search(r'<input[^>]*name="lifecycle_marketing_consent"[^>]*>', page).group(0)
    assert "checked" not in box
    assert WORDS in page


def test_a_guest_who_left_at_checkout_without_ticking_gets_no_reminder(basket_journey, client, catalogue, outbox):
    add_to_basket(client, catalogue[0])
    start_guest_checkout(client, GUEST)
    left_at = timezone.now()

    for hours in (2, 25, 73):
        run_at(left_at + timedelta(hours=hours))

    assert outbox == [] and mail.outbox == [], "no reminder, and no confirmation asked of her"
    assert not Enrollment.objects.exists()
    assert Contact.objects.get(email=GUEST).consent == Contact.Consent.UNKNOWN


def test_a_guest_who_ticked_gets_reminders_once_she_confirmed(basket_journey, client, client_class, catalogue,
                                                              outbox):
    add_to_basket(client, catalogue[0])
    client.post(reverse("checkout:index"), {"username": GUEST, "options": "anonymous",
                                            "lifecycle_marketing_consent": "yes"},
                HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.4")
    left_at = timezone.now()
    run_at(left_at + timedelta(minutes=1))
    asked = Contact.objects.get(email=GUEST).consent_events.get()
    assert (asked.consent, asked.source, asked.wording, asked.ip_address, asked.user_agent) == (
        Contact.Consent.PENDING, "checkout form", WORDS, "198.51.100.4", BROWSER)
    assert len(confirmations_to(GUEST)) == 1

    run_at(left_at + timedelta(hours=2))
    assert outbox == [], "the basket is idle, but she has not confirmed yet"

    with time_machine.travel(left_at + timedelta(hours=3), tick=False):
        confirm_subscription(client_class(), GUEST)
    run_at(left_at + timedelta(hours=3, minutes=1))
    assert subjects(outbox) == ["Your basket is waiting"], "due as soon as she confirmed"
    assert "Secure payment, free returns." in outbox[0].alternatives[0][0], "she left at checkout"
    run_at(left_at + timedelta(hours=27))
    assert subjects(outbox) == ["Your basket is waiting", "Still thinking it over?"]


def test_a_guest_who_ticked_and_never_confirmed_gets_nothing_after_the_wait(basket_journey, client, catalogue,
                                                                          outbox):
    add_to_basket(client, catalogue[0])
    start_guest_checkout(client, GUEST, consent=True)
    left_at = timezone.now()
    for hours in (2, 7 * 24 - 1, 7 * 24 + 1, 10 * 24):
        run_at(left_at + timedelta(hours=hours))

    assert outbox == []
    enrollment = Enrollment.objects.get()
    assert (enrollment.state, enrollment.reason) == (Enrollment.State.EXITED, "a prospect without a confirmed opt-in")
    with time_machine.travel(left_at + timedelta(days=10), tick=False):
        confirm_subscription(client, GUEST)  # too late for that basket; later marketing may reach her
    run_at(left_at + timedelta(days=10, minutes=5))
    assert outbox == []
    assert Contact.objects.get(email=GUEST).consent == Contact.Consent.GRANTED


def test_a_box_ticked_at_the_gateway_is_kept_where_no_journey_needs_checkout_starts(client, client_class,
                                                                                    catalogue, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "TRIGGERS": [
        "oscar_lifecycle.triggers.registration.RegistrationTrigger",
        "oscar_lifecycle.triggers.orders.OrderPlacedTrigger",
    ]}
    add_to_basket(client, catalogue[0])
    start_guest_checkout(client, GUEST, consent=True)
    silent = client_class()
    add_to_basket(silent, catalogue[0])
    start_guest_checkout(silent, "silent@example.com")
    run_lifecycle()

    assert len(confirmations_to(GUEST)) == 1
    assert list(Contact.objects.values_list("email", flat=True)) == [GUEST], "nothing recorded of the other"


def test_ticking_at_the_gateway_then_at_registration_asks_to_confirm_once(client, catalogue):
    add_to_basket(client, catalogue[0])
    start_guest_checkout(client, GUEST, consent=True)
    run_lifecycle()
    assert len(confirmations_to(GUEST)) == 1
    register(client, GUEST, consent=True)
    run_lifecycle()

    assert len(confirmations_to(GUEST)) == 1, "her first one is on its way"
    assert [event.source for event in Contact.objects.get(email=GUEST).consent_events.all()] == ["checkout form"]


def test_the_confirmation_email_says_account_mail_still_goes_and_marketing_waits(client):
    register(client, "keen@example.com", consent=True)
    run_lifecycle()
    [confirmation] = confirmations_to("keen@example.com")
    for text in (confirmation.body, confirmation.alternatives[0][0]):
        flat = " ".join(re.sub(r"<[^>]+>", " ", text).split())
        assert "nothing will be sent" not in flat
        assert ("You asked to get news, recommendations and offers by email from Lifecycle Sandbox. "
                "They start once you confirm. Emails about your account and your orders come either way.") in flat
        assert ("without your confirmation, this address gets no news, recommendations or offers from us, "
                "only the emails about an account opened or an order placed with it.") in flat


def test_a_registrant_without_consent_gets_only_account_mail(client, outbox):
    create_journey("Welcome series", steps=[{"delay_hours": 0, "subject": "Welcome"}])
    create_journey("Account", category="relational", steps=[{"delay_hours": 0, "subject": "Your account is ready"}])
    register(client, "quiet@example.com")
    run_at(timezone.now())
    run_at(timezone.now() + timedelta(days=8))

    assert subjects(outbox) == ["Your account is ready"]
    assert mail.outbox == list(outbox), "no confirmation email either: she did not tick the box"
    assert not Enrollment.objects.filter(journey__category=Journey.Category.MARKETING).exists()


def test_a_registrant_who_ticked_gets_the_welcome_as_soon_as_he_confirms(client, client_class, outbox):
    create_journey("Welcome series", steps=[{"delay_hours": 0, "subject": "Welcome"},
                                            {"delay_days": 7, "subject": "Our best sellers"}])
    register(client, "keen@example.com", consent=True)
    registered_at = timezone.now()
    run_at(registered_at)
    run_at(registered_at + timedelta(minutes=30))
    assert outbox == []
    assert Enrollment.objects.get().reason == "deferred until the contact confirms their subscription"

    with time_machine.travel(registered_at + timedelta(hours=1), tick=False):
        confirm_subscription(client_class(), "keen@example.com")
    run_at(registered_at + timedelta(hours=1, seconds=5))
    assert subjects(outbox) == ["Welcome"]
    run_at(registered_at + timedelta(days=7, hours=2))
    assert subjects(outbox) == ["Welcome", "Our best sellers"]
    assert Message.objects.get(subject="Welcome").consent_basis.startswith("opt-in given on")


def test_of_two_guests_who_ticked_nothing_the_customer_gets_cross_sell_on_soft_opt_in(
    basket_journey, client_class, catalogue, outbox
):
    create_journey("Goes well with your order", trigger="order_placed", reentry="always",
                   steps=[{"delay_days": 3, "subject": "Goes well with your order"}])
    checkout(client_class(), catalogue[0], guest_email="buyer@example.com")
    browser = client_class()
    add_to_basket(browser, catalogue[1])
    start_guest_checkout(browser, GUEST)
    ordered_at = timezone.now()
    run_at(ordered_at)
    run_at(ordered_at + timedelta(hours=2))
    run_at(ordered_at + timedelta(days=3, minutes=1))

    assert [(email.to[0], email.subject) for email in outbox] == [("buyer@example.com", "Goes well with your order")]
    assert Contact.objects.get(email="buyer@example.com").consent == Contact.Consent.UNKNOWN
    assert Message.objects.get().consent_basis.startswith("soft opt-in: a customer since an order on")


def test_a_member_who_ordered_before_the_app_came_is_a_customer(basket_journey, client, catalogue, outbox,
                                                                   settings):
    lifecycle = settings.OSCAR_LIFECYCLE
    settings.OSCAR_LIFECYCLE = {**lifecycle, "ENABLED": False}  # the shop's history, before oscar_lifecycle
    register(client, "early@example.com")
    checkout(client, catalogue[0])
    settings.OSCAR_LIFECYCLE = lifecycle
    add_to_basket(client, catalogue[1])
    left_at = timezone.now()

    run_at(left_at + timedelta(minutes=61))

    assert subjects(outbox) == ["Your basket is waiting"], "soft opt-in: she ordered"
    assert Contact.objects.get(email="early@example.com").last_order_at is not None


def test_a_prospect_says_yes_on_the_account_page_where_the_box_was_unticked(client, outbox):
    create_journey("Welcome series", steps=[{"delay_hours": 0, "subject": "Welcome"}])
    register(client, "later@example.com")
    run_lifecycle()
    page = client.get(reverse("oscar_lifecycle:account")).content.decode()
    box = re.search(r'<input[^>]*name="marketing"[^>]*>', page).group(0)
    assert "checked" not in box, "she gets no marketing: the page does not say she does"

    client.post(reverse("oscar_lifecycle:account"), {"marketing": "on", "frequency": "every",
                                                     "topics": ["recommendations", "offers", "news"]})

    assert Contact.objects.get(email="later@example.com").consent == Contact.Consent.GRANTED
    page = client.get(reverse("oscar_lifecycle:account")).content.decode()
    assert "checked" in re.search(r'<input[^>]*name="marketing"[^>]*>', page).group(0)


@pytest.mark.parametrize("rule", ["prior_consent_for_prospects", "prior_consent_for_all", "soft_opt_in_for_all"])
@pytest.mark.parametrize("category", ["marketing", "relational"])
def test_the_scans_sql_finds_exactly_whom_the_gate_lets_in(rule, category, settings):
    """Every mix of status, consent, order and how long ago a box was ticked: the SQL condition
    the scans use and the gate enrollment uses agree, contact by contact."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CONSENT_RULE": rule}
    now = timezone.now()
    journey = create_journey(category=category)
    for status in Contact.Status.values:
        for consent in Contact.Consent.values:
            for ordered in (None, now - timedelta(days=40)):
                for changed in (None, now - timedelta(days=1), now - timedelta(days=8)):
                    Contact.objects.create(
                        email=f"{status}.{consent}.{bool(ordered)}.{changed and changed.day}@example.com",
                        status=status, consent=consent, last_order_at=ordered, consent_changed_at=changed,
                    )

    found = set(Contact.objects.filter(reachable(journey, now)).values_list("email", flat=True))
    let_in = {contact.email for contact in Contact.objects.all() if may_enter(contact, journey, now)}

    assert found == let_in
    assert found and found != set(Contact.objects.values_list("email", flat=True))


def test_switching_prospects_to_soft_opt_in_warns_naming_the_law(settings):
    call_command("check")  # the default: no warning
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CONSENT_RULE": "soft_opt_in_for_all"}
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", fail_level="WARNING")
    assert "oscar_lifecycle.W009" in str(raised.value)
    assert "CNIL, CPCE art. L.34-5" in str(raised.value) and "ePrivacy" in str(raised.value)


@pytest.mark.parametrize("configured", [{"CONSENT_RULE": "opt_out"}, {"PROSPECT_OPT_IN": True}])
def test_an_unknown_rule_or_a_replaced_setting_is_an_error(configured, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, **configured}
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "oscar_lifecycle.E004" in str(raised.value)
