"""Render a step for contacts: subject, preheader, inlined HTML and a text part.

What is the same for every contact is rendered once per step and language (a
``StepTemplate``): the blocks that show nothing of the contact, the base template, CSS
inlining and the text part. Each email then renders only its per-contact blocks (product
grids, the basket, ratings, offers, stage sections) and fills in its merge tags. Inlining
is done again only when the per-contact blocks come out different from an earlier email's.
"""

import re
from collections import OrderedDict
from dataclasses import dataclass

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from ..conf import lifecycle_setting
from ..models import LifecycleSettings
from ..site_url import site_url
from ..tracking.tokens import preferences_url, unsubscribe_url
from ..triggers import registered_triggers
from .blocks import INERT_URL, is_per_contact
from .brand import email_brand
from .footer import why_you_receive_this
from .merge_tags import MERGE_TAGS, render_merge_tags, replace_merge_tags
from .offers import sample_voucher
from .placeholders import Placeholders, escape_html
from .plain_text import html_to_text, tidy
from .products import BestSellers

URL_MERGE_TAGS = tuple(tag.name for tag in MERGE_TAGS.values() if tag.is_link)
RELATIVE_URL_PATTERN = re.compile(r'(\s(?:href|src)=")(/[^/"][^"]*|/)"')


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    preheader: str
    html: str
    text: str


def shop_name():
    return lifecycle_setting("SHOP_NAME") or getattr(settings, "OSCAR_SHOP_NAME", "")


def shop_brand():
    """The shop's look (``EmailBrand``) for emails outside journeys: notices."""
    return email_brand(LifecycleSettings.current(), shop_name(), site_url())


def shared_merge_values(*, inert_links=False):
    """The merge tags' values that are the same for every contact. Previews and test sends get
    inert links, never a live unsubscribe."""
    values = {"shop_name": shop_name(), "site_url": site_url()}
    if inert_links:
        values.update(dict.fromkeys(URL_MERGE_TAGS, INERT_URL))
    return values


def contact_merge_values(contact, *, inert_links=False):
    """The merge tags' values that are the contact's own."""
    values = {"first_name": contact.first_name, "last_name": contact.last_name, "email": contact.email}
    if not inert_links:
        preferences = preferences_url(contact)
        # The win-back series' question: how often is asked on the preferences page.
        values.update(unsubscribe_url=unsubscribe_url(contact), preferences_url=preferences,
                      frequency_url=preferences)
    return values


def absolute_urls(html, base_url):
    return RELATIVE_URL_PATTERN.sub(lambda m: f'{m.group(1)}{base_url}{m.group(2)}"', html)


def subjects_gone(enrollment):
    """What a saved enrollment was about (its trigger's order, basket or product) and has lost
    since, deleted from the shop: {"order"}, say. Previews' unsaved samples lose nothing."""
    if enrollment is None or enrollment.pk is None:
        return frozenset()
    about = getattr(registered_triggers().get(enrollment.journey.trigger), "about", None)
    if about and getattr(enrollment, f"{about}_id") is None:
        return frozenset({about})
    return frozenset()


def block_context(contact, enrollment, purchases, inert_links, issue_voucher, *, best_sellers, rendered_grids):
    """What blocks see when they render: the contact, what triggered the journey (and which of it
    is ``gone``), and ``purchases`` ({product id: when the contact last bought it}) that product
    blocks leave out; what the emails rendered together share: ``best_sellers``, the rankings
    read, and ``rendered_grids``, the product grids rendered."""
    return {
        "gone": subjects_gone(enrollment),
        "contact": contact,
        "enrollment": enrollment,
        "order": getattr(enrollment, "order", None),
        "basket": getattr(enrollment, "basket", None),
        "product": getattr(enrollment, "product", None),
        "stage": (getattr(enrollment, "context", None) or {}).get("stage"),
        "purchases": purchases or {},
        "inert_links": inert_links,
        "issue_voucher": issue_voucher or sample_voucher,
        "best_sellers": best_sellers,
        "rendered_grids": rendered_grids,
    }


def content_language(step):
    """The language of the step's words, for the template's own strings (the footer)."""
    journey = step.journey
    return journey.locale.language_code if journey.locale_id else translation.get_language()


def render_block(child, context):
    """One block of an email's body, as Wagtail's StreamField renders it."""
    return f'<div class="w-block-{child.block_type} block-{child.block_type}">{child.render(context=context)}</div>'


