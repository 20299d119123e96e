"""Campaigns in the admin: a snippet with drafts, revisions and a preview, like journeys, whose
edit page offers "Send a test" and "Schedule / send now" (the latter for editors with the
"send campaign" permission; others may only draft), and a page per campaign with its current
send's progress (pause, resume, cancel) and the figures of its issues. A translation's edit page
holds only its words: its original is sent, and shows the figures."""

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.log_actions import log
from wagtail.snippets.action_menu import ActionMenuItem
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from ..campaigns import controls
from ..campaigns.email import test_step
from ..campaigns.figures import progress, results
from ..campaigns.sending import OPEN_STATES, CannotSchedule, schedule_send
from ..engine.test_send import send_test_email
from ..models import Campaign, CampaignSend, Message, Segment
from .merge_tags_panel import MergeTagsPanel
from .shop_search import WithoutShopSearchViewSet

SEND_PERMISSION = "oscar_lifecycle.send_campaign"
# What a translation takes from its original rather than holding itself.
SENDING_FIELDS = ["segments", "excluded_segments", "kind", "topic", "repeat", "weekday", "day_of_month",
                  "time_of_day", "skip_when_no_new_products"]
LOG_ACTIONS = {
    "test": ("oscar_lifecycle.campaign_test_sent", gettext_lazy("Campaign: test sent")),
    "schedule": ("oscar_lifecycle.campaign_scheduled", gettext_lazy("Campaign: scheduled")),
    "pause": ("oscar_lifecycle.campaign_paused", gettext_lazy("Campaign: paused")),
    "resume": ("oscar_lifecycle.campaign_resumed", gettext_lazy("Campaign: resumed")),
    "cancel": ("oscar_lifecycle.campaign_cancelled", gettext_lazy("Campaign: cancelled")),
}
CONTROLS = {"pause": controls.pause, "resume": controls.resume, "cancel": controls.cancel}


def may_send(user):
    return user.has_perm(SEND_PERMISSION)


class CampaignForm(WagtailAdminModelForm):
    """Only published segments are offered: a draft segment's rules may change before it goes. A
    translation's form has only its name and words: who gets it and when are its original's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_translation:
            for name in SENDING_FIELDS:
                del self.fields[name]
            return
        for name in ("segments", "excluded_segments"):
            self.fields[name].queryset = Segment.objects.filter(live=True).order_by("name")


class CampaignIndexView(IndexView):
    """The listing: each campaign's latest send state and how many of its emails went, in the
    listing's own query."""

    def get_base_queryset(self):
        latest = CampaignSend.objects.filter(campaign=OuterRef("pk")).order_by("-send_at", "-pk")
        sent = (Message.objects.filter(journey=OuterRef("journey_id"), status=Message.Status.SENT)
                .order_by().values("journey").annotate(count=Count("pk")).values("count"))
        return super().get_base_queryset().annotate(
            send_state=Subquery(latest.values("state")[:1]), sent_count=Subquery(sent[:1]))


def send_state_display(campaign):
    return CampaignSend.State(campaign.send_state).label if campaign.send_state else _("Never sent")


class CampaignPageMixin(WagtailAdminTemplateMixin):
    """A page about one campaign (``pk``): under its name, after the listing and its edit page
    in the breadcrumbs."""

    header_icon = "mail"
    edit_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.campaign = get_object_or_404(Campaign, pk=unquote(str(kwargs["pk"])))

    def get_page_subtitle(self):
        return self.campaign.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("oscar_lifecycle_campaigns:list"),
             "label": Campaign._meta.verbose_name_plural.capitalize()},
            {"url": reverse(self.edit_url_name, args=[self.campaign.pk]), "label": self.campaign.name},
            {"url": "", "label": self.page_title},
        ]


def to_the_original(request, campaign, url_name):
    """The same page of the original ``campaign`` translates, saying why."""
    original = campaign.original()
    messages.info(request, _("“%(campaign)s” is a translation of “%(original)s”: the original is sent, in every "
                             "language, and its page shows what went.") % {"campaign": campaign, "original": original})
    return redirect(url_name, original.pk)


class CampaignFormView(CampaignPageMixin, FormView):
    """A form about one campaign, under its name, with a way back to its edit page."""

    template_name = "oscar_lifecycle/admin/campaign_form.html"
    help_text = ""
    submit_label = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            campaign=self.campaign, edit_url=reverse(self.edit_url_name, args=[self.campaign.pk]),
            help_text=self.help_text, submit_label=self.submit_label, **kwargs)


class SendTestForm(forms.Form):
    to_email = forms.EmailField(label=gettext_lazy("Send to"))


