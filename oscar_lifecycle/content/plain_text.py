"""The automatic text/plain part: the HTML email read aloud as text."""

import re
from html.parser import HTMLParser

BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "tr", "table", "ul", "ol", "hr", "br"}
SKIPPED_TAGS = {"style", "head", "title", "script"}
CELL_TAGS = {"td", "th"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0
        self.link_stack = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "a":
            self.link_stack.append((attributes.get("href") or "", len(self.parts), []))
        elif tag == "img" and attributes.get("alt") and not self.skipping:
            if self.link_stack:  # its words stand for the link only if the link has none
                self.link_stack[-1][2].append(attributes["alt"])
            else:
                self.parts.append(f"\n{attributes['alt']}\n")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self.skipping -= 1
        elif tag == "a" and self.link_stack:
            href, first_part, alt_texts = self.link_stack.pop()
            if not "".join(self.parts[first_part:]).strip():  # a picture alone: its words
                self.parts.append(" ".join(alt_texts))
            if href.startswith(("http://", "https://")):
                self.parts.append(f" ({href})")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag in CELL_TAGS:
            self.parts.append("   ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html):
    """The text of ``html``'s body (the head, with its styles, says nothing to a reader)."""
    body_start = html.find("<body")
    extractor = _TextExtractor()
    extractor.feed(html[body_start:] if body_start >= 0 else html)
    extractor.close()
    return tidy("".join(extractor.parts))


def tidy(text):
    """``text`` without blank space at either end, around its lines, or of more than one blank
    line: also once values are filled in, since an empty one (no preheader) leaves its lines."""
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
