"""What a recipient sees of the product, basket and layout blocks, and what an editor may save."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images import get_image_model
from wagtail.models import Collection

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.content.blocks import EmailBodyBlock, ProductGridBlock
from oscar_lifecycle.content.render import render_step
from oscar_lifecycle.models import Enrollment, Journey, Step
from tests.admin import journey_form, journey_url, step_form
from tests.shop import (
    add_product_image,
    create_basket,
    create_catalogue,
    create_category,
    create_journey,
    image_file,
    place_order,
    recommend,
)

pytestmark = pytest.mark.django_db

SHOP = "https://shop.test"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads and thumbnails go to a temporary folder, with no thumbnail remembered from another test."""
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def grid(source, **fields):
    return ("product_grid", {
        "heading": "Picked for you", "source": source, "products": [], "category": None,
        "max_products": 3, "columns": "3", **fields,
    })


def render(body, *, order=None, basket=None, product=None):
    journey = create_journey(steps=[{"body": body}])
    contact = contact_for("ana@example.com")
    enrollment = Enrollment(contact=contact, journey=journey, order=order, basket=basket, product=product)
    return render_step(journey.steps.get(), contact, enrollment=enrollment).html


def tiles(html):
    """(title, price, link) of each product a grid shows, in order."""
    shown = []
    for cell in re.findall(r'<td [^>]*class="product-cell"[^>]*>(.*?)</td>', html, re.DOTALL):
        link = re.search(r'<a [^>]*href="([^"]*)"', cell)
        if link is None:
            continue
        title = re.search(r'class="product-title"[^>]*>([^<]*)<', cell).group(1)
        price = re.search(r'class="product-price"[^>]*>([^<]*)<', cell)
        shown.append((title, price.group(1) if price else None, link.group(1)))
    return shown


def titles(html):
    return [title for title, _, _ in tiles(html)]


def table_rows(html, css_class):
    """The text of each cell of each row of the table with ``css_class``."""
    table = re.search(rf'<table [^>]*class="{css_class}"[^>]*>(.*?)</table>', html, re.DOTALL).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL) for row in rows]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in cells]


def test_an_order_email_recommends_what_goes_with_the_order_not_what_was_ordered():
    kettle, filters, dripper, mug = create_catalogue(4)
    recommend(kettle, filters, mug, dripper)
    order = place_order((kettle, 1), (filters, 1))

    html = render([grid("recommendations")], order=order)

    assert tiles(html) == [
        ("Product 4", "€40.00", SHOP + mug.get_absolute_url()),
        ("Product 3", "€30.00", SHOP + dripper.get_absolute_url()),
    ]
    assert "Picked for you" in html


def test_a_viewed_product_brings_its_own_recommendations():
    viewed, recommended, _ = create_catalogue(3)
    recommend(viewed, recommended)

    assert titles(render([grid("recommendations")], product=viewed)) == ["Product 2"]


def test_a_fixed_grid_shows_the_chosen_products_in_the_chosen_order():
    first, second, third = create_catalogue(3)

    html = render([grid("fixed", products=[third, first], columns="2")])

    assert tiles(html) == [
        ("Product 3", "€30.00", SHOP + third.get_absolute_url()),
        ("Product 1", "€10.00", SHOP + first.get_absolute_url()),
    ]


def test_category_best_sellers_come_most_sold_first_subcategories_included():
    arabica, robusta, decaf, tea = create_catalogue(4)
    coffee = create_category("Coffee", [arabica, robusta])
    create_category("Decaf", [decaf], parent=coffee)
    place_order((decaf, 5))
    place_order((arabica, 2))
    place_order((arabica, 1))
    place_order((tea, 9))

    html = render([grid("category_best_sellers", category=coffee)])

    assert titles(html) == ["Product 3", "Product 1", "Product 2"]


def test_the_basket_table_shows_quantities_line_prices_and_the_total():
    kettle, _, dripper = create_catalogue(3)
    basket = create_basket((kettle, 2), (dripper, 1))

    html = render([("basket_lines", None)], basket=basket)

    assert table_rows(html, "basket") == [
        ["Product", "Quantity", "Price"],
        ["Product 1", "2", "€20.00"],
        ["Product 3", "1", "€30.00"],
        ["Total", "€50.00"],
    ]
    assert f'href="{SHOP}{kettle.get_absolute_url()}"' in html