class StepTemplate:
    """``step`` rendered once for many contacts (a dispatcher's batch): ``render()`` makes each
    contact's email. ``inert_links``: previews and test sends, whose links go nowhere."""

    INLINED_KEPT = 32  # inlined emails kept, one per distinct output of the per-contact blocks

    def __init__(self, step, *, shop_settings=None, inert_links=False):
        self.step = step
        self.inert_links = inert_links
        self.language = content_language(step)
        self.shared_values = shared_merge_values(inert_links=inert_links)
        self.best_sellers = BestSellers()
        self.rendered_grids = {}
        self.placeholders = Placeholders()
        self._inlined = OrderedDict()
        self._per_contact_blocks = []  # marker N of the HTML stands for block N
        with translation.override(self.language):
            self._html = self._render_once(shop_settings or LifecycleSettings.current())

    def _merge_tags(self, text):
        """``text`` with merge tags of shared values filled in and the others as placeholders."""

        def value_or_placeholder(name, default):
            if name in self.shared_values:
                return escape_html(str(self.shared_values[name] or default))
            return self.placeholders.token(name, default, url=name in URL_MERGE_TAGS)

        return replace_merge_tags(text, value_or_placeholder)

    def _render_once(self, shop_settings):
        """The email's HTML before inlining, with a marker for each per-contact block."""
        context = block_context(None, None, None, self.inert_links, None, best_sellers=self.best_sellers,
                                rendered_grids=self.rendered_grids)
        parts = []
        for child in self.step.body:
            if is_per_contact(child):
                parts.append(self.placeholders.marker(len(self._per_contact_blocks)))
                self._per_contact_blocks.append(child)
            else:
                parts.append(render_block(child, context))
        body = "\n".join(parts)
        token = self.placeholders.token
        return render_to_string(
            "oscar_lifecycle/email/base.html",
            {
                "subject": token("subject"),
                "preheader": token("preheader"),
                "body": self._merge_tags(body),
                "brand": email_brand(shop_settings, self.shared_values["shop_name"], self.shared_values["site_url"]),
                "postal_address": shop_settings.postal_address,
                "LANGUAGE_CODE": translation.get_language(),
                "unsubscribe_url": INERT_URL if self.inert_links else token("unsubscribe_url", url=True),
                "preferences_url": INERT_URL if self.inert_links else token("preferences_url", url=True),
                "why_you_receive_this": token("why_you_receive_this"),
            },
        )

    def _inlined_with(self, blocks_html):
        """(inlined HTML, text part) with ``blocks_html`` in place of the markers, placeholders left."""
        inlined = self._inlined.get(blocks_html)
        if inlined is not None:
            self._inlined.move_to_end(blocks_html)
            return inlined
        html = self._html
        for number, block_html in enumerate(blocks_html):
            html = html.replace(self.placeholders.marker(number), block_html, 1)
        html = absolute_urls(html, self.shared_values["site_url"])
        inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)
        inlined = self._inlined[blocks_html] = (inliner.inline(html), html_to_text(html))
        if len(self._inlined) > self.INLINED_KEPT:
            self._inlined.popitem(last=False)
        return inlined

    def render(self, contact, *, enrollment=None, purchases=None, issue_voucher=None) -> RenderedEmail:
        """The email of ``contact``; ``enrollment`` gives product blocks their order or basket.

        ``purchases``: {product id: when last bought} of the contact, products emails never push.
        ``issue_voucher``: ``(offer id, valid days) -> IssuedVoucher`` for offer blocks; by default
        a sample code (previews, test sends).
        """
        values = {**self.shared_values, **contact_merge_values(contact, inert_links=self.inert_links)}
        with translation.override(self.language):
            subject = render_merge_tags(self.step.subject, values, autoescape=False)
            preheader = render_merge_tags(self.step.preheader, values, autoescape=False)
            blocks_html = ()
            if self._per_contact_blocks:
                context = block_context(contact, enrollment, purchases, self.inert_links, issue_voucher,
                                        best_sellers=self.best_sellers, rendered_grids=self.rendered_grids)
                blocks_html = tuple(self._merge_tags(render_block(child, context))
                                    for child in self._per_contact_blocks)
            values.update(subject=subject, preheader=preheader,
                          why_you_receive_this=why_you_receive_this(contact, values["shop_name"]))
        html, text = self._inlined_with(blocks_html)
        return RenderedEmail(subject=subject, preheader=preheader,
                             html=self.placeholders.fill_html(html, values),
                             text=tidy(self.placeholders.fill_text(text, values)))


def render_step(
    step, contact, *, enrollment=None, shop_settings=None, inert_links=False, purchases=None,
    issue_voucher=None,
) -> RenderedEmail:
    """Render ``step`` for ``contact`` alone (a preview, a test send); see ``StepTemplate.render()``.

    ``shop_settings``: the LifecycleSettings (loaded when not given).
    ``inert_links``: for previews and test sends, the unsubscribe link goes nowhere.
    """
    template = StepTemplate(step, shop_settings=shop_settings, inert_links=inert_links)
    return template.render(contact, enrollment=enrollment, purchases=purchases, issue_voucher=issue_voucher)
