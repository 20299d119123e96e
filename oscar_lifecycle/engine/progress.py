"""Save a batch's progress in one UPDATE whose size follows the outcomes, not the rows.

A batch's enrollments mostly end alike (moved on to the same step at the same time,
completed, released), so each field is set by a CASE over the few values it takes in
the batch, and without one when every row shares it. Django's ``bulk_update`` writes one
WHEN per row and field (1,400 for a batch of 200), and compiling them cost more than
rendering the batch's emails.
"""

from django.db import connection
from django.db.models import Case, Value, When
from django.db.models.functions import Cast


def _set_to(field, pks_by_value):
    """What ``field`` is set to: its one value, or a CASE choosing each row's value by its pk."""
    if len(pks_by_value) == 1:
        [value] = pks_by_value
        return Value(value, output_field=field)
    case = Case(
        *[When(pk__in=pks, then=Value(value, output_field=field)) for value, pks in pks_by_value.items()],
        output_field=field,
    )
    return Cast(case, output_field=field) if connection.features.requires_casted_case_in_updates else case


def save_progress(queryset, rows, field_names):
    """Write ``field_names`` of ``rows`` (saved instances of ``queryset``'s model) to those of
    them ``queryset`` still holds, in one statement; return how many it updated."""
    if not rows:
        return 0
    fields = [queryset.model._meta.get_field(name) for name in field_names]
    changes = {}
    for field in fields:
        pks_by_value = {}
        for row in rows:
            pks_by_value.setdefault(getattr(row, field.attname), []).append(row.pk)
        changes[field.attname] = _set_to(field, pks_by_value)
    return queryset.filter(pk__in=[row.pk for row in rows]).update(**changes)
