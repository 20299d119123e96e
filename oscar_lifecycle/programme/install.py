"""Install the ready-made programme: each journey once (found again by ``installed_as``), as a
draft with its French translation, and the voucher offer their personal-offer blocks use."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from oscar.core.loading import get_model
from wagtail.models import Locale

from ..models import Journey, Step
from ..surveys import refuse_unheard_ratings
from .journeys import PROGRAMME

OFFER_NAME = "Lifecycle: 10% personal offer"
TRANSLATIONS = ("fr",)


def personal_offer():
    """The voucher offer of the programme's personal codes (10% off, any product), made once.
    Shops change its benefit in Oscar's dashboard (Offers) or pick another offer per block."""
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    Range = get_model("offer", "Range")
    Condition = get_model("offer", "Condition")
    Benefit = get_model("offer", "Benefit")
    offer = ConditionalOffer.objects.filter(name=OFFER_NAME).first()
    if offer is None:
        everything, _created = Range.objects.get_or_create(
            name="Lifecycle: every product", defaults={"includes_all_products": True}
        )
        offer = ConditionalOffer.objects.create(
            name=OFFER_NAME, offer_type=ConditionalOffer.VOUCHER,
            description="A personal code from a lifecycle email: 10% off the order.",
            condition=Condition.objects.create(range=everything, type=Condition.COUNT, value=1),
            benefit=Benefit.objects.create(range=everything, type=Benefit.PERCENTAGE, value=Decimal("10.00")),
        )
    return offer


@dataclass(frozen=True)
class Installed:
    """A journey installed: its name, whether it was published, and why not when it was asked to be."""

    name: str
    published: bool
    why_draft: str = ""


def _why_not_live(journey):
    """What keeps ``journey`` from going live (what the editor's Publish refuses), or ""."""
    try:
        refuse_unheard_ratings([step.body for step in journey.steps.all()])
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _steps(definition, language_index):
    return [
        Step(sort_order=position, **timing, **step_words[language_index])
        for position, (timing, *step_words) in enumerate(definition["steps"])
    ]


def _translate(journey, definition, language, language_index, publish):
    locale, _created = Locale.objects.get_or_create(language_code=language)
    translation = journey.get_translations().filter(locale=locale).first()
    if translation is not None:
        return False
    translation = journey.copy_for_translation(locale)
    for step, (_timing, *step_words) in zip(translation.ordered_steps(), definition["steps"]):
        for field, value in step_words[language_index].items():
            setattr(step, field, value)
    translation.full_clean()
    translation.save()
    revision = translation.save_revision()
    if publish:
        revision.publish()
    return True


def install_programme(*, publish=False):
    """Install every ready-made journey that is not installed yet; return them (``Installed``).

    ``publish``: publish them (the sandbox does), but those the editor could not publish either
    (a satisfaction journey while no one would hear of a low rating), left as drafts; by
    default they are all drafts to review.
    """
    offer = personal_offer()
    default_locale = Locale.get_default()
    installed = []
    for make_definition in PROGRAMME:
        definition = make_definition(str(offer.pk))
        if Journey.objects.filter(installed_as=definition["key"], locale=default_locale).exists():
            continue
        with transaction.atomic():
            journey = Journey(
                name=definition["name"], trigger=definition["trigger"], installed_as=definition["key"],
                trigger_settings=definition.get("trigger_settings", {}), audience=definition["audience"],
                reentry=definition["reentry"], reentry_after_days=definition.get("reentry_after_days"),
                goal=definition["goal"], category=definition["category"],
                topic=definition["topic"], live=False,
            )
            journey.steps = _steps(definition, 0)
            journey.full_clean()
            why_draft = _why_not_live(journey) if publish else ""
            goes_live = publish and not why_draft
            journey.save()
            revision = journey.save_revision()
            if goes_live:
                revision.publish()
            for language_index, language in enumerate(TRANSLATIONS, start=1):
                _translate(journey, definition, language, language_index, goes_live)
        installed.append(Installed(definition["name"], published=goes_live, why_draft=why_draft))
    return installed
