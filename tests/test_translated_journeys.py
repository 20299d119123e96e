"""A contact receives a journey in their language where the journey has a published translation."""

import pytest

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Enrollment
from sandbox.demo.translations import publish_translation
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def welcome_in_french():
    journey = create_journey(steps=[{"delay_hours": 0, "subject": "Welcome"},
                                    {"delay_hours": 0, "subject": "Second"}])
    return publish_translation(journey, "fr", [
        {"subject": "Bienvenue", "body": [("heading", "Bonjour {{ first_name|default:\"à vous\" }}")]},
        {"subject": "Deuxième"},
    ])


def enroll_contact(email, locale):
    contact = subscriber(email)
    contact.locale = locale
    contact.save()
    enroll("registration", contact)


def test_each_contact_gets_the_journey_in_their_language(welcome_in_french, outbox):
    enroll_contact("marie@example.fr", "fr")
    enroll_contact("mary@example.com", "en")

    run_lifecycle()
    run_lifecycle()

    subjects = {(email.to[0], email.subject) for email in outbox}
    assert subjects == {("marie@example.fr", "Bienvenue"), ("marie@example.fr", "Deuxième"),
                        ("mary@example.com", "Welcome"), ("mary@example.com", "Second")}
    french_first = next(email for email in outbox if email.subject == "Bienvenue")
    assert "Bonjour à vous" in french_first.alternatives[0][0]
    assert Enrollment.objects.count() == 2, "the translation enrolls nobody itself"


def test_a_regional_language_falls_back_to_its_base_language(welcome_in_french, outbox):
    enroll_contact("jean@example.ca", "fr-ca")
    run_lifecycle()
    assert outbox[0].subject == "Bienvenue"


def test_without_a_published_translation_the_default_language_is_sent(welcome_in_french, outbox):
    welcome_in_french.unpublish()
    enroll_contact("marie@example.fr", "fr")
    run_lifecycle()
    assert outbox[0].subject == "Welcome"
