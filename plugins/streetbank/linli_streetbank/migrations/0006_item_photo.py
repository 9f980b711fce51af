from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.schema_editor.base import BaseSchemaEditor
from tortoise.migrations.schema_generator.state import State


class AddForeignKey(ops.AddField):
    """``AddField`` whose undoing works on SQLite too. There Tortoise remakes the table
    without the relation but keeps its ``photo_id`` column, so migrating back and forth
    (a data-migration test going back to 0002) would add the column twice. On SQLite
    the table is remade from the model as it was before this migration instead."""

    async def database_backward(
        self,
        app_label: str,
        old_state: State,
        new_state: State,
        state_editor: BaseSchemaEditor | None = None,
    ) -> None:
        if state_editor is not None and state_editor.DIALECT == "sqlite":
            before = new_state.apps.get_model(f"{app_label}.{self.model_name}")
            await state_editor._remake_table(before)  # type: ignore[attr-defined]
            return
        await super().database_backward(app_label, old_state, new_state, state_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("core", "0002_identity_hierarchy_permissions"),
        ("core", "0003_uploads"),
        ("core", "0004_plugin_settings"),
        ("core", "0005_site_stamp"),
        ("core", "0006_grant_account_index"),
        ("core", "0007_notifications_jobs"),
        ("streetbank", "0005_posting_account_index"),
    ]

    initial = False

    operations = [
        AddForeignKey(
            model_name="CatalogueItem",
            name="photo",
            field=fields.ForeignKeyField(
                "core.Upload",
                source_field="photo_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
    ]
