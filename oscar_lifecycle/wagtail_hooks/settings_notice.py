"""The Lifecycle settings page: its fields, and a notice while the footer has no postal address."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel


class MissingPostalAddressNotice(HelpPanel):
    """Shown only while the postal address every marketing email must carry is empty."""

    class BoundPanel(HelpPanel.BoundPanel):
        def is_shown(self):
            return not self.instance.postal_address


# The browser's colour picker, which sends #rrggbb; the model's validators check what arrives.
COLOUR_PICKER = forms.TextInput(attrs={"type": "color", "style": "width: 6rem; height: 2.5rem"})

SETTINGS_PANELS = [
    MissingPostalAddressNotice(
        content=_("<p class=\"help-block help-warning\"><strong>The shop's postal address is empty.</strong> "
                  "The law asks for it in every marketing email's footer: fill it in below.</p>"),
    ),
    MultiFieldPanel([FieldPanel("from_name"), FieldPanel("from_email"), FieldPanel("reply_to")],
                    heading=_("Sender")),
    MultiFieldPanel(
        [FieldPanel("logo"),
         FieldRowPanel([FieldPanel(name, widget=COLOUR_PICKER)
                        for name in ("button_colour", "header_background", "text_colour")])],
        heading=_("The emails' look"),
    ),
    FieldPanel("postal_address"),
    MultiFieldPanel([FieldRowPanel([FieldPanel("pressure_cap"), FieldPanel("pressure_window_days")]),
                     FieldPanel("minimum_gap_hours")], heading=_("Commercial pressure")),
    FieldRowPanel([FieldPanel("quiet_hours_start"), FieldPanel("quiet_hours_end")], heading=_("Quiet hours")),
    FieldPanel("default_locale"),
]
