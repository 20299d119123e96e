"""The "Lifecycle" admin menu: journeys, segments, contacts and their attributes, the sent-mail log, ratings, held emails and the
settings."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.contrib.settings.registry import SettingMenuItem, register_setting

from ..models import LifecycleSettings
from .attributes import ContactAttributeViewSet
from .campaigns import CampaignViewSet
from .contacts import ContactViewSet
from .held import REVIEW_PERMISSION
from .conversions import ConversionViewSet
from .journeys import JourneyViewSet
from .messages import MessageViewSet
from .ratings import SurveyResponseViewSet
from .segments import SegmentViewSet
from .settings_notice import SETTINGS_PANELS

# Panels are admin code: the model stays free of them, they are given to it here.
LifecycleSettings.panels = SETTINGS_PANELS
register_setting(LifecycleSettings, icon="cog")


class HeldMessagesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REVIEW_PERMISSION)


class LifecycleViewSetGroup(ViewSetGroup):
    menu_label = _("Lifecycle")
    menu_icon = "mail"
    menu_order = 250
    items = (JourneyViewSet, CampaignViewSet, SegmentViewSet, ContactViewSet, ContactAttributeViewSet,
             MessageViewSet, SurveyResponseViewSet, ConversionViewSet)

    def get_submenu_items(self):
        return [
            *super().get_submenu_items(),
            HeldMessagesMenuItem(_("Held emails"), reverse_lazy("oscar_lifecycle_held"), icon_name="warning",
                                 order=350),
            SettingMenuItem(LifecycleSettings, icon="cog", order=400),
        ]


@hooks.register("register_admin_viewset")
def register_lifecycle_admin():
    return LifecycleViewSetGroup()
