"""Editors personalize with a whitelisted merge-tag syntax; anything else is refused at save."""

import pytest
from django.core.exceptions import ValidationError

from oscar_lifecycle.content.merge_tags import render_merge_tags, validate_merge_tags


@pytest.mark.parametrize("text", [
    "Hello {{ first_name }}",
    'Hello {{first_name|default:"there"}}',
    "Hi {{ first_name|default:&quot;there&quot; }} from {{ shop_name }}",
    "No tags at all",
])
def test_whitelisted_tags_are_accepted(text):
    validate_merge_tags(text)


@pytest.mark.parametrize("text, named", [
    ("{{ user.password }}", "{{ user.password }}"),
    ("{% load static %}", "{% load static %}"),
    ("{{ first_name|safe }}", "{{ first_name|safe }}"),
    ("{{ first_name|default:there }}", "{{ first_name|default:there }}"),
    ("Hi {{ firstname }}", "{{ firstname }}"),
    ("{{ settings.SECRET_KEY }}", "{{ settings.SECRET_KEY }}"),
])
def test_anything_else_is_refused_with_a_message_naming_the_tag(text, named):
    with pytest.raises(ValidationError) as raised:
        validate_merge_tags(text)
    assert named in raised.value.messages[0]
    assert "{{ first_name }}" in raised.value.messages[0], "the message lists what is allowed"


def test_values_are_escaped_in_html_and_defaults_fill_blanks():
    values = {"first_name": "<script>alert(1)</script>", "last_name": ""}
    assert render_merge_tags("Hi {{ first_name }}", values) == "Hi &lt;script&gt;alert(1)&lt;/script&gt;"
    assert render_merge_tags('Dear {{ last_name|default:"friend" }}', values) == "Dear friend"
    assert render_merge_tags("{{ first_name }}", values, autoescape=False) == "<script>alert(1)</script>"


def test_a_value_that_looks_like_a_tag_is_not_rendered_again():
    values = {"first_name": "{{ email }}", "email": "secret@example.com"}
    assert render_merge_tags("{{ first_name }}", values) == "{{ email }}"


@pytest.mark.parametrize("text", ["Hi {{ first_name", "Hi {{ first_name }}, and {{ last_name", "Sale {% if"])
def test_a_tag_left_open_is_refused(text):
    with pytest.raises(ValidationError, match="has a brace outside a merge tag"):
        validate_merge_tags(text)
