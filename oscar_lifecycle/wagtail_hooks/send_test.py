"""'Send a test' for a journey: any step of its latest draft, to an address the editor types."""

from django import forms
from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.log_actions import log
from wagtail.snippets.action_menu import ActionMenuItem

from ..engine.test_send import send_test_email
from ..models import Journey
from .real_orders import RealOrderField, may_choose_real_order

LOG_ACTION = "oscar_lifecycle.test_sent"


class SendTestForm(forms.Form):
    step = forms.TypedChoiceField(label=gettext_lazy("Step"), coerce=int)
    to_email = forms.EmailField(label=gettext_lazy("Send to"))

    def __init__(self, *args, steps, stages, may_choose_order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [
            (index, f"{index + 1}. {step.subject}") for index, step in enumerate(steps)
        ]
        if stages:
            self.fields["stage"] = forms.ChoiceField(
                label=gettext_lazy("As a shopper who"), choices=stages, initial=stages[0][0],
                help_text=gettext_lazy("The test shows the sections for where this shopper left, and only those."),
            )
        if may_choose_order:
            self.fields["order"] = RealOrderField(
                label=gettext_lazy("Real order (optional)"),
                help_text=gettext_lazy("Its number: the test shows that order and its customer "
                                       "instead of the made-up customer."),
            )


class SendTestView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    model = None
    permission_policy = None
    permission_required = "change"
    edit_url_name = None
    header_icon = "mail"
    form_class = SendTestForm
    template_name = "oscar_lifecycle/admin/send_test.html"
    page_title = gettext_lazy("Send a test")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.journey = get_object_or_404(self.model, pk=unquote(str(kwargs["pk"])))
        draft = self.journey.get_latest_revision_as_object()
        self.steps = draft.ordered_steps()
        self.stages = draft.stages()

    def get_page_subtitle(self):
        return self.journey.name

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "steps": self.steps,
            "stages": self.stages,
            "may_choose_order": may_choose_real_order(self.request.user),
        }

    def get_initial(self):
        return {"to_email": self.request.user.email}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            journey=self.journey, edit_url=reverse(self.edit_url_name, args=[self.journey.pk]), **kwargs
        )

    def form_valid(self, form):
        step = self.steps[form.cleaned_data["step"]]
        to_email = form.cleaned_data["to_email"]
        order = form.cleaned_data.get("order")
        stage = form.cleaned_data.get("stage")
        if not step.subject.strip():
            form.add_error("step", _("This step has no subject yet: write one before testing it."))
            return self.form_invalid(form)
        try:
            send_test_email(step, to_email, order=order, stage=stage, stage_label=dict(self.stages).get(stage))
        except Exception as error:
            form.add_error(None, _("The test could not be sent: %(error)s") % {"error": error})
            return self.form_invalid(form)
        log(instance=self.journey, action=LOG_ACTION, user=self.request.user,
            data={"step": step.subject, "to": to_email, "order": order.number if order else None,
                  "stage": stage})
        messages.success(self.request, _("Test of “%(subject)s” sent to %(email)s.")
                         % {"subject": step.subject, "email": to_email})
        return redirect(self.edit_url_name, self.journey.pk)


class SendTestMenuItem(ActionMenuItem):
    name = "action-send-test"
    label = gettext_lazy("Send a test")
    icon_name = "mail"

    def is_shown(self, context):
        return context["view"] == "edit" and super().is_shown(context)

    def get_url(self, parent_context):
        return reverse("oscar_lifecycle_journeys:send_test", args=[parent_context["instance"].pk])


@hooks.register("register_snippet_action_menu_item")
def send_test_menu_item(model):
    return SendTestMenuItem(order=90) if model is Journey else None


@hooks.register("register_log_actions")
def register_test_sent_action(actions):
    actions.register_action(LOG_ACTION, gettext_lazy("Send a test"), gettext_lazy("Test email sent"))
