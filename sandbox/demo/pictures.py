"""The demo shop's pictures, drawn with Pillow when the demo data is loaded: a tile for each
product and the shop's logo. Nothing is downloaded or copied, so there is no licence to
check, and the same title always gives the same bytes (the font is Pillow's own).
"""

import io

from PIL import Image, ImageDraw, ImageFont

TILE_SIZE = 800
# One ground per shelf of the demo catalogue; each product of the shelf a shade of it.
SHELF_COLOURS = {
    "Coffee": (111, 78, 55),
    "Tea": (77, 124, 15),
    "Brewing": (51, 65, 85),
    "Tableware": (180, 83, 9),
}
OTHER_SHELF = (75, 85, 99)
WHITE = (255, 255, 255)
LOGO_COLOUR = (111, 78, 55)


def _png(image):
    content = io.BytesIO()
    image.save(content, "PNG", optimize=True)
    return content.getvalue()


def _shade(colour, index):
    """``colour`` lightened a little more for each ``index`` (0 to 5), so neighbours differ."""
    amount = 0.08 * (index % 6)
    return tuple(round(channel + (255 - channel) * amount) for channel in colour)


def _initials(title):
    words = [word for word in title.replace("-", " ").split() if word[0].isalnum()]
    return "".join(word[0] for word in words[:2]).upper()


def _lines(draw, text, font, width):
    """``text`` cut into lines that fit ``width`` pixels."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def product_picture(title, shelf, index):
    """A PNG tile for the product ``title``, the ``index``-th of ``shelf``: its initials in a
    disc, its name underneath, on the shelf's colour."""
    ground = _shade(SHELF_COLOURS.get(shelf, OTHER_SHELF), index)
    image = Image.new("RGB", (TILE_SIZE, TILE_SIZE), ground)
    draw = ImageDraw.Draw(image)
    centre, radius = TILE_SIZE // 2, TILE_SIZE // 4
    draw.ellipse((centre - radius, centre - radius - 60, centre + radius, centre + radius - 60),
                 fill=_shade(ground, 2))
    draw.text((centre, centre - 60), _initials(title), font=ImageFont.load_default(size=150),
              fill=WHITE, anchor="mm")
    name_font = ImageFont.load_default(size=56)
    for number, line in enumerate(_lines(draw, title, name_font, TILE_SIZE - 120)):
        draw.text((centre, 620 + number * 68), line, font=name_font, fill=WHITE, anchor="mm")
    return _png(image)


def logo_picture(shop_name):
    """A PNG wordmark of ``shop_name``: a disc with its initial, then the name, on a transparent
    ground (any header colour shows through), twice the size an email shows it."""
    font = ImageFont.load_default(size=56)
    width = 120 + round(ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(shop_name, font=font)) + 16
    image = Image.new("RGBA", (width, 120), (*WHITE, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, 108, 108), fill=LOGO_COLOUR)
    draw.text((60, 60), shop_name[:1].upper(), font=ImageFont.load_default(size=60), fill=WHITE, anchor="mm")
    draw.text((124, 60), shop_name, font=font, fill=LOGO_COLOUR, anchor="lm")
    return _png(image)
