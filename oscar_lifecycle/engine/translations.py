"""Give each contact a journey's words in their language, where a translation is published."""

from django.conf import settings

from ..models import Journey


def language_of(contact, shop_settings):
    return (contact.locale or shop_settings.default_locale or settings.LANGUAGE_CODE).lower()


class TranslatedSteps:
    """The published translations of a batch's journeys, loaded in two queries."""

    def __init__(self, journeys):
        source_ids = {journey.pk for journey in journeys}
        self.steps = {}
        translations = (
            Journey.objects.filter(
                translation_key__in={journey.translation_key for journey in journeys}, live=True
            )
            .exclude(pk__in=source_ids)
            .select_related("locale")
            .prefetch_related("steps")
        )
        for translation in translations:
            language = translation.locale.language_code.lower()
            self.steps[(translation.translation_key, language)] = translation.ordered_steps()

    def step_for(self, journey, source_steps, step, language):
        """``step`` of ``journey`` in ``language``: the translation's step at the same position,
        or ``step`` itself when there is no such translation."""
        translated_steps = self.steps.get((journey.translation_key, language)) or self.steps.get(
            (journey.translation_key, language.split("-")[0])
        )
        position = source_steps.index(step)
        if translated_steps and position < len(translated_steps):
            return translated_steps[position]
        return step
