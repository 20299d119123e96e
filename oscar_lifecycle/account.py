"""The shopper's own page in their Oscar account: birth date and how often to hear from the shop."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import contact_for
from .frequency import choose_frequency
from .models import Contact


class AccountPreferencesForm(forms.Form):
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: for a birthday surprise."),
    )
    frequency = forms.ChoiceField(
        label=_("Emails from us"), choices=Contact.Frequency.choices, widget=forms.RadioSelect
    )

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date is not None and not date(1900, 1, 1) <= birth_date <= timezone.localdate():
            raise ValidationError(_("Enter your real birth date, or leave it empty."))
        return birth_date


@login_required
def account_preferences_view(request):
    contact = contact_for(request.user.email, user=request.user)
    form = AccountPreferencesForm(
        request.POST or None, initial={"birth_date": contact.birth_date, "frequency": contact.frequency}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["birth_date"] != contact.birth_date:
            contact.birth_date = form.cleaned_data["birth_date"]
            contact.save(update_fields=["birth_date"])
        choose_frequency(contact, form.cleaned_data["frequency"])
        messages.success(request, _("Your preferences are saved."))
        return redirect("oscar_lifecycle:account")
    return render(request, "oscar_lifecycle/account/preferences.html",
                  {"form": form, "page_title": _("Email preferences"), "active_tab": "lifecycle"})
