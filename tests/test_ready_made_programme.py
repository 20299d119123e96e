"""`lifecycle_install_journeys`: the whole programme as drafts with French translations, once;
every step passes the editor's own checks and previews; published, it reaches shoppers."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from oscar_lifecycle.content.preview import journey_preview_context
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Journey
from oscar_lifecycle.programme.journeys import PROGRAMME
from oscar_lifecycle.tracking.tokens import click_from_token
from oscar_lifecycle.triggers import registered_triggers
from tests.shop import checkout, confirm_subscription, register, register_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def french(db):
    return Locale.objects.get_or_create(language_code="fr")[0]


def install(*args):
    output = StringIO()
    call_command("lifecycle_install_journeys", *args, stdout=output)
    return output.getvalue()


def test_the_programme_is_installed_once_as_drafts_with_french_translations(french, catalogue):
    first = install()
    second = install()

    english = Journey.objects.filter(locale=Locale.get_default())
    assert english.count() == len(PROGRAMME) == 10
    assert Journey.objects.filter(locale=french).count() == 10
    assert not Journey.objects.filter(live=True).exists(), "drafts for the shop owner to review"
    assert "Installed “Abandoned basket” (draft)" in first
    assert second.strip() == "The whole programme is already installed."
    # every trigger has its journey, but the one that needs a segment the shop has yet to name, and
    # the new triggers of issue 21, whose ready-made journeys (with their French) come with it
    assert {journey.trigger for journey in english} == set(registered_triggers()) - {
        "segment_entered", "first_order", "engagement_threshold", "clicked", "back_in_stock", "price_drop",
        "date_attribute"}
    winback_fr = Journey.objects.get(locale=french, installed_as="winback")
    assert [step.subject for step in winback_fr.ordered_steps()][1] == "À quel rythme souhaitez-vous nos e-mails\u00a0?"


def test_a_renamed_journey_is_not_installed_again(french):
    install()
    Journey.objects.filter(installed_as="birthday").update(name="Joyeux anniversaire")
    install()
    assert Journey.objects.filter(installed_as="birthday", locale=Locale.get_default()).count() == 1


def test_every_ready_made_step_passes_the_editors_checks_and_previews(french, catalogue):
    install()
    for journey in Journey.objects.all():
        journey.full_clean()
        for step in journey.ordered_steps():
            step.body.stream_block.clean(step.body)
        previews = journey_preview_context(journey, "")["previews"]
        assert [preview["error"] for preview in previews] == [""] * len(previews), journey.name


def test_published_it_tells_every_new_account_and_welcomes_subscribers_in_their_language(
    french, catalogue, client_class, outbox
):
    install("--publish")
    register(client_class(), "ada@example.com")  # leaves the consent box unticked
    french_shopper = client_class()
    french_shopper.cookies["django_language"] = "fr"
    register(french_shopper, "jeanne@example.fr", consent=True)
    run_lifecycle()
    confirm_subscription(french_shopper, "jeanne@example.fr")
    run_lifecycle()
    assert sorted((email.to[0], email.subject) for email in outbox) == [
        ("ada@example.com", "Your account at Lifecycle Sandbox is ready"),
        ("jeanne@example.fr", "Bienvenue chez Lifecycle Sandbox, cher client\u00a0!"),
        ("jeanne@example.fr", "Votre compte chez Lifecycle Sandbox est prêt"),
    ]
    for email in outbox:  # account mail, then thanks: products come from the welcome's second email on
        assert not any(product.title in email.alternatives[0][0] for product in catalogue)
    [welcome] = [email for email in outbox if email.subject.startswith("Bienvenue")]
    assert "Merci de votre inscription" in welcome.alternatives[0][0]


def test_every_ready_made_journey_opens_in_the_editor(french, catalogue, client):
    install()
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw"))
    for journey in Journey.objects.filter(locale=Locale.get_default()):
        page = client.get(reverse("oscar_lifecycle_journeys:edit", args=[journey.pk]))
        assert page.status_code == 200, journey.name
        assert journey.name in page.content.decode()


def test_published_without_a_service_address_the_satisfaction_journey_stays_a_draft(french):
    output = install("--publish")

    assert ("Installed “How was your order?” (draft: This journey asks for a satisfaction rating, and "
            "nobody would hear of a low one") in output
    assert not Journey.objects.filter(installed_as="satisfaction", live=True).exists(), "nor its translation"
    assert Journey.objects.filter(live=True).count() == 18
    assert "Review the drafts in /cms/" in output


def test_published_with_a_service_address_every_journey_goes_live(french, settings):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SERVICE_EMAIL": "care@shop.test"}

    output = install("--publish")

    assert Journey.objects.filter(live=True).count() == 20
    assert "Installed “How was your order?” (published)" in output


def test_the_french_words_mark_no_gender():
    """« Toujours intéressé(e), cher client ? »: no (e), and no word that guesses it."""
    for make_definition in PROGRAMME:
        for _timing, _english, french in make_definition("1")["steps"]:
            assert "(e)" not in repr(french), make_definition.__name__


def test_the_browse_email_reads_naturally_and_has_a_button_to_the_product(french, catalogue, client_class, outbox):
    install("--publish")
    product = catalogue[0]
    viewed_at = timezone.now()
    for address, language in (("ada@example.com", "en"), ("jeanne@example.fr", "fr")):
        shopper = client_class()
        shopper.cookies["django_language"] = language
        register_subscriber(shopper, address)
        with time_machine.travel(viewed_at, tick=False):
            assert shopper.get(product.get_absolute_url()).status_code == 200
    two_hours_later = viewed_at + timedelta(hours=2, minutes=10)
    with time_machine.travel(two_hours_later, tick=False):
        run_lifecycle(two_hours_later)

    browse_tags = {f"journey:{pk}" for pk in Journey.objects.filter(installed_as="browse_abandonment")
                   .values_list("pk", flat=True)}
    browse = {email.to[0]: email for email in outbox if browse_tags & set(email.tags)}
    english, french_email = browse["ada@example.com"], browse["jeanne@example.fr"]
    assert english.subject == "Still thinking about it?"
    assert french_email.subject == "Le produit que vous avez regardé vous attend"
    for email, label in ((english, "Take another look"), (french_email, "Le revoir")):
        html = email.alternatives[0][0]
        assert "(e)" not in email.subject + html.split('class="footer"')[0], "the journey's words"
        button = re.search(rf'<a [^>]*class="button-link"[^>]*href="https://shop\.test/lifecycle/c/([^/"]+)/"'
                           rf'[^>]*>{label}</a>', html)
        assert button, f"a button “{label}”"
        assert click_from_token(button.group(1))[1] == f"https://shop.test{product.get_absolute_url()}"


def test_the_ready_made_series_after_the_order_waits_two_months_between_runs(
    french, catalogue, client, outbox, settings
):
    """A customer who orders every week gets the cross-sell and up-sell once, not every week."""
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SERVICE_EMAIL": "care@shop.test"}
    install("--publish")
    register_subscriber(client, "weekly@example.com")
    start = timezone.now()
    customer = get_user_model().objects.get(email="weekly@example.com")
    for week in range(4):
        with time_machine.travel(start + timedelta(weeks=week), tick=False):
            client.force_login(customer)  # a session lasts two weeks
            checkout(client, catalogue[week % 3])
            run_lifecycle()
    with time_machine.travel(start + timedelta(weeks=8), tick=False):
        run_lifecycle()

    subjects = [email.subject for email in outbox]
    assert subjects.count("Goes well with your order") == 1, subjects
