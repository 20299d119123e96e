"""What a contact's mail client receives: inlined styles, absolute links, a text part, a preheader."""

import re

import pytest

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.content.render import render_step
from tests.shop import create_journey

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered():
    journey = create_journey(steps=[{
        "subject": "Hi {{ first_name|default:\"there\" }}",
        "preheader": "Fresh roasts inside",
        "body": [
            ("heading", "Hello {{ first_name }}"),
            ("text", '<p>See <a href="/offers/">our offers</a>.</p>'),
            ("button", {"text": "Shop", "url": "/catalogue/"}),
            ("divider", None),
        ],
    }])
    contact = contact_for("ana@example.com")
    contact.first_name = "Ana <b>"
    return render_step(journey.steps.get(), contact)


def test_subject_and_preheader_are_personalized(rendered):
    assert rendered.subject == "Hi Ana <b>"
    assert "Fresh roasts inside" in rendered.html


def test_styles_are_inlined_and_layout_does_not_depend_on_a_style_block(rendered):
    assert 'class="button-link"' in rendered.html
    button = re.search(r'<a [^>]*class="button-link"[^>]*>', rendered.html).group(0)
    assert "background-color" in rendered.html and 'style="' in button
    without_style_blocks = re.sub(r"<style>.*?</style>", "", rendered.html, flags=re.DOTALL)
    assert 'width="600"' in without_style_blocks


def test_every_link_is_absolute(rendered):
    links = re.findall(r'(?:href|src)="([^"]*)"', rendered.html)
    assert links, "the email has links"
    assert all(link.startswith("https://shop.test/") for link in links), links


def test_values_are_escaped_in_the_html(rendered):
    assert "Hello Ana &lt;b&gt;" in rendered.html
    assert "Ana <b>" not in rendered.html


def test_the_text_part_reads_like_the_email(rendered):
    assert rendered.text.startswith("Fresh roasts inside")
    assert "Hello Ana <b>" in rendered.text
    assert "our offers (https://shop.test/offers/)" in rendered.text
    assert "Shop (https://shop.test/catalogue/)" in rendered.text
    assert "<" not in rendered.text.replace("<b>", "")


def test_a_text_part_without_preheader_starts_with_the_email():
    journey = create_journey(steps=[{"subject": "Hi", "body": [("heading", "Hello {{ first_name }}")]}])
    contact = contact_for("ana@example.com")
    contact.first_name = "Ana"
    text = render_step(journey.steps.get(), contact).text
    assert text.startswith("Lifecycle Sandbox\n\nHello Ana"), repr(text[:40])  # the header, then the body
