"""The processes that existed before the process map grew were the validated map: mark them so."""

from django.db import migrations


def mark_validated(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    Process.objects.filter(status="draft").update(status="validated")


class Migration(migrations.Migration):
    dependencies = [("processes", "0002_process_map")]

    operations = [migrations.RunPython(mark_validated, migrations.RunPython.noop)]
