"""Previews and test sends show a made-up customer with products of the catalogue, never a real
customer; an editor allowed to see contacts may choose a real order instead."""

import html
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from wagtail.test.utils.form_data import rich_text

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.content.preview import journey_preview_context
from tests.admin import journey_form, journey_url, step_form
from tests.shop import (
    create_basket,
    create_catalogue,
    create_category,
    create_journey,
    place_order,
    recommend,
)

pytestmark = pytest.mark.django_db

JOURNEY_PERMISSIONS = ["access_admin", "add_journey", "change_journey", "publish_journey"]


def cms_user(username, *permissions):
    user = get_user_model().objects.create_user(username, f"{username}@shop.test", "pw")
    group = Group.objects.create(name=f"{username} group")
    group.permissions.set(Permission.objects.filter(codename__in=[*JOURNEY_PERMISSIONS, *permissions]))
    user.groups.add(group)
    return user


@pytest.fixture
def editor(client):
    """May write journeys, not see contacts."""
    client.force_login(cms_user("editor"))
    return client


@pytest.fixture
def contact_viewer(client):
    client.force_login(cms_user("manager", "view_contact"))
    return client


@pytest.fixture
def real_order():
    """A shop with a real customer, Ada Lovelace: her order of Product 3 and an open basket.
    Product 1 goes with Product 4, Product 3 with Product 2."""
    kettle, filters, dripper, mug = create_catalogue(4)
    recommend(kettle, mug)
    recommend(dripper, filters)
    ada = get_user_model().objects.create_user(
        "ada", "ada.lovelace@example.com", "pw", first_name="Ada", last_name="Lovelace"
    )
    contact = contact_for(ada.email, user=ada)
    contact.first_name, contact.last_name = "Ada", "Lovelace"
    contact.save()
    create_basket((mug, 2), owner=ada)
    return place_order((dripper, 1), user=ada)


def real_customer(order):
    return ["Lovelace", "ada.lovelace@example.com", str(order.number)]


BODY = [
    ("heading", "Hello {{ first_name }} {{ last_name }}"),
    ("text", "<p>Written to {{ email }}.</p>"),
    ("product_grid", {"heading": "Goes with your order", "source": "recommendations", "products": [],
                      "category": None, "max_products": 3, "columns": "3"}),
    ("basket_lines", None),
]


def body_as_posted():
    """BODY as the editor's browser posts it."""
    grid = dict(BODY[2][1], products={"count": "0"}, category="", max_products="3")
    return [BODY[0], ("text", rich_text(BODY[1][1])), ("product_grid", grid), ("basket_lines", "")]


def edit_in_preview(client):
    """What the editor's browser posts as they type: a new journey with one step of BODY."""
    response = client.post(journey_url("preview_on_add"), journey_form(
        steps=[step_form("For {{ first_name }}", body=body_as_posted())]
    ))
    assert response.json()["is_valid"] is True


def preview(client, query=""):
    """The preview panel of what the editor typed: the page and the emails in it."""
    response = client.get(journey_url("preview_on_add") + query)
    assert response.status_code == 200
    page = response.content.decode()
    return page, [html.unescape(email) for email in re.findall(r'srcdoc="([^"]*)"', page)]


def grid_titles(email):
    return re.findall(r'class="product-title"[^>]*>([^<]*)<', email)


def basket_rows(email):
    """The text of each cell of each row of the email's basket table."""
    table = re.search(r'<table [^>]*class="basket"[^>]*>(.*?)</table>', email, re.DOTALL).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL) for row in rows]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in cells]


def shows_none_of(text, words):
    return [word for word in words if word in text] == []


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy}


def test_an_editor_previews_a_made_up_customer_with_products_of_the_catalogue(editor, real_order):
    edit_in_preview(editor)
    page, [email] = preview(editor)

    assert shows_none_of(page, real_customer(real_order)), "no real customer in the preview"
    assert "Hello Alex Martin" in email and "Written to sample.customer@example.com." in email
    assert "Shown to a made-up customer, sample.customer@example.com" in page
    assert grid_titles(email) == ["Product 2", "Product 4"], "what goes with the made-up order"
    assert basket_rows(email) == [
        ["Product", "Quantity", "Price"],
        ["Product 1", "1", "€10.00"],
        ["Product 3", "1", "€30.00"],
        ["Total", "€40.00"],
    ], "a made-up basket of the products that have recommendations"
    assert 'name="order"' not in page, "no real order to choose without the right to see contacts"


