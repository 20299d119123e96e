"""Every email carries a working one-click unsubscribe; a forged link is a 404, not a 500."""

import re

import pytest
from django.urls import reverse

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Contact, Message
from tests.shop import create_journey, subscriber

pytestmark = pytest.mark.django_db


def unsubscribe_path(email):
    url = re.search(r'href="(https://shop\.test/lifecycle/unsubscribe/[^"]+)"', email.alternatives[0][0]).group(1)
    assert email.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return url.removeprefix("https://shop.test")


def test_the_link_in_the_email_unsubscribes_after_confirmation(client, outbox):
    create_journey(steps=[{"delay_hours": 0}, {"delay_hours": 0}])
    enroll("registration", subscriber("leaving@example.com"))
    dispatch_due()
    path = unsubscribe_path(outbox[0])

    response = client.get(path)
    assert response.status_code == 200 and b"leaving@example.com" in response.content
    assert Contact.objects.get().status == Contact.Status.ACTIVE, "a GET (link scanner) changes nothing"

    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    contact = Contact.objects.get()
    assert (contact.status, contact.consent) == (Contact.Status.UNSUBSCRIBED, Contact.Consent.WITHDRAWN)
    assert contact.consent_events.get().source == "unsubscribe link"

    dispatch_due()
    assert len(outbox) == 1
    assert Message.objects.filter(status=Message.Status.SUPPRESSED).count() == 1


@pytest.mark.parametrize("token", ["garbage", "MQ:1xW8KK:forgedsignature", "Ig:" + "x" * 40])
def test_a_forged_token_is_a_404(client, token):
    contact_for("victim@example.com")
    response = client.post(reverse("oscar_lifecycle:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert Contact.objects.get().status == Contact.Status.ACTIVE
