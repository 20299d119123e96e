"""French shops and shoppers get French: the email footer, the unsubscribe pages and the admin's words.

The compiled catalogue is committed (oscar_lifecycle/locale/fr/LC_MESSAGES/django.mo) because
CI and pip installs have no gettext; the last test fails when it falls behind django.po.
"""

import ast
import gettext
import html
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

import oscar_lifecycle
from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.content.merge_tags import validate_merge_tags
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Contact, Journey, LifecycleSettings
from oscar_lifecycle.tracking.tokens import unsubscribe_token
from tests.admin import journey_form, journey_url, step_form
from sandbox.demo.translations import publish_translation
from tests.shop import create_journey

NBSP = "\u00a0"
CATALOGUE = Path(oscar_lifecycle.__file__).parent / "locale" / "fr" / "LC_MESSAGES"


def contact_speaking(email, language):
    contact = contact_for(email)
    contact.locale = language
    contact.save()
    return contact


@pytest.mark.django_db
def test_a_french_contact_gets_the_footer_in_french(outbox):
    # Relational: it reaches contacts who gave their address at checkout and never ticked a box.
    journey = create_journey(category="relational", steps=[{"delay_hours": 0, "subject": "Welcome"}])
    publish_translation(journey, "fr", [{"subject": "Bienvenue"}])
    enroll("registration", contact_speaking("marie@example.fr", "fr"))
    enroll("registration", contact_speaking("mary@example.com", "en"))

    run_lifecycle()

    emails = {email.to[0]: email for email in outbox}
    assert emails["marie@example.fr"].subject == "Bienvenue"
    french_html, french_text = emails["marie@example.fr"].alternatives[0][0], emails["marie@example.fr"].body
    assert "Vous recevez cet e-mail car vous avez donné votre adresse lors d’un achat chez Lifecycle Sandbox." in (
        french_html
    )
    assert ">Se désabonner</a>" in french_html
    assert "Se désabonner" in french_text
    assert "Unsubscribe" not in french_html
    assert ">Unsubscribe</a>" in emails["mary@example.com"].alternatives[0][0], "English stays English"


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language, asks, confirms", [
    ("fr", "Se désabonner de tout", "Votre désabonnement est enregistré"),
    ("fr-FR,fr;q=0.9,en;q=0.5", "Se désabonner de tout", "Votre désabonnement est enregistré"),
    ("en", "Unsubscribe from all", "You are unsubscribed"),
], ids=["fr", "fr-FR", "en"])
def test_the_unsubscribe_pages_speak_the_browsers_language(client, accept_language, asks, confirms):
    contact = contact_for("leaving@example.com")
    path = reverse("oscar_lifecycle:unsubscribe", args=[unsubscribe_token(contact)])

    page = client.get(path, HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert asks in page
    assert f'<html lang="{accept_language[:2]}"' in page

    page = client.post(path, HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert confirms in page
    contact.refresh_from_db()
    assert contact.status == Contact.Status.UNSUBSCRIBED


def test_a_refused_merge_tag_is_explained_in_french_with_the_syntax_left_as_typed():
    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        validate_merge_tags("Bonjour {{ prenom }}")
    message = raised.value.messages[0]
    assert message.startswith("{{ prenom }} n’est pas une balise de personnalisation.")
    assert "{{ first_name }}, {{ last_name }}, {{ email }}" in message, "tag names are never translated"
    assert '|default:"' in message


def test_labels_and_choices_are_french():
    with translation.override("fr"):
        assert str(Journey._meta.verbose_name_plural) == "parcours"
        assert str(Contact.Status.UNSUBSCRIBED.label) == "Désabonné"
        quiet_hours_start = LifecycleSettings._meta.get_field("quiet_hours_start")
        assert str(quiet_hours_start.verbose_name) == "heures calmes à partir de"
        assert "pression commerciale" in str(Journey.Category.MARKETING.label)


@pytest.mark.django_db
def test_a_french_editor_sees_the_refusal_in_french(client):
    editor = get_user_model().objects.create_superuser("editrice", "editrice@shop.test", "pw")
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(editor)

    response = client.post(journey_url("add"), journey_form(steps=[step_form("Bonjour {{ prenom }}")]))

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "{{ prenom }} n’est pas une balise de personnalisation." in page
    assert "Texte d’aperçu" in page, "the step's field labels are French too"


def read_po(path):
    """The entries of a .po file: (context, msgid, msgid_plural, [msgstr, ...])."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            if line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
                key, _, line = line.partition(" ")
            if line.startswith('"') and key:
                fields[key] = fields.get(key, "") + ast.literal_eval(line)
        if fields.get("msgid"):
            translations = [fields[key] for key in sorted(fields) if key.startswith("msgstr")]
            entries.append((fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), translations))
    return entries


def compiled(mo, context, msgid, plural):
    """What the compiled catalogue answers for an entry, one string per plural form."""
    if plural:
        return [mo.ngettext(msgid, plural, 1), mo.ngettext(msgid, plural, 2)]
    if context:
        return [mo.pgettext(context, msgid)]
    return [mo.gettext(msgid)]


def test_every_string_is_translated_and_the_committed_mo_matches_the_po():
    po = read_po(CATALOGUE / "django.po")
    with (CATALOGUE / "django.mo").open("rb") as mo_file:
        mo = gettext.GNUTranslations(mo_file)
    assert len(po) > 150
    assert [msgid for _, msgid, _, msgstrs in po if not all(msgstrs)] == [], "untranslated"
    assert "#, fuzzy" not in (CATALOGUE / "django.po").read_text(encoding="utf-8")
    stale = [msgid for context, msgid, plural, msgstrs in po if compiled(mo, context, msgid, plural) != msgstrs]
    assert stale == [], "run msgfmt -c -o django.mo django.po in oscar_lifecycle/locale/fr/LC_MESSAGES"
