"""The shop's look in its emails: the logo (or the shop's name) on a header, the brand's colours
on buttons, product pictures in grids with their names as alt text; set by editors in the
Lifecycle settings, which refuse a colour that is not one."""

import html as html_module
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Site

from oscar_lifecycle.content.brand import LOGO_FILTER
from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import LifecycleSettings
from oscar_lifecycle.tracking.tokens import click_from_token
from tests.test_dispatch_queries import QUERIES_PER_BATCH, QUERIES_PER_EMAIL
from tests.shop import (
    add_product_image,
    create_catalogue,
    create_journey,
    image_file,
    register,
    subscriber,
)

pytestmark = pytest.mark.django_db
SHOP = "https://shop.test"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads, renditions and thumbnails go to a temporary folder, none remembered from another test."""
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.fixture
def owner(client):
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    return client


def settings_url():
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["oscar_lifecycle", "lifecyclesettings", site.pk])


def settings_form(**overrides):
    return {
        "from_name": "", "from_email": "", "reply_to": "", "postal_address": "1 rue de la Paix, Paris",
        "logo": "", "button_colour": "#1d4ed8", "header_background": "#ffffff", "text_colour": "#1f2937",
        "pressure_cap": "3", "pressure_window_days": "7", "minimum_gap_hours": "0",
        "quiet_hours_start": "", "quiet_hours_end": "",
        "default_locale": "", **overrides,
    }


def logo():
    return get_image_model().objects.create(title="Logo", file=image_file("logo.png", (600, 120)))


def sent_email(outbox, body=None):
    """The one email a journey sends a subscriber at once, through the dispatcher."""
    create_journey(steps=[{"delay_hours": 0, **({"body": body} if body else {})}])
    enroll("registration", subscriber("reader@example.com"))
    dispatch_due()
    [email] = outbox
    return email


def sent_html(outbox, body=None):
    return sent_email(outbox, body).alternatives[0][0]


def header_of(html):
    return re.search(r'<td class="header"[^>]*>(.*?)</td>', html, re.DOTALL).group(1)


def leads_to(html):
    """Where the first link of ``html`` leads, through the email's signed click redirect."""
    token = re.search(r'href="https://shop\.test/lifecycle/c/([^/"]+)/"', html).group(1)
    return click_from_token(token)[1]


def style_of(html, css_class):
    return re.search(rf'<[a-z]+ [^>]*class="{css_class}"[^>]*style="([^"]*)"', html).group(1)


def test_the_logo_heads_every_email_with_the_shop_name_as_its_alt_text(owner, outbox):
    picture = logo()
    response = owner.post(settings_url(), settings_form(logo=picture.pk, button_colour="#b45309",
                                                        header_background="#fdf8f3"))
    assert response.status_code == 302

    email = sent_email(outbox)

    html = email.alternatives[0][0]
    header = header_of(html)
    image = re.search(r"<img [^>]*>", header).group(0)
    assert re.search(rf'src="{SHOP}/media/images/logo\.[^"]+\.png"', image), "absolute: mail clients need it"
    assert 'alt="Lifecycle Sandbox"' in image
    assert 'width="200" height="40"' in image, "shown at half its pixels: sharp on dense screens"
    assert re.search(r'<td class="header"[^>]*bgcolor="#fdf8f3"', html)
    assert "background-color: #b45309" in style_of(html, "button-cell")
    assert "color: #ffffff" in style_of(html, "button-link")
    assert email.body.lstrip().startswith("Lifecycle Sandbox\n"), "the text part names the shop, as the picture does"


def test_without_a_logo_the_shop_name_heads_the_email(outbox):
    html = sent_html(outbox)

    header = header_of(html)
    assert "<img" not in header
    assert re.sub(r"<[^>]+>", "", header).strip() == "Lifecycle Sandbox"
    assert "<a " not in header, "an email's links are the editor's"
    assert "background-color: #1d4ed8" in style_of(html, "button-cell"), "the default colours"


def test_a_pale_button_colour_gets_dark_words(owner, outbox):
    owner.post(settings_url(), settings_form(button_colour="#fde047", header_background="#111827"))

    html = sent_html(outbox)

    assert "color: #111827" in style_of(html, "button-link")
    assert "color:#ffffff" in header_of(html), "the shop's name, light on a dark header"