def test_an_editor_test_sends_as_the_made_up_customer(editor, real_order):
    journey = create_journey("Cross-sell", steps=[{"subject": "For {{ first_name }}", "body": BODY}])
    form = editor.get(journey_url("send_test", journey)).content.decode()
    assert 'name="order"' not in form

    response = editor.post(journey_url("send_test", journey), {"step": 0, "to_email": "me@shop.test"})

    assert response.status_code == 302
    [email] = mail.outbox
    body = email.alternatives[0][0]
    assert email.to == ["me@shop.test"] and email.subject == "[Test] For Alex"
    assert shows_none_of(body + email.body, real_customer(real_order))
    assert "Hello Alex Martin" in body
    assert grid_titles(body) == ["Product 2", "Product 4"]
    assert [row[0] for row in basket_rows(body)] == ["Product", "Product 1", "Product 3", "Total"]


def test_a_preview_writes_nothing_and_fills_its_basket_with_what_shoppers_can_buy(editor):
    hidden, sold_out, *_ = create_catalogue(4)
    hidden.is_public = False
    hidden.save()
    sold_out.stockrecords.update(num_in_stock=0)
    edit_in_preview(editor)
    before = row_counts()

    page, [email] = preview(editor)

    assert row_counts() == before
    assert basket_rows(email)[1:] == [["Product 3", "1", "€30.00"], ["Product 4", "1", "€40.00"],
                                      ["Total", "€70.00"]]


def test_the_made_up_order_brings_up_sells_from_its_categories():
    create_category("Coffee", create_catalogue(4))
    journey = create_journey("Up-sell", steps=[{"body": [
        ("product_grid", dict(BODY[2][1], source="upsell", heading="Treat yourself")),
    ]}])

    [step_preview] = journey_preview_context(journey, "")["previews"]

    assert grid_titles(step_preview["rendered"].html) == ["Product 3", "Product 4"], (
        "priced above the made-up order's dearest product (Product 2)"
    )


def test_a_user_allowed_to_see_contacts_previews_a_real_order_until_they_go_back(contact_viewer, real_order):
    edit_in_preview(contact_viewer)
    page, [email] = preview(contact_viewer, f"?order={real_order.number}")

    assert f"Shown to the customer of order {real_order.number}, ada.lovelace@example.com." in page
    assert "Hello Ada Lovelace" in email and "Written to ada.lovelace@example.com." in email
    assert grid_titles(email) == ["Product 2"], "what goes with her order"
    assert basket_rows(email)[1:] == [["Product 3", "1", "€30.00"], ["Total", "€30.00"]]

    page, [email] = preview(contact_viewer)
    assert "Hello Ada Lovelace" in email, "the panel reloads as the editor types, and keeps the order"

    page, [email] = preview(contact_viewer, "?order=")
    assert "Hello Alex Martin" in email and shows_none_of(page, real_customer(real_order))


def test_a_user_allowed_to_see_contacts_test_sends_the_real_order_they_choose(contact_viewer, real_order):
    grace = get_user_model().objects.create_user(
        "grace", "grace.hopper@example.com", "pw", first_name="Grace", last_name="Hopper"
    )
    place_order((real_order.lines.get().product, 1), user=grace)
    journey = create_journey("Cross-sell", steps=[{"subject": "For {{ first_name }}", "body": BODY}])
    assert 'name="order"' in contact_viewer.get(journey_url("send_test", journey)).content.decode()

    response = contact_viewer.post(journey_url("send_test", journey),
                                   {"step": 0, "to_email": "me@shop.test", "order": real_order.number})

    assert response.status_code == 302
    [email] = mail.outbox
    assert email.to == ["me@shop.test"] and email.subject == "[Test] For Ada"
    assert "Hello Ada Lovelace" in email.alternatives[0][0], "her order, not the latest one (Grace's)"


def test_an_unknown_order_number_is_refused_not_an_error(contact_viewer, real_order):
    edit_in_preview(contact_viewer)
    page, [email] = preview(contact_viewer, "?order=NO-SUCH-ORDER")
    assert "No order has the number NO-SUCH-ORDER." in page
    assert "Hello Alex Martin" in email

    journey = create_journey("Cross-sell", steps=[{"body": BODY}])
    response = contact_viewer.post(journey_url("send_test", journey),
                                   {"step": 0, "to_email": "me@shop.test", "order": "NO-SUCH-ORDER"})
    assert response.status_code == 200
    assert "No order has the number NO-SUCH-ORDER." in response.content.decode()
    assert mail.outbox == []


def test_a_forged_order_number_shows_nothing_of_the_customer(editor, real_order):
    edit_in_preview(editor)
    page, [email] = preview(editor, f"?order={real_order.number}")
    assert shows_none_of(page, real_customer(real_order))
    assert "Hello Alex Martin" in email

    journey = create_journey("Cross-sell", steps=[{"subject": "For {{ first_name }}", "body": BODY}])
    response = editor.post(journey_url("send_test", journey),
                           {"step": 0, "to_email": "me@shop.test", "order": real_order.number})
    assert response.status_code == 302
    [email] = mail.outbox
    assert email.subject == "[Test] For Alex"
    assert shows_none_of(email.alternatives[0][0] + email.body, real_customer(real_order))
