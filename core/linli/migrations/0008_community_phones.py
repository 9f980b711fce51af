"""A community's phone numbers: 社区服务电话 and 值班电话, for the call link of every page.

On SQLite the columns are added by ALTER TABLE, so the ``site`` stamp's triggers on
``core_community`` (core 0005) stay."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notifications_jobs")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Community",
            name="service_phone",
            field=fields.CharField(default="", db_default="", max_length=20),
        ),
        ops.AddField(
            model_name="Community",
            name="duty_phone",
            field=fields.CharField(default="", db_default="", max_length=20),
        ),
    ]
