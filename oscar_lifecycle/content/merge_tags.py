"""Merge tags: the small, whitelisted personalization syntax editors may type.

``{{ first_name }}`` and ``{{ first_name|default:"there" }}`` are the whole
grammar. Anything else between ``{{ }}`` or ``{% %}``, and any brace outside a
whole tag, is refused when the editor saves, with a message naming the text;
values are escaped when rendered.

``MERGE_TAGS`` is the whitelist: what saving accepts, what rendering fills in and what the
journey editor lists beside the fields that take them.
"""

import html
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class MergeTag:
    name: str
    description: str
    is_link: bool = False  # a link of the contact's own; previews and test sends make it go nowhere

    @property
    def shown(self):
        """The tag as an editor types it."""
        return "{{ %s }}" % self.name


MERGE_TAGS = {tag.name: tag for tag in (
    MergeTag("first_name", _("The contact's first name.")),
    MergeTag("last_name", _("The contact's last name.")),
    MergeTag("email", _("The contact's email address.")),
    MergeTag("shop_name", _("The shop's name.")),
    MergeTag("site_url", _("The address of the shop's home page.")),
    MergeTag("unsubscribe_url", _(
        "A link to the contact's unsubscribe page, where one click stops all marketing email."
    ), is_link=True),
    MergeTag("preferences_url", _(
        "A link to the contact's preferences page: whether, how often and about what they get "
        "marketing email."
    ), is_link=True),
    MergeTag("frequency_url", _(
        "The same link as {{ preferences_url }}, for asking how often they want email: every email, "
        "one a week, one a month, or a three-month break."
    ), is_link=True),
)}

TAG_PATTERN = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.DOTALL)
TAG_BODY_PATTERN = re.compile(r'^\s*([a-z_]+)\s*(?:\|\s*default\s*:\s*"([^"{}]*)"\s*)?$')
ALLOWED_SHOWN = ", ".join(tag.shown for tag in MERGE_TAGS.values())


def _parse(tag_body):
    """Return (name, default) for a tag body, or None when it is not allowed."""
    match = TAG_BODY_PATTERN.match(html.unescape(tag_body))
    if not match or match.group(1) not in MERGE_TAGS:
        return None
    return match.group(1), match.group(2) or ""


# A stretch of text that braces open or close: a tag whole or broken (``{{ first_name }``,
# ``{first_name}}``, ``{{ first_name }}}``), a tag left open, or a lone brace.
BRACED_PATTERN = re.compile(r"\{+[^{}]*\}+|\{+[^{}]*|\}+")
SHOWN_LENGTH = 60


def _braced_stretches(text):
    """Each stretch of ``text`` whose braced pieces touch one another, as typed, with its pieces:
    ``{{ first_name }}{`` is one stretch of two pieces, ``{{ first_name }} {{ last_name }}`` two."""
    stretches = []
    for match in BRACED_PATTERN.finditer(text):
        if stretches and stretches[-1][1] == match.start():
            start, _end, pieces = stretches[-1]
            stretches[-1] = (start, match.end(), [*pieces, match.group(0)])
        else:
            stretches.append((match.start(), match.end(), [match.group(0)]))
    return [(text[start:end], pieces) for start, end, pieces in stretches]


def _is_whole_tag(piece):
    """Whether ``piece`` is one ``{{ ... }}`` or ``{% ... %}``, with no more braces than that."""
    match = TAG_PATTERN.fullmatch(piece)
    return match is not None and "{" not in piece[2:-2] and "}" not in piece[2:-2]


def _shown(typed):
    """``typed`` as the editor sees it in their text (rich text is HTML), cut when long."""
    shown = html.unescape(strip_tags(typed))
    return shown if len(shown) <= SHOWN_LENGTH else shown[:SHOWN_LENGTH] + "…"


def invalid_tags(text):
    """(tags outside the whitelist, broken tags and stray braces) in ``text``, each as typed.

    Braces belong to merge tags: one that is not part of a whole ``{{ ... }}`` or ``{% ... %}``
    (``Hi {{ first_name }``, ``{first_name}}``, ``{{ first_name }}}``, a tag left open, even
    ``use code {SAVE}``) is refused, because it would reach customers as it is.
    """
    unknown, broken = [], []
    for typed, pieces in _braced_stretches(text or ""):
        if not all(_is_whole_tag(piece) for piece in pieces):
            broken.append(_shown(typed))
            continue
        unknown += [piece for piece in pieces if piece.startswith("{%") or _parse(piece[2:-2]) is None]
    return unknown, broken


def validate_merge_tags(text):
    """Refuse ``text`` naming each tag outside the whitelist and each stray brace, as typed."""
    unknown, broken = invalid_tags(text)
    errors = []
    if unknown:
        errors.append(ValidationError(
            ngettext(
                '%(tags)s is not a merge tag. Use one of: %(allowed)s, optionally with |default:"text".',
                '%(tags)s are not merge tags. Use one of: %(allowed)s, optionally with |default:"text".',
                len(unknown),
            ),
            code="invalid_merge_tag",
            params={"tags": ", ".join(unknown), "allowed": ALLOWED_SHOWN},
        ))
    if broken:
        errors.append(ValidationError(
            ngettext(
                "%(texts)s has a brace outside a merge tag. Braces are kept for merge tags: write the "
                "whole tag, such as {{ first_name }}, or remove the brace.",
                "%(texts)s have braces outside merge tags. Braces are kept for merge tags: write the "
                "whole tag, such as {{ first_name }}, or remove the brace.",
                len(broken),
            ),
            code="broken_merge_tag",
            params={"texts": ", ".join(broken)},
        ))
    if errors:
        raise ValidationError(errors)


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
