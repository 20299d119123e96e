"""The shopper's own page in their Oscar account: birth date, and their marketing preferences
(logged in, they may also say yes again after saying no)."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import contact_for
from .exceptions import InvalidContactEmail
from .preferences import MarketingPreferencesForm


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
    })
