"""The pages a contact reaches from every marketing email: their preferences, and unsubscribing.

A GET never changes consent (mail scanners fetch every link); the one-click POST of RFC 8058
(List-Unsubscribe-Post) unsubscribes at once, and a second one changes and logs nothing.
"""

from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..content.render import shop_name
from ..contacts import record_engagement, unsubscribe
from ..models import Contact
from ..optin import awaits_answer, confirm_opt_in, marketing_wording
from ..preferences import LASTING_NO_REASONS, MarketingPreferencesForm
from ..ownership import contact_from_data_link, request_data_link
from ..privacy import erase_contact, export_contact
from ..site_url import site_url
from ..suppression import lasting_no
from ..storable import user_agent_of
from .language import in_language_of
from .machines import is_machine
from .tokens import (
    contact_id_from_confirm_token,
    contact_id_from_preferences_token,
    contact_id_from_unsubscribe_token,
    preferences_url,
    unsubscribe_url,
)


def _contact(token, read_token):
    try:
        contact_id = read_token(token)
    except signing.BadSignature:
        raise Http404("Invalid link") from None
    return get_object_or_404(Contact, pk=contact_id)


def _preferences_page(request, contact, form, *, saved=False, unsubscribed=False, data_link_sent=False):
    return render(request, "oscar_lifecycle/tracking/preferences.html", {
        "contact": contact, "form": form, "saved": saved, "unsubscribed": unsubscribed,
        "data_link_sent": data_link_sent,
        "preferences_url": preferences_url(contact), "unsubscribe_url": unsubscribe_url(contact),
        "shop_name": shop_name(), "site_url": site_url(),
    })


def _form(contact, data=None):
    return MarketingPreferencesForm(data, contact=contact, may_say_yes=False)


def _visited(request, contact):
    """Visiting the page is engagement (the contact reads our mail and answers), unless a link
    scanner fetched it."""
    if not is_machine(user_agent_of(request), None, timezone.now(), request.method):
        record_engagement(contact.pk)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def preferences_view(request, token):
    """The contact's preferences. A POST the form refuses changes nothing, not even the contact's
    last engagement: only a visit (GET) or saved choices count as the contact answering."""
    contact = _contact(token, contact_id_from_preferences_token)
    with in_language_of(contact):
        if request.method == "POST":
            form = _form(contact, request.POST)
            if form.is_valid():
                _visited(request, contact)
                form.save(request=request, source=_("preferences page"))
                contact.refresh_from_db()
                return _preferences_page(request, contact, _form(contact), saved=True)
            return _preferences_page(request, contact, form)
        _visited(request, contact)
        return _preferences_page(request, contact, _form(contact))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm_view(request, token):
    """The double opt-in link: GET shows a button (mail scanners follow links, people press
    buttons), POST confirms the subscription with its proof."""
    contact = _contact(token, contact_id_from_confirm_token)
    with in_language_of(contact):
        if request.method == "POST":
            confirm_opt_in(contact, request)
        lasting = lasting_no(contact)
        return render(request, "oscar_lifecycle/tracking/confirm.html", {
            "contact": contact, "wording": marketing_wording(), "shop_name": shop_name(), "site_url": site_url(),
            "confirmed": contact.consent == Contact.Consent.GRANTED and contact.status == Contact.Status.ACTIVE,
            "waiting": awaits_answer(contact) and lasting is None,
            "lasting_no_reason": LASTING_NO_REASONS.get(lasting, ""),
        })


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    """GET shows the preferences, with a one-click button to stop all marketing; POST (the
    button, or a mail client's List-Unsubscribe-Post) unsubscribes at once."""
    contact = _contact(token, contact_id_from_unsubscribe_token)
    with in_language_of(contact):
        if request.method == "POST":
            unsubscribe(contact, source="unsubscribe link", request=request)
            return _preferences_page(request, contact, _form(contact), unsubscribed=True)
        _visited(request, contact)
        return _preferences_page(request, contact, _form(contact))


@csrf_exempt
@require_http_methods(["POST"])
def data_link_view(request, token):
    """From the preferences page: send a fresh link to the contact's data to their address. The
    preferences link itself never leads to the data: an email is forwarded, kept, shared."""
    contact = _contact(token, contact_id_from_preferences_token)
    with in_language_of(contact):
        request_data_link(contact)
        return _preferences_page(request, contact, _form(contact), data_link_sent=True)


def _contact_from_data_link(token):
    try:
        return contact_from_data_link(token)
    except signing.BadSignature:
        raise Http404("Invalid or expired link") from None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def my_data_view(request, token):
    """The link sent to the contact's address: download everything held on them (POST
    ``download``), or erase it (POST ``erase`` with the box ticked)."""
    contact = _contact_from_data_link(token)
    with in_language_of(contact):
        if request.method == "POST" and "download" in request.POST:
            response = JsonResponse(export_contact(contact), json_dumps_params={"indent": 2, "ensure_ascii": False})
            response["Content-Disposition"] = 'attachment; filename="my-data.json"'
            return response
        if request.method == "POST" and request.POST.get("confirm"):
            erase_contact(contact, source="the contact's request (link sent to the address)")
            return render(request, "oscar_lifecycle/tracking/erased.html", {
                "shop_name": shop_name(), "site_url": site_url(),
            })
        return render(request, "oscar_lifecycle/tracking/my_data.html", {
            "contact": contact, "shop_name": shop_name(), "site_url": site_url(),
            "asked_without_confirming": request.method == "POST",
        })
