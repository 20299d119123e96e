"""The journey editor's form: each trigger's settings as real form fields, checked on save; and
what only a journey going live must have, checked when it is published."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from ..exceptions import LifecycleConfigurationError
from ..surveys import refuse_unheard_ratings
from ..triggers import registered_triggers


def _offered_triggers():
    """The registered triggers; none while TRIGGERS is broken (check E001 says why)."""
    try:
        return registered_triggers()
    except LifecycleConfigurationError:
        return {}


def setting_field_name(trigger, setting):
    return f"trigger_{trigger.name}_{setting.name}"


def _form_field(setting):
    help_text = setting.help_text
    if setting.is_multiple_choice:
        return forms.MultipleChoiceField(
            label=setting.label, choices=setting.choices, required=False,
            widget=forms.SelectMultiple if setting.long_choices else forms.CheckboxSelectMultiple,
            help_text=help_text,
        )
    # No min/max on the field: the trigger's own check words the refusal, naming the setting.
    if setting.is_text:
        return forms.CharField(label=setting.label, required=False, help_text=help_text)
    return forms.IntegerField(
        label=setting.label, required=False, help_text=help_text,
        widget=forms.NumberInput(attrs={"placeholder": setting.default_value()}),
    )


class JourneyFormBase(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trigger = _offered_triggers().get(self.instance.trigger)
        stored = self.instance.trigger_settings or {}
        if trigger is not None:
            for setting in trigger.settings:
                field_name = setting_field_name(trigger, setting)
                if field_name in self.fields and setting.name in stored:
                    self.initial[field_name] = stored[setting.name]

    def clean(self):
        cleaned_data = super().clean()
        trigger = _offered_triggers().get(cleaned_data.get("trigger"))
        if trigger is None:
            return cleaned_data
        values = {
            setting.name: cleaned_data.get(setting_field_name(trigger, setting))
            for setting in trigger.settings
        }
        try:
            self.instance.trigger_settings = trigger.clean_settings(values)
        except ValidationError as error:
            for setting_name, messages in error.error_dict.items():
                self.add_error(setting_field_name(trigger, _setting(trigger, setting_name)), messages)
        return cleaned_data


    def is_valid(self):
        """Valid, and when publishing (Wagtail defers required fields for a draft), fit to go live."""
        valid = super().is_valid()
        if valid and not self.is_deferred_validation:
            try:
                refuse_unheard_ratings(self._steps_bodies())
            except ValidationError as error:
                self.add_error(None, error)
                return False
        return valid

    def _steps_bodies(self):
        """The bodies of the steps the editor keeps (after the formset was validated)."""
        steps = self.formsets["steps"]
        deleted = steps.deleted_forms if steps.can_delete else []
        return [form.cleaned_data["body"] for form in steps.forms if form.cleaned_data and form not in deleted]


def _setting(trigger, name):
    return next(setting for setting in trigger.settings if setting.name == name)


def journey_form_class():
    """A form class with a field per setting of each registered trigger."""
    fields = {
        setting_field_name(trigger, setting): _form_field(setting)
        for trigger in _offered_triggers().values()
        for setting in trigger.settings
    }
    return type("JourneyForm", (JourneyFormBase,), fields)


def _section_heading(trigger_label):
    return gettext("Settings of the trigger “%(trigger)s”") % {"trigger": trigger_label}


# Wagtail builds the form once: the heading is translated when shown, in the editor's language.
section_heading = lazy(_section_heading, str)


def trigger_settings_panels():
    """One section per trigger that has settings; the editor's script shows only the chosen one's."""
    return [
        MultiFieldPanel(
            [FieldPanel(setting_field_name(trigger, setting)) for setting in trigger.settings],
            heading=section_heading(trigger.label),
            help_text=_("Used only when the journey starts with this trigger; empty fields take the default."),
            attrs={"data-lifecycle-trigger-settings": trigger.name},
        )
        for trigger in _offered_triggers().values()
        if trigger.settings
    ]
