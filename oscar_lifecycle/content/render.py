"""Render one step for one contact: subject, preheader, inlined HTML and a text part."""

import re
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
from .blocks import INERT_URL
from .footer import why_you_receive_this
from .merge_tags import render_merge_tags
from .offers import sample_voucher
from .plain_text import html_to_text

RELATIVE_URL_PATTERN = re.compile(r'(\s(?:href|src)=")(/[^/"][^"]*|/)"')


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    preheader: str
    html: str
    text: str


def shop_name():
    return lifecycle_setting("SHOP_NAME") or getattr(settings, "OSCAR_SHOP_NAME", "")


def merge_values(contact, *, inert_links=False):
    """The values merge tags may show. Test sends get inert links, never a live unsubscribe."""
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "shop_name": shop_name(),
        "site_url": site_url(),
        "unsubscribe_url": INERT_URL if inert_links else unsubscribe_url(contact),
        "preferences_url": INERT_URL if inert_links else preferences_url(contact),
        # The win-back series' question: how often is asked on the preferences page.
        "frequency_url": INERT_URL if inert_links else preferences_url(contact),
    }


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


def block_context(contact, enrollment, purchases, inert_links=False, issue_voucher=None):
    """What blocks see when they render: the contact, what triggered the journey (and which of it
    is ``gone``), and ``purchases`` ({product id: when the contact last bought it}) that product
    blocks leave out."""
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
    }


def content_language(step):
    """The language of the step's words, for the template's own strings (the footer)."""
    journey = step.journey
    return journey.locale.language_code if journey.locale_id else translation.get_language()


def render_step(
    step, contact, *, enrollment=None, shop_settings=None, inert_links=False, purchases=None,
    issue_voucher=None,
) -> RenderedEmail:
    """Render ``step`` for ``contact``; ``enrollment`` gives product blocks their order or basket.

    ``purchases``: {product id: when last bought} of the contact, products emails never push.
    ``issue_voucher``: ``(offer id, valid days) -> IssuedVoucher`` for offer blocks; by default
    a sample code (previews, test sends).
    ``shop_settings``: the LifecycleSettings (loaded when not given).
    ``inert_links``: for previews and test sends, the unsubscribe link goes nowhere.
    """
    shop_settings = shop_settings or LifecycleSettings.current()
    values = merge_values(contact, inert_links=inert_links)
    with translation.override(content_language(step)):
        subject = render_merge_tags(step.subject, values, autoescape=False)
        preheader = render_merge_tags(step.preheader, values, autoescape=False)
        context = block_context(contact, enrollment, purchases, inert_links, issue_voucher)
        body_html = render_merge_tags(step.body.render_as_block(context=context), values)
        html = render_to_string(
            "oscar_lifecycle/email/base.html",
            {
                "subject": subject,
                "preheader": preheader,
                "body": body_html,
                "shop_name": values["shop_name"],
                "postal_address": shop_settings.postal_address,
                "LANGUAGE_CODE": translation.get_language(),
                "unsubscribe_url": values["unsubscribe_url"],
                "preferences_url": values["preferences_url"],
                "why_you_receive_this": why_you_receive_this(contact, values["shop_name"]),
            },
        )
    html = absolute_urls(html, values["site_url"])
    inlined = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True).inline(html)
    return RenderedEmail(subject=subject, preheader=preheader, html=inlined, text=html_to_text(html))
