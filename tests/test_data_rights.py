"""A contact's data rights in the admin: export everything held on them as JSON, and erase their
personal data while the shop keeps its numbers and never mails that contact again."""

import html
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Sum
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.contacts import record_change
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import (
    ConsentEvent,
    Contact,
    Conversion,
    Enrollment,
    Message,
    MessageEvent,
    SurveyResponse,
)
from oscar_lifecycle.surveys import record_rating
from oscar_lifecycle.tracking.events import record_event
from tests.shop import checkout, create_journey, register

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
EMAIL = "ada@example.com"
IP_ADDRESS = "203.0.113.7"
# What identifies the person: none of it may survive an erasure anywhere the shop can read it.
IDENTIFYING = [EMAIL, "Ada", "Lovelace", "1990-12-10", "Dec. 10, 1990", "Firefox/133.0", IP_ADDRESS, "ref=ada",
               "crushed box"]


@dataclass
class Story:
    contact: Contact
    order: object
    start: datetime
    outbox: list

    def url(self, name):
        return reverse(f"oscar_lifecycle_contacts:{name}", args=[self.contact.pk])


def at(moment):
    return time_machine.travel(moment, tick=False)


def click_link(email):
    return re.findall(r'https://shop\.test(/lifecycle/c/[^"]+)"', email.alternatives[0][0])[0]


@pytest.fixture
def owner(client_class):
    owner = client_class()
    owner.force_login(get_user_model().objects.create_superuser("owner", "owner@shop.test", "pw"))
    return owner


@pytest.fixture
def story(client, client_class, owner, catalogue, outbox, soft_opt_in_for_all):
    """Ada registers and gets a welcome (on the legacy soft opt-in: her data is what this is
    about); the shop names her; she clicks, buys (the click earns the order), gets the second
    email, opens it, rates her order; her third email is due on day 3."""
    create_journey("Welcome", steps=[
        {"delay_hours": 0, "subject": "Welcome {{ first_name|default:\"friend\" }}"},
        {"delay_days": 1, "subject": "A day later, {{ first_name }}"},
        {"delay_days": 2, "subject": "Still there, {{ first_name }}?"},
    ])
    start = timezone.now()
    with at(start):
        register(client, EMAIL)
        run_lifecycle(start)
    contact = Contact.objects.get(email=EMAIL)
    ticked_the_box = RequestFactory().post("/newsletter/", REMOTE_ADDR=IP_ADDRESS, HTTP_USER_AGENT=BROWSER)
    record_change(contact, source="newsletter box", consent=Contact.Consent.GRANTED, request=ticked_the_box,
                  wording="Send me news and offers")
    edited = owner.post(reverse("oscar_lifecycle_contacts:edit", args=[contact.pk]), {
        "first_name": "Ada", "last_name": "Lovelace", "locale": "en", "birth_date": "1990-12-10"})
    assert edited.status_code == 302
    with at(start + timedelta(hours=1)):
        assert client_class().get(click_link(outbox[0]), HTTP_USER_AGENT=BROWSER).status_code == 302
        record_event(Message.objects.get(subject="Welcome friend"), MessageEvent.Kind.CLICKED,
                     source=MessageEvent.Source.REDIRECT, url="https://shop.test/catalogue/?ref=ada",
                     user_agent=BROWSER)
    with at(start + timedelta(hours=2)):
        checkout(client, catalogue[0])
        run_lifecycle(start + timedelta(hours=2))
    order = Order.objects.get()
    second_day = start + timedelta(days=1, minutes=1)
    with at(second_day):
        run_lifecycle(second_day)
        record_event(Message.objects.get(subject="A day later, Ada"), MessageEvent.Kind.OPENED,
                     source=MessageEvent.Source.PIXEL, user_agent=BROWSER)
    contact.refresh_from_db()
    record_rating(contact, Enrollment.objects.get(contact=contact), order, 4, "Nice, but a crushed box")
    assert [email.subject for email in outbox] == ["Welcome friend", "A day later, Ada"]
    assert Conversion.objects.get().message.subject == "Welcome friend"
    return Story(contact, order, start, outbox)


