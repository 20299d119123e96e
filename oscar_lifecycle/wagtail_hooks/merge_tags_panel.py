"""The merge tags a step takes, listed in the journey editor beside its subject and preheader, with
what each becomes for the previews' made-up customer."""

from wagtail.admin.panels import Panel

from ..content.merge_tag_samples import merge_tag_samples
from ..content.samples import sample_contact


class MergeTagsPanel(Panel):
    """A disclosure in each step: the tags at a glance, and opened, what each is and becomes."""

    @property
    def clean_name(self):
        return "merge_tags"

    class BoundPanel(Panel.BoundPanel):
        template_name = "oscar_lifecycle/admin/merge_tags_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            contact = sample_contact()
            context["sample_name"] = f"{contact.first_name} {contact.last_name}"
            context["samples"] = merge_tag_samples(contact)
            context["fallback_example"] = '{{ first_name|default:"there" }}'
            return context
