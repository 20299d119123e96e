from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.images import get_image_model_string

from ..conf import lifecycle_setting
from ..content.brand import (
    DEFAULT_BUTTON_COLOUR,
    DEFAULT_HEADER_BACKGROUND,
    DEFAULT_TEXT_COLOUR,
    validate_hex_colour,
    validate_text_colour,
)


def default_pressure_cap():
    return lifecycle_setting("PRESSURE_CAP")


def default_pressure_window_days():
    return lifecycle_setting("PRESSURE_WINDOW").days


def default_minimum_gap_hours():
    gap = lifecycle_setting("MINIMUM_GAP")
    return int(gap.total_seconds() // 3600) if gap else 0


def language_choices():
    return list(settings.LANGUAGES)


class LifecycleSettings(BaseSiteSetting):
    """What editors set for the whole shop: sender, the emails' look, footer, pressure cap, quiet hours.

    Until an editor saves them, the OSCAR_LIFECYCLE settings give the defaults.
    """

    from_name = models.CharField(_("from name"), max_length=100, blank=True)
    from_email = models.EmailField(
        _("from address"), blank=True, help_text=_("Empty: the site's DEFAULT_FROM_EMAIL.")
    )
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("The shop's postal address, shown in every email's footer (a legal requirement)."),
    )
    logo = models.ForeignKey(
        get_image_model_string(), verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("At the top of every email, at most 200×60 pixels (upload it twice that size for sharp "
                    "screens). Empty: the shop's name."),
    )
    button_colour = models.CharField(
        _("button colour"), max_length=7, default=DEFAULT_BUTTON_COLOUR, validators=[validate_hex_colour],
        help_text=_("Buttons and rating links; their words are white or dark, whichever reads better on it."),
    )
    header_background = models.CharField(
        _("header background"), max_length=7, default=DEFAULT_HEADER_BACKGROUND,
        validators=[validate_hex_colour], help_text=_("Behind the logo, or the shop's name, at the top."),
    )
    text_colour = models.CharField(
        _("text colour"), max_length=7, default=DEFAULT_TEXT_COLOUR, validators=[validate_text_colour],
        help_text=_("The words of the emails, on white: dark enough to read."),
    )
    pressure_cap = models.PositiveSmallIntegerField(
        _("marketing emails per contact"),
        null=True,
        blank=True,
        default=default_pressure_cap,
        help_text=_("At most this many marketing emails per contact in the window below. Empty: no cap."),
    )
    pressure_window_days = models.PositiveSmallIntegerField(
        _("in any window of (days)"), default=default_pressure_window_days
    )
    minimum_gap_hours = models.PositiveSmallIntegerField(
        _("hours between two marketing emails"), default=default_minimum_gap_hours,
        help_text=_("A contact gets no marketing email sooner than this after the last one; a later email "
                    "waits, it is never dropped. 0: no gap. Relational emails (order news) never wait."),
    )
    quiet_hours_start = models.TimeField(
        _("quiet hours from"), null=True, blank=True,
        help_text=_("No marketing email is sent between these times (shop time zone); it waits."),
    )
    quiet_hours_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    default_locale = models.CharField(
        _("default language"), max_length=10, choices=language_choices, blank=True,
        help_text=_("For contacts whose language is unknown."),
    )

    class Meta:
        verbose_name = _("lifecycle settings")
        verbose_name_plural = _("lifecycle settings")

    def clean(self):
        super().clean()
        if self.pressure_cap == 0:
            raise ValidationError({"pressure_cap": _("Use 1 or more, or leave empty for no cap.")})
        if self.pressure_window_days == 0:
            raise ValidationError({"pressure_window_days": _("The window is at least one day.")})
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            raise ValidationError(_("Set both ends of the quiet hours, or neither."))
        if any(character in self.from_name for character in "\r\n<>"):
            raise ValidationError({"from_name": _("A name only: no line breaks, no < or >.")})

    @property
    def pressure_window(self):
        return timedelta(days=self.pressure_window_days)

    @property
    def minimum_gap(self):
        return timedelta(hours=self.minimum_gap_hours)

    @classmethod
    def current(cls):
        """The default site's settings, with the logo, or unsaved defaults when nobody saved any (one query)."""
        return cls.objects.filter(site__is_default_site=True).select_related("logo").first() or cls()
