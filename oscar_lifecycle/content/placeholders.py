"""Stand-ins for what differs from one contact to the next, in an email rendered once for all.

A placeholder is a word of letters and digits that templates, CSS inlining and the text
part leave as it is; each email fills in its contact's values. A placeholder for a link
looks like a link, so that the text part lists it where it would list the real one.
"""

import re
import secrets

URL_PREFIX = "https://placeholder.invalid/"


def escape_html(value):
    """``value`` as text or a double-quoted attribute value of HTML, escaped as CSS inlining writes
    its output (an apostrophe stays as it is, a no-break space is written out)."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\xa0", "&nbsp;"))


class Placeholders:
    """The placeholders of one rendered email: ``token(name, default)`` stands for
    ``values[name] or default`` until ``fill_html()`` and ``fill_text()`` put it in."""

    def __init__(self):
        self._tag = f"ph{secrets.token_hex(4)}"
        self._pattern = re.compile(rf"(?:{re.escape(URL_PREFIX)})?{self._tag}n(\d+)x")
        self._fills = []
        self._numbers = {}

    def token(self, name, default="", *, url=False):
        number = self._numbers.get((name, default))
        if number is None:
            number = self._numbers[(name, default)] = len(self._fills)
            self._fills.append((name, default))
        token = f"{self._tag}n{number}x"
        return URL_PREFIX + token if url else token

    def marker(self, number):
        """A word that stands for part ``number`` of the body, to be replaced before inlining."""
        return f"{self._tag}s{number}x"

    def _fill(self, text, values, escape):
        def value(match):
            name, default = self._fills[int(match.group(1))]
            return escape(str(values.get(name) or default))

        return self._pattern.sub(value, text)

    def fill_html(self, html, values):
        return self._fill(html, values, escape_html)

    def fill_text(self, text, values):
        return self._fill(text, values, str)
