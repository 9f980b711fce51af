from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="NodeKind",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("key", fields.CharField(unique=True, max_length=48)),
                ("tree", fields.CharField(db_index=True, max_length=24)),
                ("name", fields.CharField(max_length=64)),
                ("name_en", fields.CharField(default="", max_length=64)),
                ("rank", fields.IntField(default=0)),
            ],
            options={
                "table": "core_node_kind",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A level of a tree (楼栋 building, 党小组 party group …).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Node",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="nodes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("tree", fields.CharField(db_index=True, max_length=24)),
                (
                    "kind",
                    fields.ForeignKeyField(
                        "core.NodeKind",
                        source_field="kind_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="nodes",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="children",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("path", fields.CharField(default="", db_index=True, max_length=512)),
                ("depth", fields.IntField(default=0)),
                ("name", fields.CharField(max_length=200)),
                ("name_en", fields.CharField(default="", max_length=200)),
                ("code", fields.CharField(default="", db_index=True, max_length=64)),
                (
                    "covers",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="covers_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="covered_by",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("latitude", fields.FloatField(null=True)),
                ("longitude", fields.FloatField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_node",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A place (building, entrance, household …) or an organisation unit.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Household",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="households",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="households",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("code", fields.CharField(db_index=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_household",
                "app": "core",
                "unique_together": (("community", "code"),),
                "pk_attr": "id",
                "table_description": "A household (户), living at a place node (usually a flat).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Person",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="people",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(db_index=True, max_length=64)),
                ("gender", fields.CharField(default="", max_length=8)),
                ("birth_date", fields.DateField(null=True)),
                ("phone", fields.CharField(default="", db_index=True, max_length=32)),
                ("id_number", fields.CharField(default="", db_index=True, max_length=32)),
                ("notes", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "core_person",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A resident record. Many elderly have no phone, so a person need not have an",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Account",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("username", fields.CharField(unique=True, max_length=64)),
                ("phone", fields.CharField(null=True, unique=True, max_length=32)),
                ("password_hash", fields.CharField(max_length=256)),
                (
                    "person",
                    fields.OneToOneField(
                        "core.Person",
                        source_field="person_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="account",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("is_active", fields.BooleanField(default=True)),
                ("must_change_password", fields.BooleanField(default=False)),
                (
                    "last_login_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_account",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A login: a username or phone number and an argon2 password hash.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AuditEntry",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="audit_entries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="audit_entries",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "on_behalf_of",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="on_behalf_of_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="audit_on_behalf",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("action", fields.CharField(db_index=True, max_length=64)),
                ("object_type", fields.CharField(default="", db_index=True, max_length=64)),
                ("object_id", fields.CharField(default="", max_length=64)),
                (
                    "before",
                    fields.JSONField(
                        null=True,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "after",
                    fields.JSONField(
                        null=True,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_audit_entry",
                "app": "core",
                "pk_attr": "id",
                "table_description": "Who did what, on whose behalf, when, with the values before and after.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Escalation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("matter_type", fields.CharField(db_index=True, max_length=64)),
                ("matter_id", fields.CharField(db_index=True, max_length=64)),
                (
                    "from_node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="from_node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="escalations_from",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "to_node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="to_node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="escalations_to",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="escalations",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("reason", fields.TextField(unique=False)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_escalation",
                "app": "core",
                "pk_attr": "id",
                "table_description": "One move of a matter up the tree.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Membership",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "household",
                    fields.ForeignKeyField(
                        "core.Household",
                        source_field="household_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="memberships",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="memberships",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("relation", fields.CharField(default="本人", max_length=16)),
                ("started_on", fields.DateField()),
                ("ended_on", fields.DateField(null=True, db_index=True)),
            ],
            options={
                "table": "core_membership",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A person's membership of a household.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PersonTag",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tags",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("tag", fields.CharField(db_index=True, max_length=32)),
            ],
            options={
                "table": "core_person_tag",
                "app": "core",
                "unique_together": (("person", "tag"),),
                "pk_attr": "id",
                "table_description": "A tag on a person (独居, 高龄, 低保 …), one row each so tags are searchable.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Role",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="roles",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("key", fields.CharField(max_length=64)),
                ("name", fields.CharField(max_length=64)),
                ("name_en", fields.CharField(default="", max_length=64)),
                (
                    "permissions",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("source", fields.CharField(default="core", max_length=64)),
            ],
            options={
                "table": "core_role",
                "app": "core",
                "unique_together": (("community", "key"),),
                "pk_attr": "id",
                "table_description": "A named bundle of permissions in a community (built-in, from a plugin, or made",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Grant",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="grants",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "role",
                    fields.ForeignKeyField(
                        "core.Role",
                        source_field="role_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="grants",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="grants",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "ends_at",
                    fields.DatetimeField(
                        null=True, db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
                (
                    "granted_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="granted_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="grants_given",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "core_grant",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A role given to an account at a node.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StoredValue",
            fields=[
                (
                    "key",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=255),
                ),
                ("value", fields.BinaryField()),
                (
                    "expires_at",
                    fields.DatetimeField(
                        null=True, db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
            ],
            options={
                "table": "core_stored_value",
                "app": "core",
                "pk_attr": "key",
                "table_description": "A key in the database store (sessions, login throttles).",
            },
            bases=["Model"],
        ),
    ]