class CampaignSendTestView(PermissionCheckedMixin, CampaignFormView):
    model = Campaign
    permission_required = "change"
    form_class = SendTestForm
    page_title = gettext_lazy("Send a test")
    help_text = gettext_lazy("The campaign as last saved, for a made-up customer. It is marked [Test], its "
                             "links go nowhere, and it is not counted in statistics or commercial pressure.")
    submit_label = gettext_lazy("Send the test")

    def get_initial(self):
        return {"to_email": self.request.user.email}

    def form_valid(self, form):
        to_email = form.cleaned_data["to_email"]
        draft = self.campaign.get_latest_revision_as_object()
        try:
            send_test_email(test_step(draft), to_email)
        except Exception as error:
            form.add_error(None, _("The test could not be sent: %(error)s") % {"error": error})
            return self.form_invalid(form)
        log(instance=self.campaign, action=LOG_ACTIONS["test"][0], user=self.request.user, data={"to": to_email})
        messages.success(self.request, _("Test of “%(subject)s” sent to %(email)s.")
                         % {"subject": draft.subject, "email": to_email})
        return redirect(self.edit_url_name, self.campaign.pk)


class ScheduleForm(forms.Form):
    NOW, LATER = "now", "later"

    when = forms.ChoiceField(label=gettext_lazy("When"), widget=forms.RadioSelect, initial=NOW, choices=[
        (NOW, gettext_lazy("Now (the next pass of the runner, within a minute)")),
        (LATER, gettext_lazy("At the time below")),
    ])
    send_at = forms.DateTimeField(label=gettext_lazy("Send at"), required=False, widget=AdminDateTimeInput)

    def __init__(self, *args, repeating, **kwargs):
        super().__init__(*args, **kwargs)
        if repeating:
            self.fields["when"].choices = [
                (self.NOW, gettext_lazy("At its next time, then on its schedule")),
                (self.LATER, gettext_lazy("First at the time below, then on its schedule")),
            ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == self.LATER:
            send_at = cleaned.get("send_at")
            if send_at is None:
                self.add_error("send_at", _("Choose when it goes."))
            elif send_at < timezone.now():
                self.add_error("send_at", _("This time is past: choose a later one, or send now."))
        return cleaned


class CampaignScheduleView(CampaignFormView):
    form_class = ScheduleForm
    page_title = gettext_lazy("Schedule / send now")
    help_text = gettext_lazy("The published campaign goes to the contacts of its segments, less those of its "
                             "excluded segments, as they are when it starts: who joins later does not get it.")
    submit_label = gettext_lazy("Schedule")
    sends_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not may_send(request.user):
            raise PermissionDenied
        if self.campaign.is_translation:
            return to_the_original(request, self.campaign, request.resolver_match.view_name)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "repeating": self.campaign.repeat != Campaign.Repeat.ONCE}

    def form_valid(self, form):
        send_at = form.cleaned_data["send_at"] if form.cleaned_data["when"] == ScheduleForm.LATER else None
        try:
            send = schedule_send(self.campaign, send_at)
        except CannotSchedule as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        log(instance=self.campaign, action=LOG_ACTIONS["schedule"][0], user=self.request.user,
            data={"send_at": send.send_at.isoformat()})
        messages.success(self.request, _("“%(campaign)s” goes at %(time)s.") % {
            "campaign": self.campaign, "time": f"{timezone.localtime(send.send_at):%Y-%m-%d %H:%M}"})
        return redirect(self.sends_url_name, self.campaign.pk)


class CampaignSendsView(PermissionCheckedMixin, CampaignPageMixin, TemplateView):
    """The campaign's current (or last) send, with its progress and the editor's controls, and
    the figures of all its issues: a constant number of queries."""

    model = Campaign
    permission_required = "view"
    template_name = "oscar_lifecycle/admin/campaign_sends.html"
    page_title = gettext_lazy("Sends and results")
    schedule_url_name = None

    def get(self, request, *args, **kwargs):
        if self.campaign.is_translation:
            return to_the_original(request, self.campaign, request.resolver_match.view_name)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        sends = list(self.campaign.sends.all())
        current = next((send for send in sends if send.state in OPEN_STATES and send.started_at), None) or next(
            (send for send in sends if send.started_at), None)
        sent_by_send = dict(
            Message.objects.filter(enrollment__campaign_send__in=sends, status=Message.Status.SENT)
            .values_list("enrollment__campaign_send").annotate(count=Count("pk")).order_by())
        for send in sends:
            send.sent_count = sent_by_send.get(send.pk, 0)
        return super().get_context_data(
            campaign=self.campaign, sends=sends, current=current,
            progress=progress(current) if current else None,
            results=results([send for send in sends if send.started_at]),
            may_send=may_send(self.request.user),
            edit_url=reverse(self.edit_url_name, args=[self.campaign.pk]),
            schedule_url=reverse(self.schedule_url_name, args=[self.campaign.pk]),
            **kwargs)

    def post(self, request, pk):
        if not may_send(request.user):
            raise PermissionDenied
        action, send_id = request.POST.get("action"), request.POST.get("send", "")
        if action not in CONTROLS or not send_id.isdigit():
            raise PermissionDenied
        send = get_object_or_404(CampaignSend, pk=send_id, campaign=self.campaign)
        if CONTROLS[action](send):
            log(instance=self.campaign, action=LOG_ACTIONS[action][0], user=request.user, data={"send": send.pk})
            messages.success(request, {
                "pause": _("Sending is paused: nothing more goes until you resume it."),
                "resume": _("Sending resumes."),
                "cancel": _("The send is cancelled: nothing more of it goes."),
            }[action])
        else:
            messages.error(request, _("The send is %(state)s: nothing changed.") % {"state": send.get_state_display()})
        return redirect(request.path)


