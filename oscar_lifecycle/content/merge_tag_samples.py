"""What each merge tag becomes for the previews' made-up customer: the journey editor lists them."""

from dataclasses import dataclass

from .merge_tags import MERGE_TAGS, MergeTag
from .render import contact_merge_values, shared_merge_values


@dataclass(frozen=True)
class MergeTagSample:
    tag: MergeTag
    value: str  # what the preview fills in for the made-up customer


def merge_tag_samples(contact):
    """Every whitelisted merge tag, in the whitelist's order, with the value a preview written for
    ``contact`` (the made-up customer) gives it."""
    values = {**shared_merge_values(inert_links=True), **contact_merge_values(contact, inert_links=True)}
    return [MergeTagSample(tag, str(values.get(name) or "")) for name, tag in MERGE_TAGS.items()]
