"""Every foreign key gets an index (see ``linli.domain.indexes``)."""

from tortoise import migrations

from linli.kit import AddIndexes


class Migration(migrations.Migration):
    dependencies = [("care", "0002_timeline_kind"), ("core", "0008_community_phones")]

    initial = False

    operations = [
        AddIndexes(
            {
                "Attendance": [["person_id"]],
                "Carer": [["carer_id"], ["community_id"]],
                "Enrolment": [["enrolled_by_id"], ["guardian_id"], ["person_id"]],
                "FollowUp": [["community_id"], ["node_id"], ["person_id"], ["resolved_by_id"]],
                "HealthNote": [["community_id"], ["person_id"], ["written_by_id"]],
                "Member": [["building_id"], ["community_id"], ["node_id"], ["person_id"]],
                "Programme": [["community_id"]],
                "Session": [["programme_id"]],
                "TimelineEntry": [["person_id"]],
                "Visit": [["carer_id"], ["community_id"], ["person_id"], ["recorded_by_id"]],
            }
        ),
    ]
