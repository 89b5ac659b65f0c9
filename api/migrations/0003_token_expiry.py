from datetime import timedelta

from django.db import migrations, models


def expire_in_90_days(apps, schema_editor):
    """Tokens made before expiry existed work 90 days from their creation (the default)."""
    APIToken = apps.get_model("api", "APIToken")
    for token in APIToken.objects.filter(expires_at__isnull=True):
        token.expires_at = token.created_at + timedelta(days=90)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("api", "0002_one_line_fields")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_in_90_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, verbose_name="expires"),
        ),
    ]