def the_numbers():
    return {
        "messages": list(Message.objects.order_by("pk").values_list(
            "status", "journey__name", "step_id", "sent_at", "open_count", "click_count")),
        "revenue": Conversion.objects.aggregate(total=Sum("revenue"))["total"],
        "ratings": list(SurveyResponse.objects.values_list("rating", "order")),
    }


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_the_export_holds_everything_held_on_the_contact(story, owner):
    response, export = download(owner, story.url("export"))

    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="contact-{story.contact.pk}.json"'
    person = export["contact"]
    assert (person["email"], person["first_name"], person["last_name"], person["birth_date"]) == (
        EMAIL, "Ada", "Lovelace", "1990-12-10")
    assert person["consent"] == "granted" and person["user_id"] == story.contact.user_id

    assert [(event["source"], event["consent"], event["ip_address"], event["wording"])
            for event in export["consent_events"]] == [
        ("newsletter box", "granted", IP_ADDRESS, "Send me news and offers")]
    assert datetime.fromisoformat(export["consent_events"][0]["created_at"]) <= timezone.now()
    proof_fields = {field.attname for field in ConsentEvent._meta.concrete_fields} - {"contact_id"}
    assert proof_fields <= set(export["consent_events"][0])

    assert [(message["subject"], message["status"], message["to_email"]) for message in export["messages"]] == [
        ("Welcome friend", "sent", EMAIL), ("A day later, Ada", "sent", EMAIL)]
    welcome, second = export["messages"]
    assert (welcome["click_count"], second["open_count"]) == (2, 1)
    assert datetime.fromisoformat(second["sent_at"]) == story.start + timedelta(days=1, minutes=1)

    events = {(event["message"], event["kind"], event["url"], event["is_machine"])
              for event in export["message_events"]}
    assert events == {
        (welcome["id"], "clicked", "https://shop.test/catalogue/?ref=ada", False),
        (welcome["id"], "clicked", "https://shop.test/catalogue/", False),
        (second["id"], "opened", "", False),
    }
    assert {event["user_agent"] for event in export["message_events"]} == {BROWSER}

    [enrollment] = export["enrollments"]
    assert (enrollment["journey"], enrollment["state"]) == ("Welcome", "active")
    assert [(rating["order"], rating["rating"], rating["comment"]) for rating in export["ratings"]] == [
        (story.order.number, 4, "Nice, but a crushed box")]
    [conversion] = export["conversions"]
    assert (conversion["order"], Decimal(conversion["revenue"]), conversion["currency"]) == (
        story.order.number, story.order.total_incl_tax, "EUR")
    assert conversion["message"] == welcome["id"]
    assert [(activity["kind"], activity["order"]) for activity in export["activities"]] == [
        ("registered", None), ("checkout_started", None), ("order_placed", story.order.number)]


# Where the admin shows the person before erasure, and what of them it shows.
ADMIN_PAGES = {
    "contact": (["inspect"], [EMAIL, "Ada", "Lovelace", "Dec. 10, 1990", "ref=ada", "crushed box"]),
    "contact history": (["history"], [EMAIL]),
    "contacts": ("oscar_lifecycle_contacts:index", [EMAIL, "Ada", "Lovelace"]),
    "messages log": ("oscar_lifecycle_messages:index", [EMAIL, "Ada"]),
    "ratings": ("oscar_lifecycle_ratings:index", [EMAIL, "crushed box"]),
    "revenue": ("oscar_lifecycle_conversions:index", [EMAIL]),
    "site history": ("wagtailadmin_reports:site_history", [EMAIL]),
}


def admin_pages(client, story):
    pages = {}
    for name, (where, _shown) in ADMIN_PAGES.items():
        response = client.get(story.url(where[0]) if isinstance(where, list) else reverse(where))
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def test_an_erased_contact_is_gone_from_the_admin(story, owner):
    before = admin_pages(owner, story)
    for name, (_where, shown) in ADMIN_PAGES.items():
        assert [value for value in shown if value not in before[name]] == [], name

    response = owner.post(story.url("erase"), follow=True)

    assert response.redirect_chain == [(story.url("inspect"), 302)]
    assert "Personal data erased." in response.content.decode()
    contact = Contact.objects.get(pk=story.contact.pk)
    assert contact.email == f"erased-{contact.pk}@erased.invalid"
    assert (contact.first_name, contact.last_name, contact.locale, contact.birth_date, contact.user) == (
        "", "", "", None, None)
    assert (contact.status, contact.consent) == (Contact.Status.UNSUBSCRIBED, Contact.Consent.WITHDRAWN)
    erasure = contact.consent_events.last()
    assert (erasure.source, erasure.actor.username) == ("erasure request (admin)", "owner")

    after = admin_pages(owner, story)
    for name, page in after.items():
        assert [value for value in IDENTIFYING if value in page] == [], name
    assert "Personal data erased" in after["site history"]
    assert story.order.number in after["revenue"]

    _, export = download(owner, story.url("export"))
    assert [value for value in IDENTIFYING if value in json.dumps(export, ensure_ascii=False)] == []
    assert export["activities"] == []
    assert [(rating["rating"], rating["comment"]) for rating in export["ratings"]] == [(4, "")]


