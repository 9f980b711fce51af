from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("canteen", "0001_initial"), ("core", "0007_notifications_jobs")]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name="WelfareAlert",
            options={
                "table": "canteen_alert",
                "app": "canteen",
                "pk_attr": "id",
                "table_description": "Nobody opened the door for a delivery, or another part of linli reported a",
            },
        ),
        ops.AlterField(
            model_name="WelfareAlert",
            name="order",
            field=fields.OneToOneField(
                "canteen.Order",
                source_field="order_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="alert",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.AddField(
            model_name="WelfareAlert",
            name="level",
            field=fields.CharField(default="help", db_default="help", max_length=10),
        ),
        ops.AddField(
            model_name="WelfareAlert",
            name="link",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
        ops.AddField(
            model_name="WelfareAlert",
            name="reference",
            field=fields.CharField(default="", db_index=True, db_default="", max_length=64),
        ),
        ops.AddField(
            model_name="WelfareAlert",
            name="source",
            field=fields.CharField(default="canteen", db_default="canteen", max_length=32),
        ),
        ops.AddField(
            model_name="WelfareAlert",
            name="summary",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
    ]
