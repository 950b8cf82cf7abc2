"""Council members may be linked to an account: each member keeps a name (an account's name is copied when it is
linked, and stays if the account goes), and an account sits once on a council. Rows written before (through the
admin) are brought in line first: a member linked to an account but without a name takes the account's name; a
member with neither is named "—"; an account listed twice on one council keeps its first seat, and the others
stay as names. The constraints follow in 0004 (PostgreSQL alters no table with row changes pending in the same
transaction)."""

from django.db import migrations


def _account_name(user) -> str:
    full = f"{user.first_name} {user.last_name}".strip()
    return (full or user.username)[:200]


def give_every_member_a_name(apps, schema_editor):
    CouncilMember = apps.get_model("surveys", "CouncilMember")
    for member in CouncilMember.objects.filter(name="").select_related("user"):
        member.name = _account_name(member.user) if member.user_id else "—"
        member.save(update_fields=["name"])
    seen = set()
    for member in CouncilMember.objects.filter(user__isnull=False).order_by("council_id", "pk"):
        key = (member.council_id, member.user_id)
        if key in seen:
            member.user = None
            member.save(update_fields=["user"])
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_councils"),
    ]

    operations = [
        migrations.RunPython(give_every_member_a_name, migrations.RunPython.noop),
    ]
