import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from 0006: PostgreSQL refuses to alter a table in the transaction that just updated
    # its rows under a deferred foreign key ("pending trigger events").

    dependencies = [
        ("initiatives", "0006_value_stream_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="valuestreamstep",
            name="stream_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                to="initiatives.valuestreamversion",
                verbose_name="value stream version",
            ),
        ),
    ]
