"""The pages a shopper reaches from an email or the account wear the shop's own layout, draw their
choices as the shop draws choices, and keep their <title> text only."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from oscar_lifecycle.ownership import DATA_PURPOSE
from oscar_lifecycle.tracking.tokens import confirm_url, preferences_url, proof_url, unsubscribe_url
from tests.shop import register, subscriber

pytestmark = pytest.mark.django_db
SHOP_LAYOUT = "oscar/css/styles.css"  # the stylesheet oscar/layout.html links


def title_of(page):
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def path_of(url):
    return url.removeprefix("https://shop.test")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_reached_from_an_email_wear_the_shop_layout_with_a_plain_title(client, language):
    contact = subscriber("reader@example.com")
    contact.consent = contact.Consent.PENDING
    contact.save()
    pages = {
        "preferences": client.get(path_of(preferences_url(contact)), HTTP_ACCEPT_LANGUAGE=language),
        "preferences, saved": client.post(path_of(preferences_url(contact)), {"frequency": "weekly"},
                                          HTTP_ACCEPT_LANGUAGE=language),
        "data link sent": client.post(f"{path_of(preferences_url(contact))}my-data/", HTTP_ACCEPT_LANGUAGE=language,
                                      follow=True),
        "my data": client.get(path_of(proof_url(contact, DATA_PURPOSE)), HTTP_ACCEPT_LANGUAGE=language),
        "confirmation": client.get(path_of(confirm_url(contact)), HTTP_ACCEPT_LANGUAGE=language),
        "unsubscribed": client.post(path_of(unsubscribe_url(contact)), HTTP_ACCEPT_LANGUAGE=language),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        page = response.content.decode()
        assert SHOP_LAYOUT in page, f"{name}: the shop's layout"
        assert 'class="header container"' in page, f"{name}: the shop's header and navigation"
        title = title_of(page)
        assert "<" not in title and ">" not in title, f"{name}: {title!r}"
        assert page.count("<h1") == 1, f"{name}: one heading"


def test_choices_are_drawn_as_checks_not_as_text_boxes(client):
    register(client, "member@example.com")
    subscriber("member@example.com")
    with translation.override("en"):
        url = reverse("oscar_lifecycle:account")
    for page in (client.get(url).content.decode(),
                 client.get(path_of(preferences_url(subscriber("member@example.com")))).content.decode()):
        inputs = re.findall(r'<input[^>]*type="(?:radio|checkbox)"[^>]*>', page)
        assert len(inputs) >= 5, "marketing, four frequencies, the topics"
        assert not [tag for tag in inputs if "form-control" in tag]
        assert all("form-check-input" in tag for tag in inputs)
