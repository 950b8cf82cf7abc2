"""Each council member keeps a name, and an account sits once on a council (rows were brought in line by 0003)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_council_members_named"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="councilmember",
            constraint=models.CheckConstraint(
                condition=models.Q(("name", ""), _negated=True), name="council_member_has_a_name"
            ),
        ),
        migrations.AddConstraint(
            model_name="councilmember",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)),
                fields=("council", "user"),
                name="unique_council_member_account",
            ),
        ),
    ]
