"""Merge tags: the small, whitelisted personalization syntax editors may type.

``{{ first_name }}`` and ``{{ first_name|default:"there" }}`` are the whole
grammar. Anything else between ``{{ }}`` or ``{% %}`` is refused when the
editor saves, with a message naming the tag; values are escaped when rendered.
"""

import html
import re

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

MERGE_TAGS = (
    "first_name",
    "last_name",
    "email",
    "shop_name",
    "site_url",
    "unsubscribe_url",
    "preferences_url",
    "frequency_url",
)

TAG_PATTERN = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.DOTALL)
TAG_BODY_PATTERN = re.compile(r'^\s*([a-z_]+)\s*(?:\|\s*default\s*:\s*"([^"{}]*)"\s*)?$')


def _parse(tag_body):
    """Return (name, default) for a tag body, or None when it is not allowed."""
    match = TAG_BODY_PATTERN.match(html.unescape(tag_body))
    if not match or match.group(1) not in MERGE_TAGS:
        return None
    return match.group(1), match.group(2) or ""


UNCLOSED_PATTERN = re.compile(r"\{[{%][^}]*$")


def invalid_tags(text):
    """Return the tags in ``text`` that are outside the whitelist, as typed, and a tag left
    open (``Hi {{ first_name``), which would otherwise reach customers as it is."""
    refused = []
    for match in TAG_PATTERN.finditer(text or ""):
        if match.group(2) is not None or _parse(match.group(1)) is None:
            refused.append(match.group(0))
    leftover = TAG_PATTERN.sub("", html.unescape(text or ""))
    refused += [match.group(0) for match in UNCLOSED_PATTERN.finditer(leftover)]
    return refused


def validate_merge_tags(text):
    refused = invalid_tags(text)
    if refused:
        raise ValidationError(
            ngettext(
                '%(tags)s is not a merge tag. Use one of: %(allowed)s, optionally with |default:"text".',
                '%(tags)s are not merge tags. Use one of: %(allowed)s, optionally with |default:"text".',
                len(refused),
            ),
            code="invalid_merge_tag",
            params={
                "tags": ", ".join(refused),
                "allowed": ", ".join("{{ %s }}" % name for name in MERGE_TAGS),
            },
        )


def replace_merge_tags(text, replacement):
    """``text`` with each whitelisted tag replaced by ``replacement(name, default)``, and any
    other tag by nothing."""

    def replace(match):
        parsed = None if match.group(2) is not None else _parse(match.group(1))
        return "" if parsed is None else replacement(*parsed)

    return TAG_PATTERN.sub(replace, text or "")


def render_merge_tags(text, values, *, autoescape=True):
    """Replace each whitelisted tag by its value (escaped for HTML unless autoescape=False)."""

    def value_of(name, default):
        value = str(values.get(name) or default)
        return html.escape(value) if autoescape else value

    return replace_merge_tags(text, value_of)
