"""Wagtail admin integration. Wagtail imports this package once at start-up, so it must
import every module that registers hooks."""

from . import campaigns, choosers, editor, held, menu, outage_notice, segments, send_test  # noqa: F401
