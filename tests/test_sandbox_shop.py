"""The demo shop `make sandbox` opens: its catalogue pages list the demo products, its links
follow the address it serves on."""

import io
import re
import runpy

import haystack
import pytest
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.http.request import validate_host
from oscar.core.loading import get_model

from oscar_lifecycle.models import LifecycleSettings
from sandbox import settings as sandbox_settings
from sandbox.demo.management.commands.lifecycle_demo_data import CATALOGUE
from sandbox.demo.pictures import product_picture

pytestmark = pytest.mark.django_db

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")


@pytest.fixture
def sandbox_search_index(settings, tmp_path):
    """The sandbox's search backend, with its index in tmp_path instead of beside its database
    (and the thumbnails the catalogue pages make in tmp_path, not in sandbox/media/).

    Haystack reads HAYSTACK_CONNECTIONS once, so its connections are swapped by hand.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HAYSTACK_CONNECTIONS = {
        "default": {**sandbox_settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(tmp_path / "index")}
    }
    tests_connections = haystack.connections.connections_info
    haystack.connections.connections_info = settings.HAYSTACK_CONNECTIONS
    haystack.connections.reload("default")
    yield
    haystack.connections.connections_info = tests_connections
    haystack.connections.reload("default")
    Site.objects.clear_cache()  # the demo data renamed the Site; the rollback does not tell the cache


DEMO_TITLES = {title for shelf in CATALOGUE.values() for title, _ in shelf}


def titles_on(response):
    page = response.content.decode()
    return {title for title in DEMO_TITLES if title in page}


def test_a_shopper_sees_the_demo_products(client, sandbox_search_index):
    call_command("lifecycle_demo_data", stdout=io.StringIO())
    call_command("lifecycle_demo_data", stdout=io.StringIO())  # idempotent: nothing listed twice

    catalogue = client.get("/catalogue/")
    assert catalogue.context["paginator"].count == len(DEMO_TITLES) == 24
    assert len(titles_on(catalogue)) == 20  # OSCAR_PRODUCTS_PER_PAGE
    assert titles_on(catalogue) | titles_on(client.get("/catalogue/?page=2")) == DEMO_TITLES
    assert titles_on(client.get("/", follow=True)) == titles_on(catalogue)
    assert ProductImage.objects.count() == 24, "one picture each, however often it runs"

    coffee = client.get(Category.objects.get(name="Coffee").get_absolute_url())
    assert titles_on(coffee) == {title for title, _ in CATALOGUE["Coffee"]}
    assert "Ethiopia Yirgacheffe" in titles_on(coffee)


def test_each_demo_product_shows_its_own_picture_and_the_emails_a_logo(client, sandbox_search_index, settings):
    call_command("lifecycle_demo_data", stdout=io.StringIO())

    kenya = Product.objects.get(title="Kenya AA")
    assert kenya.primary_image().original.read() == product_picture("Kenya AA", "Coffee", 3), (
        "drawn at demo-data time, the same every time")
    page = client.get(kenya.get_absolute_url()).content.decode()
    shown = re.search(r'id="product_gallery".*?<img src="/media/([^"]+)"[^>]*alt="Kenya AA"', page, re.DOTALL)
    assert shown, "the product page shows the picture"
    assert (settings.MEDIA_ROOT / shown.group(1)).is_file()
    catalogue = client.get("/catalogue/").content.decode()
    pictures = re.findall(r'<img src="(/media/cache/[^"]+)" alt="[^"]+"', catalogue)
    assert len(set(pictures)) == 20, "a picture of its own for each product, not Oscar's 'image not found'"
    assert LifecycleSettings.current().logo is not None


@pytest.mark.parametrize(
    "host, url, allowed, refused",
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", ["127.0.0.1", "localhost"], ["shop.example"]),
        ("127.0.0.1:8765", "http://127.0.0.1:8765", ["127.0.0.1", "localhost"], ["shop.example"]),
        ("8080", "http://127.0.0.1:8080", ["127.0.0.1"], ["shop.example"]),
        ("shop.local:8000", "http://shop.local:8000", ["shop.local", "127.0.0.1"], ["shop.example"]),
        # Every interface: links for this machine, any Host accepted (the LAN's name for it).
        ("0.0.0.0:8080", "http://localhost:8080", ["localhost", "shop.example"], []),
    ],
)
def test_links_follow_the_address_the_sandbox_serves_on(monkeypatch, host, url, allowed, refused):
    monkeypatch.setenv("SANDBOX_HOST", host)  # what `make sandbox HOST=...` passes
    served = runpy.run_path(sandbox_settings.__file__)
    assert served["OSCAR_LIFECYCLE"]["SITE_URL"] == url
    assert served["WAGTAILADMIN_BASE_URL"] == url
    assert all(validate_host(name, served["ALLOWED_HOSTS"]) for name in allowed)
    assert not any(validate_host(name, served["ALLOWED_HOSTS"]) for name in refused)