def test_basket_prices_are_those_of_when_it_was_filled_or_else_the_stock_record():
    kettle, dripper = create_catalogue(2)
    basket = create_basket((kettle, 1), (dripper, 2))
    kettle.stockrecords.update(price="99.00")
    basket.lines.filter(product=dripper).update(price_incl_tax=None)
    dripper.stockrecords.update(price="25.00")

    rows = table_rows(render([("basket_lines", None)], basket=basket), "basket")

    assert rows[1:] == [["Product 1", "1", "€10.00"], ["Product 2", "2", "€50.00"], ["Total", "€60.00"]]


def test_a_basket_grid_shows_what_the_basket_holds():
    kettle, _, dripper = create_catalogue(3)
    basket = create_basket((dripper, 1), (kettle, 3))

    html = render([grid("basket", heading="Still in your basket")], basket=basket)

    assert titles(html) == ["Product 3", "Product 1"]


@pytest.mark.parametrize("source, trigger", [
    ("basket", "guest without a basket"),
    ("recommendations", "order without recommendations"),
    ("recommendations", "nothing"),
    ("category_best_sellers", "empty category"),
])
def test_a_grid_with_nothing_to_show_leaves_no_trace(source, trigger):
    product, = create_catalogue(1)
    context = {"order": place_order((product, 1))} if trigger == "order without recommendations" else {}

    html = render([
        ("text", "<p>Hello</p>"),
        grid(source, category=create_category("Empty")),
        ("basket_lines", None),
    ], **context)

    assert "Hello" in html
    assert "Picked for you" not in html
    assert "product-grid" not in html and 'class="basket"' not in html


def test_product_images_are_absolute_square_thumbnails():
    pictured, plain = create_catalogue(2)
    add_product_image(pictured)

    html = render([grid("fixed", products=[pictured, plain], columns="2")])

    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 1
    assert re.search(rf'src="{SHOP}/media/cache/[^"]+"', images[0])
    assert 'width="250"' in images[0] and 'height="250"' in images[0]


def grid_value(**fields):
    block = ProductGridBlock()
    return block, block.to_python({
        "heading": "", "source": "recommendations", "products": [], "category": None,
        "max_products": 3, "columns": "3", **fields,
    })


def refusal(**fields):
    block, value = grid_value(**fields)
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    return {name: error.messages for name, error in refused.value.block_errors.items()}


def test_a_fixed_grid_without_products_is_refused():
    assert refusal(source="fixed") == {"products": ["Choose at least one product to show."]}


def test_best_sellers_without_a_category_are_refused():
    assert refusal(source="category_best_sellers") == {
        "category": ["Choose the category whose best sellers to show."]
    }


def test_a_grid_heading_takes_only_merge_tags_from_the_whitelist():
    assert list(refusal(heading="For {{ user.password }}")) == ["heading"]


def test_a_grid_whose_source_needs_no_choice_is_accepted():
    block, value = grid_value(heading="For you, {{ first_name }}")
    assert block.clean(value)["source"] == "recommendations"


def test_two_columns_take_only_merge_tags_from_the_whitelist():
    body = EmailBodyBlock()
    value = body.to_python([
        {"type": "two_columns", "value": {"left": "<p>{{ user.password }}</p>", "right": "<p>Hi</p>"}},
    ])

    with pytest.raises(StreamBlockValidationError) as refused:
        body.clean(value)

    [message] = refused.value.block_errors[0].block_errors["left"].messages
    assert message.startswith("{{ user.password }} is not a merge tag.")


def grid_form(source, *, products=(), category=None):
    """The product grid as the editor's browser posts it."""
    chosen = {str(index): {"value": product.pk, "deleted": "", "order": str(index), "id": ""}
              for index, product in enumerate(products)}
    return ("product_grid", {
        "heading": "", "source": source, "products": {"count": str(len(products)), **chosen},
        "category": category.pk if category else "", "max_products": "3", "columns": "3",
    })


@pytest.fixture
def editor(client):
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw"))
    return client


@pytest.mark.parametrize("source, message", [
    ("fixed", "Choose at least one product to show."),
    ("category_best_sellers", "Choose the category whose best sellers to show."),
])
def test_the_editor_is_told_what_the_grid_is_missing(editor, source, message):
    response = editor.post(journey_url("add"), journey_form(steps=[step_form(body=[grid_form(source)])]))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Journey.objects.exists()


def test_the_editor_saves_a_grid_of_chosen_products(editor):
    first, second = create_catalogue(2)

    response = editor.post(journey_url("add"), journey_form(
        steps=[step_form(body=[grid_form("fixed", products=[second, first])])], action="action-publish",
    ))

    assert response.status_code == 302, response.content.decode()[:3000]
    step = Journey.objects.get().steps.get()
    contact = contact_for("ana@example.com")
    assert titles(render_step(step, contact, enrollment=Enrollment(contact=contact)).html) == [
        "Product 2", "Product 1",
    ]


