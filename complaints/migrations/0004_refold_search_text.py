"""The search column is folded by qms.core.search.normalise, as the typed text is: fold the stored rows again, so
that "coeur" finds a request about "cœur" (the former folding kept œ, æ, ø and ł)."""

from django.db import migrations

# As complaints.models.SEARCHED_FIELDS when this migration was written.
SEARCHED_FIELDS = ("reference", "subject", "description", "name", "email")
BATCH = 500


def refold(apps, schema_editor):
    from qms.core.search import normalise

    Complaint = apps.get_model("complaints", "Complaint")
    changed = []
    rows = Complaint.objects.only("pk", "search_text", *SEARCHED_FIELDS).order_by("pk")
    for complaint in rows.iterator(chunk_size=BATCH):
        folded = normalise(" ".join(str(getattr(complaint, name) or "") for name in SEARCHED_FIELDS))
        if folded != complaint.search_text:
            complaint.search_text = folded
            changed.append(complaint)
        if len(changed) >= BATCH:
            Complaint.objects.bulk_update(changed, ["search_text"])
            changed = []
    if changed:
        Complaint.objects.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_helpdesk_settings"),
    ]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
