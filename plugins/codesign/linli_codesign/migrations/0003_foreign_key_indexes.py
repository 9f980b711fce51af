"""Every foreign key gets an index (see ``linli.domain.indexes``)."""

from tortoise import migrations

from linli.kit import AddIndexes


class Migration(migrations.Migration):
    dependencies = [("codesign", "0002_widget_stamp"), ("core", "0008_community_phones")]

    initial = False

    operations = [
        AddIndexes(
            {
                "Ballot": [["project_id"]],
                "Comment": [["author_id"], ["hidden_by_id"], ["proposal_id"]],
                "Contribution": [["decided_by_id"], ["person_id"], ["project_id"]],
                "Project": [["created_by_id"], ["place_id"]],
                "Proposal": [["author_id"], ["hidden_by_id"], ["image_id"], ["project_id"]],
                "Support": [["person_id"]],
                "SurveyAnswer": [["person_id"]],
                "Task": [["project_id"]],
                "Update": [["author_id"], ["image_id"], ["project_id"]],
                "Voter": [["person_id"]],
            }
        ),
    ]
