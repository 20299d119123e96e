"""The shopper's own page in their Oscar account: birth date, and their marketing preferences
(logged in, they may also say yes again after saying no), once the account has shown it owns the
address: Oscar does not verify addresses, so anyone may register with a guest customer's."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import contact_for
from .exceptions import InvalidContactEmail
from .ownership import DATA_PURPOSE, confirm_address, contact_from_address_link, owns, request_address_proof
from .preferences import MarketingPreferencesForm
from .tracking.tokens import proof_url


class BirthDateForm(forms.Form):
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: for a birthday surprise."),
    )

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date is not None and not date(1900, 1, 1) <= birth_date <= timezone.localdate():
            raise ValidationError(_("Enter your real birth date, or leave it empty."))
        return birth_date


@login_required
def account_preferences_view(request):
    """The shopper's birth date and marketing preferences; a page asking for an address when their
    account has none we could write to (no email is sent, so there is nothing to choose)."""
    try:
        contact = contact_for(request.user.email, user=request.user)
    except InvalidContactEmail:
        return render(request, "oscar_lifecycle/account/no_address.html", {
            "page_title": _("Email preferences"), "active_tab": "lifecycle",
        })
    if not owns(request.user, contact):
        return _address_to_confirm(request, contact)
    data = request.POST if request.method == "POST" else None
    birth_date_form = BirthDateForm(data, initial={"birth_date": contact.birth_date})
    marketing_form = MarketingPreferencesForm(data, contact=contact, may_say_yes=True)
    if data is not None and birth_date_form.is_valid() and marketing_form.is_valid():
        if birth_date_form.cleaned_data["birth_date"] != contact.birth_date:
            contact.birth_date = birth_date_form.cleaned_data["birth_date"]
            contact.save(update_fields=["birth_date"])
        marketing_form.save(request=request, source=_("account preferences"))
        messages.success(request, _("Your preferences are saved."))
        return redirect("oscar_lifecycle:account")
    return render(request, "oscar_lifecycle/account/preferences.html", {
        "forms": [birth_date_form, marketing_form], "page_title": _("Email preferences"), "active_tab": "lifecycle",
        "data_url": proof_url(contact, DATA_PURPOSE),
    })


def _address_to_confirm(request, contact):
    """What we held about the address before the account existed (a guest's orders, birth date,
    choices) stays hidden until the account's holder follows a link sent to the address."""
    if request.method == "POST" and "send_link" in request.POST:
        request_address_proof(contact)
        messages.success(request, _("We have sent a link to %(email)s: follow it to manage its emails here.")
                         % {"email": contact.email})
        return redirect("oscar_lifecycle:account")
    return render(request, "oscar_lifecycle/account/confirm_address.html", {
        "email": contact.email, "page_title": _("Email preferences"), "active_tab": "lifecycle",
    })


@login_required
def confirm_address_view(request, token):
    """The link sent to the address: pressed while logged in to its account, it proves the
    account's holder reads that mailbox (a GET only shows the button: mail scanners follow links)."""
    try:
        contact = contact_from_address_link(token)
    except signing.BadSignature:
        raise Http404("Invalid or expired link") from None
    if contact.user_id != request.user.pk:
        raise Http404("This link is for another account")
    if request.method == "POST":
        confirm_address(contact)
        messages.success(request, _("Thank you: your address is confirmed."))
        return redirect("oscar_lifecycle:account")
    return render(request, "oscar_lifecycle/account/confirm_address.html", {
        "email": contact.email, "page_title": _("Email preferences"), "active_tab": "lifecycle",
        "confirming": True,
    })
