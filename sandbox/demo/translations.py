from wagtail.models import Locale


def publish_translation(journey, language, steps):
    """Publish ``journey``'s translation into ``language``; ``steps``: dicts of Step fields, in order."""
    locale, _ = Locale.objects.get_or_create(language_code=language)
    translation = journey.copy_for_translation(locale)
    for step, fields in zip(translation.ordered_steps(), steps):
        for field, value in fields.items():
            setattr(step, field, value)
    translation.save()
    translation.save_revision().publish()
    return translation
