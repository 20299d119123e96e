"""Who sees what in /cms/: the Lifecycle menu and its pages need Wagtail permissions."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.models import Message
from tests.admin import admin_user

pytestmark = pytest.mark.django_db

LIFECYCLE_MENU = '"name": "lifecycle", "label": "Lifecycle"'
LIFECYCLE_PAGES = [
    "oscar_lifecycle_journeys:list",
    "oscar_lifecycle_contacts:index",
    "oscar_lifecycle_messages:index",
]


@pytest.mark.parametrize("url_name", LIFECYCLE_PAGES)
def test_a_cms_user_without_lifecycle_permissions_is_refused(client, url_name):
    """Wagtail answers PermissionDenied in its admin with a redirect to the dashboard and
    an error message (a 403 for script requests), as on every admin page."""
    client.force_login(admin_user("outsider"))

    response = client.get(reverse(url_name), follow=True)
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "Sorry, you do not have permission to access this area." in response.content.decode()

    script_request = client.get(reverse(url_name), headers={"x-requested-with": "XMLHttpRequest"})
    assert script_request.status_code == 403


def test_the_menu_is_hidden_without_permissions(client):
    client.force_login(admin_user("outsider"))
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert LIFECYCLE_MENU not in dashboard


def test_an_editor_with_permissions_sees_the_menu_and_pages(client):
    client.force_login(admin_user(
        "editor", "add_journey", "change_journey", "publish_journey", "view_contact", "view_message",
    ))
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert LIFECYCLE_MENU in dashboard
    for url_name in LIFECYCLE_PAGES:
        assert client.get(reverse(url_name)).status_code == 200, url_name


def test_nobody_adds_contacts_or_edits_the_sent_mail_log(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@shop.test", "pw"))
    for url_name in ("oscar_lifecycle_contacts:add", "oscar_lifecycle_messages:add"):
        response = client.get(reverse(url_name), headers={"x-requested-with": "XMLHttpRequest"})
        assert response.status_code == 403, url_name
    message = Message.objects.create(contact=contact_for("log@example.com"), category="marketing",
                                     status="sent", to_email="log@example.com")
    response = client.get(reverse("oscar_lifecycle_messages:edit", args=[message.pk]),
                          headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403
    assert client.get(reverse("oscar_lifecycle_messages:inspect", args=[message.pk])).status_code == 200