@pytest.mark.parametrize("field, value, message", [
    ("button_colour", "blue", "“blue” is not a colour: enter # and six hexadecimal digits"),
    ("header_background", "#fff", "“#fff” is not a colour"),
    ("button_colour", "red;x:1", "“red;x:1” is not a colour"),
    ("button_colour", "#1d4ed8;background:url(x)", "at most 7 characters"),
    ("text_colour", "#eeeeee", "This text colour is too pale to read on the emails' white background"),
])
def test_the_settings_refuse_a_colour_that_is_not_one(owner, field, value, message):
    response = owner.post(settings_url(), settings_form(**{field: value}))

    assert response.status_code == 200
    assert message in html_module.unescape(response.content.decode())
    saved = LifecycleSettings.objects.get()
    assert (saved.button_colour, saved.header_background, saved.text_colour) == ("#1d4ed8", "#ffffff", "#1f2937")


def test_a_logo_whose_file_is_gone_leaves_the_shop_name(outbox, caplog):
    picture = logo()
    LifecycleSettings.objects.create(site=Site.objects.get(is_default_site=True), logo=picture)
    picture.file.delete(save=False)

    html = sent_html(outbox)

    assert re.sub(r"<[^>]+>", "", header_of(html)).strip() == "Lifecycle Sandbox"
    assert "The emails' logo" in caplog.text


def test_a_grid_shows_each_product_picture_with_its_name_as_alt_text(outbox):
    pictured, plain = create_catalogue(2)
    add_product_image(pictured)

    html = sent_html(outbox, body=[("product_grid", {
        "heading": "", "source": "fixed", "products": [pictured, plain], "category": None,
        "max_products": 2, "columns": "2", "button_text": "See it",
    })])

    cells = re.findall(r'<td [^>]*class="product-cell"[^>]*>(.*?)</td>\s*(?=<td|</tr>)', html, re.DOTALL)
    [image] = re.findall(r"<img [^>]*>", cells[0])
    assert 'alt="Product 1"' in image and re.search(rf'src="{SHOP}/media/cache/[^"]+"', image)
    assert "<img" not in cells[1] and "Product 2" in cells[1], "no picture: the name and price, nothing broken"
    for cell, product in zip(cells, (pictured, plain)):
        button = re.search(r'<a [^>]*class="button-link"[^>]*>([^<]*)</a>', cell)
        assert button.group(1) == "See it"
        assert leads_to(button.group(0)) == f"{SHOP}{product.get_absolute_url()}"


def test_the_confirmation_email_wears_the_shop_look_too(owner, client_class):
    owner.post(settings_url(), settings_form(logo=logo().pk, button_colour="#b45309"))

    register(client_class(), "new@example.com", consent=True)
    run_lifecycle()

    [confirmation] = [email for email in mail.outbox if "lifecycle-confirmation" in email.tags]
    html = confirmation.alternatives[0][0]
    assert re.search(rf'<img src="{SHOP}/media/images/logo\.[^"]+" [^>]*alt="Lifecycle Sandbox"', html)
    assert re.search(r'<td bgcolor="#b45309"[^>]*><a href="https://shop\.test/lifecycle/confirm/', html)


@pytest.mark.parametrize("emails", [1, 50])
def test_the_logo_costs_the_dispatcher_no_query(emails, django_assert_num_queries, outbox):
    """Its rendition is made once (by the first email) and remembered: a batch's queries are
    then what they are without it."""
    picture = logo()
    picture.get_rendition(LOGO_FILTER)
    LifecycleSettings.objects.create(site=Site.objects.get(is_default_site=True), logo=picture)
    create_journey("One", steps=[{"delay_hours": 0}, {"delay_days": 1}])
    create_journey("Two", steps=[{"delay_hours": 0}])
    for number in range(emails):
        enroll("registration", subscriber(f"c{number}@example.com"))

    with django_assert_num_queries(QUERIES_PER_BATCH + QUERIES_PER_EMAIL * emails * 2):
        dispatch_due()

    assert len(outbox) == emails * 2
    assert all('alt="Lifecycle Sandbox"' in email.alternatives[0][0] for email in outbox)
