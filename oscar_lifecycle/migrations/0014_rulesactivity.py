from django.db import migrations, models

from oscar_lifecycle.models.oscar_indexes import OSCAR_INDEXES, add_oscar_indexes

# The indexes this migration adds to Oscar's orders and their lines (models/oscar_indexes.py),
# for segment rules.
ADDED = ("lifecycle_order_user_date", "lifecycle_order_date_user", "lifecycle_line_product_order")


def remove_added_oscar_indexes(apps, schema_editor):
    for (app_label, model_name), indexes in OSCAR_INDEXES.items():
        model = apps.get_model(app_label, model_name)
        for index in indexes:
            if index.name in ADDED:
                schema_editor.remove_index(model, index)


class Migration(migrations.Migration):

    dependencies = [
        ('oscar_lifecycle', '0013_campaigns'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='messageevent',
            index=models.Index(condition=models.Q(('is_machine', False)), fields=['kind', 'created_at', 'contact'], name='lifecycle_event_kind_time'),
        ),
        # Indexes on Oscar's own tables (models/oscar_indexes.py): makemigrations cannot write them.
        migrations.RunPython(add_oscar_indexes, remove_added_oscar_indexes),
    ]
