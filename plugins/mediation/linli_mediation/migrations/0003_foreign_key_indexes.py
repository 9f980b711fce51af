"""Every foreign key gets an index (see ``linli.domain.indexes``)."""

from tortoise import migrations

from linli.kit import AddIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_community_phones"),
        ("mediation", "0002_parties_by_contact_refusals"),
    ]

    initial = False

    operations = [
        AddIndexes(
            {
                "Agreement": [["created_by_id"]],
                "Assignment": [["account_id"], ["cleared_by_id"]],
                "Attachment": [["added_by_id"], ["case_id"], ["upload_id"]],
                "Case": [["created_by_id"], ["node_id"], ["place_id"], ["studio_id"]],
                "FollowUp": [["case_id"], ["recorded_by_id"]],
                "Party": [["case_id"], ["person_id"]],
                "Session": [["case_id"], ["recorded_by_id"]],
                "Signature": [["party_id"], ["recorded_by_id"]],
                "Studio": [["host_id"], ["node_id"]],
                "Transition": [["actor_id"], ["case_id"]],
            }
        ),
    ]
