"""The shop's look in its emails: the logo and colours editors set in the Lifecycle settings.

Colours are checked when saved, so that the layout only ever writes ``#rrggbb`` into a
style. The words on a coloured ground (a button's label, the shop's name on the header)
are white or near-black, whichever reads better on it: editors pick one colour, and
a pale brand colour never leaves a white label nobody can read.
"""

import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
LIGHT_WORDS = "#ffffff"
DARK_WORDS = "#111827"
BODY_BACKGROUND = "#ffffff"
# WCAG 2's "AA" contrast for body text (1.4.3): anything less is hard to read for many.
READABLE_CONTRAST = 4.5
# The logo as a mail client shows it, at most (CSS pixels); its image has twice as many pixels,
# sharp on high-density screens.
LOGO_BOX = (200, 60)
LOGO_FILTER = f"max-{LOGO_BOX[0] * 2}x{LOGO_BOX[1] * 2}"

DEFAULT_BUTTON_COLOUR = "#1d4ed8"
DEFAULT_HEADER_BACKGROUND = "#ffffff"
DEFAULT_TEXT_COLOUR = "#1f2937"


def validate_hex_colour(value):
    if not HEX_COLOUR.fullmatch(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a colour: enter # and six hexadecimal digits, such as #1d4ed8."),
            params={"value": value}, code="invalid_colour",
        )


def _luminance(colour):
    """Relative luminance of ``#rrggbb`` (WCAG 2)."""
    channels = [int(colour[start:start + 2], 16) / 255 for start in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first, second):
    """The contrast ratio of two ``#rrggbb`` colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def words_on(background):
    """The colour of words on ``background``: white or near-black, whichever reads better."""
    return max((LIGHT_WORDS, DARK_WORDS), key=lambda words: contrast(words, background))


def validate_text_colour(value):
    """A colour the body's words can be read in, on the emails' white."""
    validate_hex_colour(value)
    ratio = contrast(value, BODY_BACKGROUND)
    if ratio < READABLE_CONTRAST:
        raise ValidationError(
            _("This text colour is too pale to read on the emails' white background (contrast "
              "%(ratio).1f:1, at least %(needed).1f:1 is needed): choose a darker one."),
            params={"ratio": ratio, "needed": READABLE_CONTRAST}, code="unreadable_colour",
        )


@dataclass(frozen=True)
class Logo:
    """The logo as the email shows it: an image URL, and the size it is shown at."""

    url: str
    width: int
    height: int


@dataclass(frozen=True)
class EmailBrand:
    """What the email layout paints with: the header (logo, or the shop's name) and the colours.
    The logo's URL is absolute: notices are not rewritten."""

    shop_name: str
    logo: Logo | None
    button_colour: str = DEFAULT_BUTTON_COLOUR
    header_background: str = DEFAULT_HEADER_BACKGROUND
    text_colour: str = DEFAULT_TEXT_COLOUR

    @property
    def button_words(self):
        return words_on(self.button_colour)

    @property
    def header_words(self):
        return words_on(self.header_background)


def logo_of(image, base_url):
    """The email's ``Logo`` for a Wagtail ``image``: a rendition twice the size shown, fitting
    LOGO_BOX, at an absolute URL (``base_url`` before a path)."""
    rendition = image.get_rendition(LOGO_FILTER)
    scale = min(1, LOGO_BOX[0] / rendition.width, LOGO_BOX[1] / rendition.height)
    url = rendition.url
    return Logo(url=f"{base_url}{url}" if url.startswith("/") else url,
                width=max(1, round(rendition.width * scale)), height=max(1, round(rendition.height * scale)))


def email_brand(shop_settings, shop_name, base_url):
    """The ``EmailBrand`` of ``shop_settings`` (LifecycleSettings, saved or not) for a shop at
    ``base_url`` (no trailing slash). A logo whose file cannot be read gives the shop's name
    instead, and a log error: the emails still go."""
    logo = None
    if shop_settings.logo is not None:
        try:
            logo = logo_of(shop_settings.logo, base_url)
        except OSError:  # Wagtail's SourceImageIOError, or an unreadable file
            logger.exception("The emails' logo (image %s) cannot be read: they show the shop's name",
                             shop_settings.logo_id)
    return EmailBrand(
        shop_name=shop_name,
        logo=logo,
        button_colour=shop_settings.button_colour or DEFAULT_BUTTON_COLOUR,
        header_background=shop_settings.header_background or DEFAULT_HEADER_BACKGROUND,
        text_colour=shop_settings.text_colour or DEFAULT_TEXT_COLOUR,
    )
