"""A trigram index on the requests' search text, on PostgreSQL: the inbox's search (``search_text LIKE '%word%'``,
the text folded to lower case without accents when saved) then reads the index instead of every row. SQLite has no
such index and scans the table, with the same results."""

from django.db import migrations

INDEX = "complaint_search_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON complaints_complaint USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0007_reminder_lead_times"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
