"""A campaign's email as a journey step: what previews and test sends render, and what the
campaign's own journey holds once a send starts."""

from django.db import transaction

from ..content.preview import journey_preview_context
from ..models import Journey, Step
from ..models.campaigns import CAMPAIGN_TRIGGER


def email_fields(campaign):
    return {"subject": campaign.subject, "preheader": campaign.preheader, "body": campaign.body}


def journey_fields(campaign):
    return {"name": campaign.name, "trigger": CAMPAIGN_TRIGGER, "category": campaign.kind,
            "topic": campaign.topic if campaign.is_marketing else ""}


def unsaved_journey(campaign):
    """A journey holding ``campaign``'s email as its one step, saved nowhere: what its preview
    and test send render (the campaign as edited, draft included; a translation in its language)."""
    journey = Journey(**journey_fields(campaign))
    if campaign.locale_id is not None:
        journey.locale = campaign.locale
    journey.steps = [Step(sort_order=0, **email_fields(campaign))]
    return journey


def campaign_preview_context(campaign, mode_name):
    return journey_preview_context(unsaved_journey(campaign), mode_name)


def test_step(campaign):
    """The step of ``campaign``'s draft a test send renders."""
    return unsaved_journey(campaign).ordered_steps()[0]


def _own_step(campaign, fields):
    """The one step of ``campaign``'s own journey (made the first time, in the campaign's locale,
    live), the journey given ``fields`` and the step the campaign's published email."""
    journey = campaign.journey
    if journey is None:
        journey = Journey.objects.create(live=True, locale=campaign.locale, **fields)
        campaign.journey = journey
        type(campaign).objects.filter(pk=campaign.pk).update(journey=journey)
    else:
        for name, value in fields.items():
            setattr(journey, name, value)
        journey.live = True
        journey.save()
    step = journey.steps.first()
    if step is None:
        return Step.objects.create(journey=journey, sort_order=0, **email_fields(campaign))
    for name, value in email_fields(campaign).items():
        setattr(step, name, value)
    step.save()
    return step


def _lend_words_of_translations(original, journey):
    """Each published translation of ``original`` gets a journey translating ``journey`` (its
    translation_key, the translation's locale) whose step holds the translation's published
    words, which the dispatcher gives to contacts of that language; the journey of a
    translation no longer published stops lending its words."""
    translations = type(original).objects.filter(translation_key=original.translation_key).exclude(pk=original.pk)
    for translation in translations.select_related("locale", "journey"):
        if translation.live:
            _own_step(translation, {**journey_fields(original), "name": translation.name,
                                    "translation_key": journey.translation_key})
        elif translation.journey is not None:
            Journey.objects.filter(pk=translation.journey_id).update(live=False)


@transaction.atomic
def sending_step(campaign):
    """The step of ``campaign``'s own journey, holding its published email (the campaign's row
    holds the published version), created the first time; the journey is live and never listed.
    Its published translations' journeys are brought up to date with it."""
    step = _own_step(campaign, journey_fields(campaign))
    _lend_words_of_translations(campaign, step.journey)
    return step
