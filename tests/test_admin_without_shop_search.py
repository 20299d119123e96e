"""Oscar's search_form context processor must not put the shop's search box and sort menu in the
headers of the lifecycle admin's pages (Wagtail's headers draw any search_form they find)."""

import pytest
from django.contrib.auth import get_user_model

from oscar_lifecycle.models import Message
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db
SHOP_SORT_MENU = 'name="sort_by"'  # Oscar's search form; Wagtail's own search box has no sort menu


def test_no_lifecycle_admin_page_shows_the_shop_search(client):
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    journey = create_journey()
    contact = subscriber("reader@example.com")
    message = Message.objects.create(contact=contact, to_email=contact.email, subject="Hello", status="sent")
    pages = [f"/cms/lifecycle/journeys/{view}/{journey.pk}/" for view in ("history", "usage", "edit", "delete")]
    pages += [f"/cms/lifecycle/contacts/{view}/{contact.pk}/" for view in ("history", "usage", "inspect", "edit")]
    pages += [f"/cms/lifecycle/messages/inspect/{message.pk}/"]
    pages += ["/cms/lifecycle/journeys/", "/cms/lifecycle/contacts/", "/cms/lifecycle/messages/"]
    shown = []
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        if SHOP_SORT_MENU in response.content.decode():
            shown.append(page)
    assert shown == []


def test_an_editor_searching_the_cms_pages_finds_them(client, settings):
    """Wagtail 8's page search needs its search app (wagtail.search, the modelsearch app): without
    it in INSTALLED_APPS the sandbox's /cms/pages/search/ answered 500. (The test database is built
    without migrations, which make SQLite's full-text table: the search here uses the fallback.)"""
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "modelsearch.backends.database.fallback"}}
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    response = client.get("/cms/pages/search/", {"q": "welcome"})
    assert response.status_code == 200
