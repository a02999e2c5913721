"""The revision counter's single row, and on PostgreSQL a trigram index for directory search."""
from django.db import migrations


def counter_row(apps, schema_editor):
    apps.get_model("directory", "RevisionCounter").objects.get_or_create(pk=1, defaults={"value": 0})


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS provider_search_trgm ON directory_provider "
        "USING gin (search_text gin_trgm_ops)"
    )


def trigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS provider_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        migrations.RunPython(counter_row, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, trigram_index_drop),
    ]