def test_the_emails_sent_to_an_erased_contact_are_gone_from_the_message_log(story, owner):
    pages = {message.subject: reverse("oscar_lifecycle_messages:inspect", args=[message.pk])
             for message in Message.objects.all()}
    second = owner.get(pages["A day later, Ada"]).content.decode()
    assert "Hello Ada" in html.unescape(second) and EMAIL in second, "the email as it went out"
    _, export = download(owner, story.url("export"))
    assert ["Hello Ada" in (message["text_as_sent"] or "") for message in export["messages"]] == [False, True]

    owner.post(story.url("erase"))

    for url in pages.values():
        page = html.unescape(owner.get(url).content.decode())
        assert [value for value in IDENTIFYING if value in page] == []
        assert "The copy of this email was erased with the contact's personal data." in page
    assert not Message.objects.filter(sent_copy__isnull=False).exists()


def test_nothing_more_is_sent_after_erasure_and_the_numbers_stay(story, owner, client, catalogue):
    numbers = the_numbers()
    third_day = story.start + timedelta(days=3, minutes=2)
    with at(third_day):
        assert Enrollment.objects.get().next_run_at <= third_day, "the third email is due"
        client.get(catalogue[1].get_absolute_url())  # seen by the runner only after the erasure
        owner.post(story.url("erase"))
        run_lifecycle(third_day)

    assert [email.subject for email in story.outbox] == ["Welcome friend", "A day later, Ada"]
    assert the_numbers() == numbers
    assert Message.objects.filter(contact=story.contact).count() == 2
    enrollment = Enrollment.objects.get()
    assert (enrollment.state, enrollment.reason) == (Enrollment.State.EXITED, "contact erased")
    assert Conversion.objects.get().revenue == story.order.total_incl_tax
    assert list(Contact.objects.values_list("pk", flat=True)) == [story.contact.pk], "no contact came back"


def test_a_bounced_contact_stays_bounced_and_the_bounce_report_loses_the_address(story, owner):
    message = Message.objects.get(subject="A day later, Ada")
    record_event(message, MessageEvent.Kind.BOUNCED, source=MessageEvent.Source.ESP,
                 description=f"550 5.1.1 <{EMAIL}>: mailbox unknown")
    assert f"by ESP: bounced ({EMAIL})" in owner.get(story.url("inspect")).content.decode()

    owner.post(story.url("erase"))

    contact = Contact.objects.get(pk=story.contact.pk)
    assert (contact.status, contact.consent) == (Contact.Status.BOUNCED, Contact.Consent.WITHDRAWN)
    page = owner.get(story.url("inspect")).content.decode()
    assert EMAIL not in page
    assert f"by ESP: bounced (erased-{contact.pk}@erased.invalid)" in page


def test_looking_at_the_erase_page_changes_nothing(story, owner):
    before = json.loads(owner.get(story.url("export")).content)

    page = owner.get(story.url("erase"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "the 2 emails sent to the contact stay in the statistics" in text
    assert "the 3 recorded activities" in text and "the journey under way ends" in text
    after = json.loads(owner.get(story.url("export")).content)
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before


def admin_user(username, *permissions):
    user = get_user_model().objects.create_user(username, f"{username}@shop.test", "pw")
    group = Group.objects.create(name=f"{username} group")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", *permissions]))
    user.groups.add(group)
    return user


def refused(client, method, url):
    response = getattr(client, method)(url, follow=True)
    return (response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
            and "Sorry, you do not have permission to access this area." in response.content.decode())


def test_export_needs_the_view_permission_and_erasure_the_delete_permission(story, client_class):
    outsider, viewer, eraser = client_class(), client_class(), client_class()
    outsider.force_login(admin_user("outsider"))
    viewer.force_login(admin_user("viewer", "view_contact"))
    eraser.force_login(admin_user("eraser", "view_contact", "delete_contact"))

    assert refused(outsider, "get", story.url("export"))
    assert refused(viewer, "get", story.url("erase"))
    assert refused(viewer, "post", story.url("erase"))
    assert Contact.objects.get(pk=story.contact.pk).email == EMAIL

    viewer_page = viewer.get(story.url("inspect")).content.decode()
    assert story.url("export") in viewer_page and story.url("erase") not in viewer_page
    assert download(viewer, story.url("export"))[1]["contact"]["email"] == EMAIL
    eraser_page = eraser.get(story.url("inspect")).content.decode()
    assert story.url("export") in eraser_page and story.url("erase") in eraser_page

    eraser.post(story.url("erase"))
    assert Contact.objects.get(pk=story.contact.pk).email != EMAIL

