"""Segments in the admin: a snippet with drafts, revisions and publishing, like journeys. Its
listing counts each published segment now; its live preview counts the rules as they are typed
and lists the most recent matching contacts to editors allowed to see contacts. A segment named
in another segment's rules cannot be deleted."""

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, LiveStatusTagColumn
from wagtail.models import Revision
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import IndexView, PreviewOnCreateView, PreviewOnEditView, SnippetViewSet

from ..models import Contact, Segment
from ..models.segments import published_counts
from .shop_search import WithoutShopSearchViewSet


def may_see_contacts(user):
    """Whether ``user`` may see who the contacts are: the contacts listing's own permission."""
    return policy_registry.get_by_type(Contact).user_has_permission(user, "view")


def rule_error_messages(error):
    """The messages of a rules field's error, flattened: each rule's own (a rule's ``check``
    names the rule), then those of the settings it leaves empty or gets wrong."""
    block_errors = getattr(error, "block_errors", None)
    if block_errors is None:
        return list(error.messages)
    found = [message for nested in error.non_block_errors.as_data() for message in nested.messages]
    for child_error in block_errors.values():
        found.extend(rule_error_messages(child_error))
    return found


class SegmentPreviewMixin:
    """Wagtail's preview, counting the rules as typed. A form whose only errors are in its rules
    still previews, showing those errors where the count would be (Wagtail would keep the last
    count, marked out of date, without saying why)."""

    rule_errors = ()

    def validate_form(self, form):
        if super().validate_form(form):
            return True
        if set(form.errors) != {"rules"}:
            return False
        self.rule_errors = rule_error_messages(form.errors.as_data()["rules"][0])
        del form.errors["rules"]
        return True

    def get_extra_request_attrs(self):
        return {
            **super().get_extra_request_attrs(),
            "lifecycle_rule_errors": list(self.rule_errors),
            "lifecycle_show_contacts": may_see_contacts(self.request.user),
        }


class SegmentPreviewOnCreateView(SegmentPreviewMixin, PreviewOnCreateView):
    pass


class SegmentPreviewOnEditView(SegmentPreviewMixin, PreviewOnEditView):
    pass


def published_count_display(segment):
    if not segment.live:
        return _("Not published")
    if segment.published_count is None:
        return _("Cannot be counted: check its rules")
    return segment.published_count


def scheduled_revisions(segments):
    """{pk: the revision scheduled to go live} of ``segments``, in one query (what each
    segment's ``scheduled_revision`` would ask for, row by row, to show its status)."""
    revisions = Revision.objects.filter(
        base_content_type=Segment.get_base_content_type(),
        object_id__in=[str(segment.pk) for segment in segments],
        approved_go_live_at__isnull=False,
    ).order_by("-pk")
    return {revision.object_id: revision for revision in revisions}


class SegmentIndexView(IndexView):
    """The listing of segments: a constant number of queries per page, the published segments
    counted together in one of them."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, segments, is_paginated = super().paginate_queryset(queryset, page_size)
        segments = list(segments)
        counts = published_counts(segments)
        scheduled = scheduled_revisions(segments)
        for segment in segments:
            segment.published_count = counts.get(segment.pk)
            segment.scheduled_revision = scheduled.get(str(segment.pk))
        return paginator, page, segments, is_paginated


class SegmentViewSet(WithoutShopSearchViewSet, SnippetViewSet):
    model = Segment
    icon = "group"
    menu_label = _("Segments")
    base_url_path = "lifecycle/segments"
    admin_url_namespace = "oscar_lifecycle_segments"
    index_view_class = SegmentIndexView
    preview_on_add_view_class = SegmentPreviewOnCreateView
    preview_on_edit_view_class = SegmentPreviewOnEditView
    list_display = [
        "name",
        Column("published_count", label=_("Contacts now"), accessor=published_count_display),
        DateColumn("last_published_at", label=_("Last published")),
        LiveStatusTagColumn(),
    ]
    list_filter = ["live"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("match"), FieldPanel("rules")]


@hooks.register("before_delete_snippet")
def refuse_to_delete_a_segment_in_use(request, instances):
    """A segment named in another segment's rules is not deleted (nor any of those deleted with
    it): the other segment would stop counting. Deleting both together is allowed."""
    deleted = {instance.pk for instance in instances if isinstance(instance, Segment)}
    for segment in (instance for instance in instances if isinstance(instance, Segment)):
        users = [other for other in segment.used_by() if other.pk not in deleted]
        if users:
            messages.error(request, ngettext(
                "“%(segment)s” is not deleted: the segment %(users)s uses it in its rules. "
                "Take it out of those rules first.",
                "“%(segment)s” is not deleted: the segments %(users)s use it in their rules. "
                "Take it out of those rules first.",
                len(users),
            ) % {"segment": segment, "users": ", ".join(f"“{other}”" for other in users)})
            return redirect("oscar_lifecycle_segments:list")
    return None
