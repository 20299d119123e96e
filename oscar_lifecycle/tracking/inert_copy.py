"""A sent email's copy as the admin shows it: nothing in it can be followed or loaded that would
count a click or an open, unsubscribe the contact, rate their order or restore their basket.

In the HTML, every link leads nowhere (a tracked link says where it led in its title) and the open
pixel is left out; in the text part, a tracked link is written as where it led and our own links
(unsubscribe, preferences, ratings, the basket) lead nowhere. The admin shows the HTML in a
sandboxed frame, which runs no script and opens no window: links open in a new window, so a click
does nothing (an inert "#..." link in a frame's document would load the admin's own page in it).
"""

import html
import re
from dataclasses import replace
from urllib.parse import urlsplit

from django.core import signing
from django.urls import reverse

from ..content.blocks import INERT_URL
from .links import PIXEL, TEXT_LINK_ENDS, TEXT_URL_PATTERN
from .tokens import click_from_token


def _attribute(name):
    """``name``="value" (or 'value', or value) wherever it is written: rewriting one inside the
    email's words too does no harm, and missing one would leave a link live."""
    return re.compile(rf"""(\s){name}\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


HREF_PATTERN = _attribute("href")
SRC_PATTERN = _attribute("src")
TARGET_PATTERN = _attribute("target")
# The open pixel exactly as track_links writes it, after CSS inlining.
PIXEL_PATTERN = re.compile(re.escape(PIXEL).replace(re.escape("{}"), '[^"]*'))


def _value(written):
    """An attribute's value as written (quoted or not), unescaped."""
    return html.unescape(written[1:-1] if written[:1] in "\"'" else written)


def _path_prefix(view_name):
    """The path our ``view_name`` answers under, before its token: "/lifecycle/c/", say."""
    return reverse(f"oscar_lifecycle:{view_name}", args=["TOKEN"]).split("TOKEN", 1)[0]


class _OurLinks:
    """Recognises our links by their path, whatever site URL the email was sent with."""

    def __init__(self):
        self.clicks = _path_prefix("click")
        self.own = reverse("oscar_lifecycle:account").removesuffix("account/")

    def destination(self, url):
        """Where a click redirect of ours leads, or None for any other URL."""
        path = urlsplit(url).path
        if not path.startswith(self.clicks):
            return None
        try:
            return click_from_token(path[len(self.clicks):].rstrip("/"))[1]
        except signing.BadSignature:
            return None

    def is_ours(self, url):
        return urlsplit(url).path.startswith(self.own)


def _inert_html(document, links):
    def inert_href(match):
        destination = links.destination(_value(match.group(2)))
        title = f' title="{html.escape(destination)}"' if destination else ""
        return f'{match.group(1)}href="{INERT_URL}" target="_blank"{title}'

    def inert_src(match):
        return f'{match.group(1)}src=""' if links.is_ours(_value(match.group(2))) else match.group(0)

    document = PIXEL_PATTERN.sub("", document)
    document = SRC_PATTERN.sub(inert_src, document)  # the pixel, however else it came to be written
    document = TARGET_PATTERN.sub("", document)
    return HREF_PATTERN.sub(inert_href, document)


def _inert_text(text, links):
    def inert_url(match):
        _before, url, _after = TEXT_LINK_ENDS.trim_punctuation(match.group(0))
        rest = match.group(0)[len(url):]
        destination = links.destination(url)
        if destination:
            return f"{destination}{rest}"
        return f"{INERT_URL}{rest}" if links.is_ours(url) else match.group(0)

    return TEXT_URL_PATTERN.sub(inert_url, text)


def inert_copy(copy):
    """``copy`` (a SentCopy) with its links inert and without its open pixel."""
    links = _OurLinks()
    return replace(copy, html=_inert_html(copy.html, links), text=_inert_text(copy.text, links))
