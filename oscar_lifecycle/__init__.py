"""Lifecycle email marketing for django-oscar shops."""

__version__ = "0.1.0"
