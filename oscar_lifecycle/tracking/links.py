"""Make a rendered email trackable for one Message: its links go through signed redirects and
an open pixel closes its body; in an email about a basket, links to the basket page restore that
basket. Previews and test sends never come here."""

import html
import re
from dataclasses import replace

from django.urls import reverse
from django.utils.html import Urlizer

from ..site_url import site_url
from .tokens import basket_link_url, click_url_maker, open_pixel_url

HREF_PATTERN = re.compile(r'(<a\s[^>]*?href=")(https?://[^"]+)(")', re.IGNORECASE)
TEXT_URL_PATTERN = re.compile(r"https?://[^\s<>\"]+")
PIXEL = '<img src="{}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">'


class _TextLinkEnds(Urlizer):
    """Where a link of the text part ends, as Django's urlize decides: the text part writes
    "title (URL)", and a sentence may go on after a URL, so a closing bracket belongs to the URL
    only when the URL opened it, and trailing punctuation (question marks and quotes too) is the
    sentence's."""

    trailing_punctuation_chars = ".,:;!?'"


TEXT_LINK_ENDS = _TextLinkEnds()


def _own_pages():
    """Where our own pages live (unsubscribe, frequency, ratings): they record their visits themselves."""
    return f"{site_url()}{reverse('oscar_lifecycle:account').removesuffix('account/')}"


def basket_page_url():
    """The shop's basket page (Oscar's), as emails link to it."""
    return f"{site_url()}{reverse('basket:summary')}"


def track_links(rendered, message_id, *, basket_id=None):
    """``rendered`` (a RenderedEmail) with every outside link of its HTML and text parts going
    through our click redirect, and the open pixel at the end of the HTML body. In an email about
    basket ``basket_id``, a link to the basket page becomes the link that restores that basket
    on whichever device follows it (a click too)."""
    own_pages = _own_pages()
    basket_page = basket_page_url() if basket_id is not None else None
    click_url = click_url_maker(message_id)
    tracked = {}  # a link shown twice (a product's picture and its title) is signed once

    def _tracked(url):
        if url == basket_page:
            return basket_link_url(message_id, basket_id)
        if url.startswith(own_pages):
            return url
        if url not in tracked:
            tracked[url] = click_url(url)
        return tracked[url]

    def html_link(match):
        url = html.unescape(match.group(2))
        return f"{match.group(1)}{html.escape(_tracked(url))}{match.group(3)}"

    tracked_html = HREF_PATTERN.sub(html_link, rendered.html)
    pixel = PIXEL.format(html.escape(open_pixel_url(message_id)))
    if "</body>" in tracked_html:
        tracked_html = tracked_html.replace("</body>", f"{pixel}</body>", 1)
    else:
        tracked_html += pixel

    def text_link(match):
        # The URL is the start of the match (which starts with "http"); what follows is taken
        # from the text, since trim_punctuation's own trail drops "." from "(URL).".
        _before, url, _after = TEXT_LINK_ENDS.trim_punctuation(match.group(0))
        return f"{_tracked(url)}{match.group(0)[len(url):]}"

    tracked_text = TEXT_URL_PATTERN.sub(text_link, rendered.text)
    return replace(rendered, html=tracked_html, text=tracked_text)