def test_an_image_is_an_absolute_rendition_sized_for_the_email():
    Collection.add_root(name="Root")
    picture = get_image_model().objects.create(title="Banner", file=image_file("banner.png", (1200, 400)))

    html = render([("image", {"image": picture, "alt_text": "Autumn roasts", "link": "/offers/"})])

    image = re.search(r"<img [^>]*>", html).group(0)
    assert re.search(rf'src="{SHOP}/media/images/[^"]+"', image)
    assert 'width="536"' in image and 'height="178"' in image and 'alt="Autumn roasts"' in image
    assert f'href="{SHOP}/offers/"' in html


def test_two_columns_sit_side_by_side_and_stack_on_a_phone():
    html = render([
        ("two_columns", {"left": "<p>Fresh beans</p>", "right": "<p>Free delivery</p>"}),
        ("spacer", "large"),
    ])

    columns = re.findall(r'<td [^>]*class="column [^"]*"[^>]*>(.*?)</td>', html, re.DOTALL)
    assert ["Fresh beans" in columns[0], "Free delivery" in columns[1]] == [True, True]
    phone_rules = re.search(r"@media [^{]*max-width: 620px\) \{(.*?)\n\}", html, re.DOTALL).group(1)
    assert ".column { display: block !important; width: 100% !important;" in phone_rules
    assert 'height="64"' in html


# Beyond rendering the same step without the grid: the grid's products with their
# prices and images (one query), after Wagtail loads the chosen products or category (one).
QUERIES_PER_GRID = {"fixed": 2, "basket": 1, "recommendations": 1, "category_best_sellers": 2}


@pytest.mark.parametrize("count", [1, 6])
@pytest.mark.parametrize("source", sorted(QUERIES_PER_GRID))
def test_a_product_grid_costs_the_same_queries_whatever_its_size(source, count, django_assert_num_queries):
    ordered, *shown = create_catalogue(count + 1)
    for product in shown:
        add_product_image(product)
    recommend(ordered, *shown)
    choices = {
        "fixed": {"products": shown},
        "category_best_sellers": {"category": create_category("Coffee", shown)},
    }.get(source, {})
    journey = create_journey(steps=[
        {"body": [("heading", "Hello")]},
        {"body": [("heading", "Hello"), grid(source, max_products=6, **choices)]},
    ])
    contact = contact_for("ana@example.com")
    enrollment = Enrollment(
        contact=contact, journey=journey, order=place_order((ordered, 1)),
        basket=create_basket(*((product, 1) for product in shown)),
    )
    without_grid, with_grid = (step.pk for step in journey.steps.order_by("sort_order"))

    def queries_to_render(step_pk):
        step = Step.objects.get(pk=step_pk)
        with CaptureQueriesContext(connection) as queries:
            render_step(step, contact, enrollment=enrollment)
        return len(queries)

    queries_to_render(with_grid)  # the first render makes the thumbnails
    baseline = queries_to_render(without_grid)
    step = Step.objects.get(pk=with_grid)

    with django_assert_num_queries(baseline + QUERIES_PER_GRID[source]):
        html = render_step(step, contact, enrollment=enrollment).html

    assert len(tiles(html)) == count
    assert len(re.findall(r'<img [^>]*class="product-image"', html)) == count


def test_shop_data_that_looks_like_a_merge_tag_is_shown_as_it_is():
    mug, kettle = create_catalogue(2)
    mug.title = "The {{ email }} mug"
    mug.save()
    basket = create_basket((mug, 1), (kettle, 1))
    journey = create_journey(steps=[{"body": [grid("basket"), ("basket_lines", None)]}])
    contact = contact_for("ana@example.com")

    rendered = render_step(journey.steps.get(), contact, enrollment=Enrollment(contact=contact, basket=basket))

    assert titles(rendered.html) == ["The {{ email }} mug", "Product 2"], "merge tags never read shop data"
    assert "ana@example.com" not in rendered.html.split('class="footer"')[0]
    assert "The {{ email }} mug" in rendered.text


def test_the_text_part_keeps_table_cells_apart():
    kettle, dripper = create_catalogue(2)
    journey = create_journey(steps=[{"body": [("basket_lines", None)]}])
    contact = contact_for("ana@example.com")
    basket = create_basket((kettle, 2), (dripper, 1))

    text = render_step(journey.steps.get(), contact, enrollment=Enrollment(contact=contact, basket=basket)).text

    assert re.search(r"Product 1 \(https://shop\.test/\S+\)\s{2,}2\s{2,}€20\.00", text), text
