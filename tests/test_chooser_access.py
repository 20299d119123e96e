"""The product, category and journey choosers of the journey editor answer its editors only, and
show only what the shop shows its customers."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from oscar_lifecycle.content.choosers import category_chooser_viewset, product_chooser_viewset
from tests.admin import admin_user
from tests.shop import create_category, create_journey

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")

JOURNEY_CHOOSER = "wagtailsnippetchoosers_oscar_lifecycle_journey"  # Wagtail's for the Journey snippet
EDITOR_PERMISSIONS = ["add_journey", "change_journey"]


def chooser_urls(product, category, journey):
    return [
        reverse(product_chooser_viewset.get_url_name("choose")),
        reverse(product_chooser_viewset.get_url_name("choose_results")),
        reverse(product_chooser_viewset.get_url_name("chosen"), args=[product.pk]),
        f"{reverse(product_chooser_viewset.get_url_name('chosen_multiple'))}?id={product.pk}",
        reverse(category_chooser_viewset.get_url_name("choose")),
        reverse(category_chooser_viewset.get_url_name("choose_results")),
        reverse(category_chooser_viewset.get_url_name("chosen"), args=[category.pk]),
        reverse(f"{JOURNEY_CHOOSER}:choose"),
        reverse(f"{JOURNEY_CHOOSER}:choose_results"),
        reverse(f"{JOURNEY_CHOOSER}:chosen", args=[journey.pk]),
    ]


def listing(client, url, **params):
    """The HTML of a chooser's modal (JSON for Wagtail's modal workflow) or of its results panel."""
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.json()["html"] if response["Content-Type"] == "application/json" else response.content.decode()


def chosen(client, viewset, obj):
    return client.get(reverse(viewset.get_url_name("chosen"), args=[obj.pk]))


def test_a_cms_user_who_may_not_edit_journeys_is_refused_by_every_chooser(client, catalogue):
    """Wagtail's refusal, as on every admin page: the dashboard and its message, a 403 for scripts.
    Seeing journeys, contacts and the sent mail is not editing journeys; a journey editor is answered."""
    urls = chooser_urls(catalogue[0], create_category("Shoes", catalogue), create_journey())
    for user in (admin_user("outsider"), admin_user("reader", "view_journey", "view_contact", "view_message")):
        client.force_login(user)
        for url in urls:
            response = client.get(url, follow=True)
            assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)], (user, url)
            assert "Sorry, you do not have permission to access this area." in response.content.decode()
            script_request = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
            assert script_request.status_code == 403, (user, url)

    client.force_login(admin_user("editor", "change_journey"))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_journey_editor_chooses_among_public_products_only(client, catalogue):
    public, hidden = catalogue[0], catalogue[1]
    hidden.title = "Secret prototype"
    hidden.is_public = False
    hidden.save()
    client.force_login(admin_user("editor", *EDITOR_PERMISSIONS))

    products = listing(client, reverse(product_chooser_viewset.get_url_name("choose")))
    assert public.title in products and "Secret prototype" not in products
    search = listing(client, reverse(product_chooser_viewset.get_url_name("choose_results")), q="secret")
    assert "Secret prototype" not in search
    assert chosen(client, product_chooser_viewset, public).json()["result"]["title"] == public.title
    assert chosen(client, product_chooser_viewset, hidden).status_code == 404
    several = client.get(reverse(product_chooser_viewset.get_url_name("chosen_multiple")),
                         {"id": [public.pk, hidden.pk]})
    assert [item["title"] for item in several.json()["result"]] == [public.title]


def test_a_journey_editor_chooses_among_public_categories_only(client, catalogue):
    shoes = create_category("Shoes", catalogue)
    hidden = create_category("Private sale")
    inside_hidden = create_category("Backstage", parent=hidden)
    hidden.is_public = False
    hidden.save()
    client.force_login(admin_user("editor", *EDITOR_PERMISSIONS))

    categories = listing(client, reverse(category_chooser_viewset.get_url_name("choose")))
    assert "Shoes" in categories
    assert "Private sale" not in categories and "Backstage" not in categories
    assert chosen(client, category_chooser_viewset, shoes).status_code == 200
    assert chosen(client, category_chooser_viewset, hidden).status_code == 404
    assert chosen(client, category_chooser_viewset, inside_hidden).status_code == 404
