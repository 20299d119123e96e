"""The ready-made newsletter: "New in the shop", on the first of each month at 10:00, to every
contact who may get it (the dispatcher honours consent, topics and the suppression list), except
those still in the new-members series: its end hands them over to the newsletter. An issue with
no new product is skipped. In English, with its French translation."""

from datetime import time

from django.db import transaction
from wagtail.models import Locale

from ..models import Campaign, Journey, Segment
from ..rules.journeys import IN_NOW
from .journeys import NAME, PRENOM, button, grid, heading, text, words

WORDS = {
    "en": words("New this month at {{ shop_name }}", "What came in since our last letter, picked for you.", [
        heading(f"New this month, {NAME}"),
        text("<p>Here is what came into the shop since our last letter.</p>"),
        grid("new_products", max_products=6),
        button("See everything", "/catalogue/"),
    ]),
    "fr": words("Les nouveautés du mois chez {{ shop_name }}", "Ce qui est arrivé depuis notre dernière lettre.", [
        heading(f"Les nouveautés du mois, {PRENOM}"),
        text("<p>Voici ce qui est arrivé dans la boutique depuis notre dernière lettre.</p>"),
        grid("new_products", max_products=6),
        button("Tout voir", "/catalogue/"),
    ]),
}

KEY = "new_in_the_shop"
EVERYONE = "All contacts"
IN_NEW_MEMBERS_SERIES = "In the new-members series"


def _kept(instance, publish):
    """``instance`` saved with a first revision, published when ``publish``."""
    instance.save()
    revision = instance.save_revision()
    if publish:
        revision.publish()
    return type(instance).objects.get(pk=instance.pk)


def _segment(name, description, rules, publish):
    segment = Segment.objects.filter(name=name).first()
    return segment or _kept(Segment(name=name, description=description, rules=rules, live=False), publish)


@transaction.atomic
def install_newsletter(*, publish=False):
    """Install the newsletter's segments and campaign unless installed; return the campaign, or
    None when it was there already (or the new-members series is not installed)."""
    if Campaign.objects.filter(name="New in the shop").exists():
        return None
    new_members = Journey.objects.filter(installed_as="new_members", locale=Locale.get_default()).first()
    if new_members is None:
        return None
    everyone = _segment(EVERYONE, "Every contact: the campaign itself leaves out who may not get it.", [], publish)
    in_series = _segment(
        IN_NEW_MEMBERS_SERIES, "Still in “Welcome and first month”: the newsletter takes them once it is over.",
        [{"type": "in_journey", "value": {"journey": new_members.pk, "place": IN_NOW}}], publish,
    )
    campaign = Campaign(
        name="New in the shop", kind=Journey.Category.MARKETING, topic="news", **WORDS["en"],
        repeat=Campaign.Repeat.MONTHLY, day_of_month=1, time_of_day=time(10), skip_when_no_new_products=True,
        live=False,
    )
    campaign.segments.set([everyone])
    campaign.excluded_segments.set([in_series])
    campaign = _kept(campaign, publish)
    for language, language_words in WORDS.items():
        if language not in ("en", campaign.locale.language_code):
            translation = campaign.copy_for_translation(Locale.objects.get_or_create(language_code=language)[0])
            for field, value in language_words.items():
                setattr(translation, field, value)
            _kept(translation, publish)
    return campaign
