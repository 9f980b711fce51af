"""Every foreign key gets an index (see ``linli.domain.indexes``)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from linli.kit import AddIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_community_phones"),
        ("volunteers", "0004_call_beneficiary_person"),
    ]

    initial = False

    operations = [
        AddIndexes(
            {
                "Answer": [["volunteer_id"]],
                "Call": [
                    ["beneficiary_person_id"],
                    ["community_id"],
                    ["place_id"],
                    ["raised_by_id"],
                    ["skill_id"],
                ],
                "Correction": [["asked_by_id"], ["decided_by_id"], ["entry_id"]],
                "Hours": [["community_id"], ["decided_by_id"], ["team_id"]],
                "Membership": [["volunteer_id"]],
                "Qualification": [["noted_by_id"]],
                "Shift": [["community_id"], ["team_id"]],
                "Signup": [["volunteer_id"]],
                "Thanks": [["call_id"], ["volunteer_id"]],
                "Volunteer": [["community_id"], ["enrolled_by_id"], ["home_id"]],
            }
        ),
        # the many-to-many table's key leads with the volunteer; a skill's volunteers
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_volunteers_volunteer_skill_skill_id" '
            'ON "volunteers_volunteer_skill" ("skill_id")',
            reverse_sql='DROP INDEX IF EXISTS "idx_volunteers_volunteer_skill_skill_id"',
        ),
    ]
