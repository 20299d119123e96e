"""Indexes oscar_lifecycle adds to Oscar's tables, for what the runner looks up there every batch.

Oscar's models (or a shop's forks of them) cannot carry them in their Meta, so our migration adds
them with ``add_oscar_indexes`` in a ``RunPython``; databases built from the models without
migrations (the tests', the benchmarks') add them the same way.
"""

from django.db import models
from django.db.models.functions import Lower

OSCAR_INDEXES = {
    # purchases.py finds the guest orders of a batch's contacts by their address, lower-cased (a
    # guest types it as they like); without this, each lookup read every order the shop ever took.
    ("order", "Order"): [
        models.Index(Lower("guest_email"), name="lifecycle_order_guest_address"),
        # Segment rules (rules/orders.py): a contact's number of orders and what they spent, read
        # from the index alone (no visit to the orders), and the accounts that ordered since a date.
        models.Index(fields=["user", "date_placed"], include=["total_incl_tax"], name="lifecycle_order_user_date"),
        models.Index(fields=["date_placed", "user"], include=["id"], name="lifecycle_order_date_user"),
    ],
    # Segment rules "bought a product, a category, a product class": the orders of the lines of
    # those products, read from the index alone.
    ("order", "Line"): [models.Index(fields=["product"], include=["order"], name="lifecycle_line_product_order")],
}


def _missing(model, indexes, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        existing = schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [index for index in indexes if index.name not in existing]


def add_oscar_indexes(apps, schema_editor):
    """Create the indexes of OSCAR_INDEXES that the database does not have yet (``apps``: a
    migration's historical apps, or the app registry)."""
    for (app_label, model_name), indexes in OSCAR_INDEXES.items():
        model = apps.get_model(app_label, model_name)
        for index in _missing(model, indexes, schema_editor):
            schema_editor.add_index(model, index)


def remove_oscar_indexes(apps, schema_editor):
    """Drop the indexes of OSCAR_INDEXES (the migration, backwards)."""
    for (app_label, model_name), indexes in OSCAR_INDEXES.items():
        model = apps.get_model(app_label, model_name)
        for index in indexes:
            schema_editor.remove_index(model, index)
