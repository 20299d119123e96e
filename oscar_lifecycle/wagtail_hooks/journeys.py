from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..content.choosers import ForJourneyEditors
from ..models import Journey
from ..models.campaigns import CAMPAIGN_TRIGGER
from .journey_form import journey_form_class, trigger_settings_panels
from .merge_tags_panel import MergeTagsPanel
from .preview import JourneyPreviewOnCreateView, JourneyPreviewOnEditView
from .send_test import SendTestView
from .shop_search import WithoutShopSearchViewSet

STEP_PANELS = [
    FieldRowPanel([FieldPanel("delay_days"), FieldPanel("delay_hours")], heading=_("Wait")),
    FieldPanel("condition"),
    FieldPanel("on_condition_fail"),
    FieldPanel("subject"),
    FieldPanel("preheader"),
    MergeTagsPanel(),
    FieldPanel("body"),
]


class EditorsJourneys:
    """The journeys editors made: not those campaigns own to send through."""

    def get_object_list(self):
        return super().get_object_list().exclude(trigger=CAMPAIGN_TRIGGER)


class JourneyChooseView(EditorsJourneys, ChooseView):
    pass


class JourneyChooseResultsView(EditorsJourneys, ChooseResultsView):
    pass


class JourneyChooserViewSet(ForJourneyEditors, SnippetChooserViewSet):
    """Wagtail's chooser of journeys (rules pick one), for those who may edit them."""

    choose_view_class = JourneyChooseView
    choose_results_view_class = JourneyChooseResultsView


class JourneyViewSet(WithoutShopSearchViewSet, SnippetViewSet):
    model = Journey
    chooser_viewset_class = JourneyChooserViewSet
    icon = "mail"
    menu_label = _("Journeys")
    base_url_path = "lifecycle/journeys"
    admin_url_namespace = "oscar_lifecycle_journeys"
    list_display = ["name", "trigger", "category", "live"]
    list_filter = ["trigger", "category", "live"]
    search_fields = ["name"]
    copy_view_enabled = False
    preview_on_add_view_class = JourneyPreviewOnCreateView
    preview_on_edit_view_class = JourneyPreviewOnEditView
    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("trigger"),
                FieldPanel("audience"),
                FieldPanel("segment"),
                FieldPanel("segment_check"),
                FieldPanel("reentry"),
                FieldPanel("reentry_after_days"),
                FieldPanel("goal"),
                FieldPanel("category"),
                FieldPanel("topic"),
            ],
            heading=_("Who enters, and when they leave"),
        ),
        InlinePanel("steps", panels=STEP_PANELS, heading=_("Steps"), label=_("Step"), min_num=1),
    ]

    def get_queryset(self, request):
        """The journeys editors made; those campaigns own to send through are not listed."""
        return Journey.objects.exclude(trigger=CAMPAIGN_TRIGGER)

    def get_edit_handler(self):
        """The panels, then a section per trigger's settings, on a form that checks them."""
        return ObjectList(
            [*self.panels[:2], *trigger_settings_panels(), *self.panels[2:]],
            base_form_class=journey_form_class(),
        ).bind_to_model(self.model)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("send-test/<str:pk>/", self.send_test_view, name="send_test"),
        ]

    @property
    def send_test_view(self):
        return SendTestView.as_view(
            model=self.model,
            permission_policy=self.permission_policy,
            edit_url_name=self.get_url_name("edit"),
            header_icon=self.icon,
        )
