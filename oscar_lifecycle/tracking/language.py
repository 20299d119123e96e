from contextlib import nullcontext

from django.utils import translation


def in_language_of(contact):
    """The contact's language on our public pages when we know it, else the browser's."""
    return translation.override(contact.locale) if contact.locale else nullcontext()
