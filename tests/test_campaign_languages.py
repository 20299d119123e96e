"""Campaigns in several languages: an editor translates a campaign in the admin (Wagtail's
simple_translation), writes the French words and publishes them; when the original is sent, each
contact gets the words of their language, or the original's where there is no published
translation. A translation is never sent on its own, and its preview and test show its words."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from oscar_lifecycle.campaigns.sending import CannotSchedule, schedule_send
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Campaign, CampaignSend, Contact
from tests.test_campaigns import campaign_url, create_campaign, editor, reader, segment_of, send_now  # noqa: F401

pytestmark = pytest.mark.django_db
FRENCH_SUBJECT = "Les nouvelles de juin pour {{ first_name|default:\"vous\" }}"


def reader_speaking(email, language):
    contact = reader(email)
    contact.locale = language
    contact.save(update_fields=["locale"])
    return contact


def translate(editor, campaign, language="fr"):
    """The translation an editor makes with the campaign's "Translate" button: a draft copy."""
    locale, _ = Locale.objects.get_or_create(language_code=language)
    url = reverse("simple_translation:submit_snippet_translation", args=["oscar_lifecycle", "campaign", campaign.pk])
    assert url in editor.get(reverse("oscar_lifecycle_campaigns:list")).content.decode()
    response = editor.post(url, {"locales": [locale.pk]})
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Campaign.objects.get(translation_key=campaign.translation_key, locale=locale)


def write_french(editor, translation, *, publish):
    """The translator's words, saved as a draft or published, through the translation's edit page."""
    data = nested_form_data({
        "name": "Nouvelles de juin",
        "subject": FRENCH_SUBJECT,
        "preheader": "",
        "body": streamfield([("heading", "Bonjour {{ first_name|default:\"à vous\" }}"),
                             ("text", rich_text("<p>Les nouveautés de la boutique.</p>"))]),
    })
    if publish:
        data["action-publish"] = "action-publish"
    response = editor.post(campaign_url("edit", translation), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Campaign.objects.get(pk=translation.pk)


def emails_by_recipient(outbox):
    return {email.to[0]: email for email in outbox}


def test_each_contact_gets_the_campaign_in_their_language_or_else_the_original(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader_speaking("claire@example.fr", "fr")
    reader_speaking("hugo@example.fr", "fr-CA")
    reader_speaking("ann@example.com", "en")
    reader_speaking("hans@example.de", "de")
    campaign = create_campaign(segments=[readers])
    write_french(editor, translate(editor, campaign), publish=True)

    send_now(editor, campaign)
    run_lifecycle()

    emails = emails_by_recipient(outbox)
    assert {address: email.subject for address, email in emails.items()} == {
        "claire@example.fr": "Les nouvelles de juin pour vous",
        "hugo@example.fr": "Les nouvelles de juin pour vous",
        "ann@example.com": "June news for you",
        "hans@example.de": "June news for you",
    }
    french_html = emails["claire@example.fr"].alternatives[0][0]
    assert "Bonjour à vous" in french_html
    assert "Les nouveautés de la boutique." in french_html
    assert "Se désabonner" in french_html, "the footer is in the words' language"
    english_html = emails["hans@example.de"].alternatives[0][0]
    assert "What is new at" in english_html
    assert "Bonjour" not in english_html
    assert CampaignSend.objects.get().audience == 4, "one send, one audience, whatever the languages"
    assert campaign.sends.count() == 1


def test_a_draft_translation_is_not_used(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader_speaking("claire@example.fr", "fr")
    campaign = create_campaign(segments=[readers])
    write_french(editor, translate(editor, campaign), publish=False)

    send_now(editor, campaign)
    run_lifecycle()

    assert [email.subject for email in outbox] == ["June news for you"]


def test_a_translation_unpublished_after_a_send_is_not_used_by_the_next(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader_speaking("claire@example.fr", "fr")
    campaign = create_campaign(segments=[readers])
    translation = write_french(editor, translate(editor, campaign), publish=True)
    send_now(editor, campaign)
    run_lifecycle()

    response = editor.post(reverse("oscar_lifecycle_campaigns:unpublish", args=[translation.pk]))
    assert response.status_code == 302
    send_now(editor, campaign)
    run_lifecycle()

    assert [email.subject for email in outbox] == ["Les nouvelles de juin pour vous", "June news for you"]


def test_a_translation_cannot_be_sent_on_its_own(editor, outbox):
    readers = segment_of("Imported readers", Contact.Source.IMPORT)
    reader_speaking("claire@example.fr", "fr")
    campaign = create_campaign(segments=[readers])
    translation = write_french(editor, translate(editor, campaign), publish=True)

    edit_page = editor.get(campaign_url("edit", translation)).content.decode()
    assert campaign_url("schedule", translation) not in edit_page
    assert 'name="segments"' not in edit_page, "who gets it is the original's"
    assert "Who gets it" not in edit_page
    assert "When it repeats" not in edit_page
    assert 'name="subject"' in edit_page
    assert campaign_url("schedule", campaign) in editor.get(campaign_url("edit", campaign)).content.decode()

    response = editor.post(campaign_url("schedule", translation), {"when": "now"}, follow=True)
    assert response.redirect_chain[0][0] == campaign_url("schedule", campaign)
    assert "is a translation of “June news”" in response.content.decode()
    with pytest.raises(CannotSchedule):
        schedule_send(translation)
    run_lifecycle()
    assert not CampaignSend.objects.exists()
    assert outbox == []

    results = editor.get(campaign_url("sends", translation))
    assert results.status_code == 302
    assert results.url == campaign_url("sends", campaign)


def test_a_translations_preview_and_test_send_show_its_words(editor, outbox, rf):
    campaign = create_campaign(segments=[segment_of("Imported readers", Contact.Source.IMPORT)])
    translation = write_french(editor, translate(editor, campaign), publish=False)

    preview = editor.post(reverse("oscar_lifecycle_campaigns:preview_on_edit", args=[translation.pk]),
                          nested_form_data({"name": "Nouvelles de juin", "subject": FRENCH_SUBJECT, "preheader": "",
                                            "body": streamfield([("heading", "Bonjour Alex")])}))
    assert preview.json()["is_valid"], preview.content.decode()[:2000]
    page = editor.get(reverse("oscar_lifecycle_campaigns:preview_on_edit", args=[translation.pk])).content.decode()
    assert "Les nouvelles de juin pour Alex" in page
    assert "Bonjour Alex" in page
    assert "June news" not in page

    response = editor.post(campaign_url("send_test", translation), {"to_email": "me@shop.test"})

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert [email.subject for email in mail.outbox] == ["[Test] Les nouvelles de juin pour Alex"]
    assert "Se désabonner" in mail.outbox[0].alternatives[0][0]