class CampaignViewSet(WithoutShopSearchViewSet, SnippetViewSet):
    model = Campaign
    icon = "mail"
    menu_label = gettext_lazy("Campaigns")
    base_url_path = "lifecycle/campaigns"
    admin_url_namespace = "oscar_lifecycle_campaigns"
    index_view_class = CampaignIndexView
    copy_view_enabled = False
    list_display = [
        "name",
        Column("send_state", label=gettext_lazy("Sending"), accessor=send_state_display),
        Column("sent_count", label=gettext_lazy("Sent"), accessor=lambda campaign: campaign.sent_count or 0),
        LiveStatusTagColumn(),
    ]
    list_filter = ["live", "kind"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        MultiFieldPanel([
            FieldPanel("segments", widget=forms.CheckboxSelectMultiple),
            FieldPanel("excluded_segments", widget=forms.CheckboxSelectMultiple),
            FieldPanel("kind"),
            FieldPanel("topic"),
        ], heading=gettext_lazy("Who gets it")),
        MultiFieldPanel([
            FieldPanel("repeat"),
            FieldRowPanel([FieldPanel("weekday"), FieldPanel("day_of_month"), FieldPanel("time_of_day")]),
            FieldPanel("skip_when_no_new_products"),
        ], heading=gettext_lazy("When it repeats")),
        MultiFieldPanel([
            FieldPanel("subject"), FieldPanel("preheader"), MergeTagsPanel(), FieldPanel("body"),
        ], heading=gettext_lazy("The email")),
    ]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=CampaignForm).bind_to_model(self.model)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("send-test/<str:pk>/", CampaignSendTestView.as_view(edit_url_name=self.get_url_name("edit")),
                 name="send_test"),
            path("schedule/<str:pk>/", CampaignScheduleView.as_view(
                edit_url_name=self.get_url_name("edit"), sends_url_name=self.get_url_name("sends")),
                name="schedule"),
            path("sends/<str:pk>/", CampaignSendsView.as_view(
                edit_url_name=self.get_url_name("edit"), schedule_url_name=self.get_url_name("schedule")),
                name="sends"),
        ]


class CampaignMenuItem(ActionMenuItem):
    """A link from the campaign's edit page to one of its pages (``url_name``)."""

    def __init__(self, name, label, icon_name, url_name, *, order, only_senders=False):
        super().__init__(order=order)
        self.name, self.label, self.icon_name = name, label, icon_name
        self.url_name, self.only_senders = url_name, only_senders

    def is_shown(self, context):
        """``only_senders``: sending, offered to who may send, on an original."""
        if context["view"] != "edit" or not super().is_shown(context):
            return False
        if self.only_senders:
            return may_send(context["request"].user) and not context["instance"].is_translation
        return True

    def get_url(self, parent_context):
        return reverse(f"oscar_lifecycle_campaigns:{self.url_name}", args=[parent_context["instance"].pk])


MENU_ITEMS = [
    ("action-send-test", gettext_lazy("Send a test"), "mail", "send_test", 90, False),
    ("action-schedule", gettext_lazy("Schedule / send now"), "time", "schedule", 91, True),
    ("action-sends", gettext_lazy("Sends and results"), "list-ul", "sends", 92, False),
]


def _menu_item_hook(name, label, icon_name, url_name, order, only_senders):
    def menu_item(model):
        if model is not Campaign:
            return None
        return CampaignMenuItem(name, label, icon_name, url_name, order=order, only_senders=only_senders)
    return menu_item


for _item in MENU_ITEMS:
    hooks.register("register_snippet_action_menu_item", _menu_item_hook(*_item))


@hooks.register("register_permissions")
def register_send_permission():
    return Permission.objects.filter(content_type__app_label="oscar_lifecycle", codename="send_campaign")


@hooks.register("register_log_actions")
def register_campaign_actions(actions):
    for action, label in LOG_ACTIONS.values():
        actions.register_action(action, label, label)
