"""Every foreign key gets an index (see ``linli.domain.indexes``)."""

from tortoise import migrations

from linli.kit import AddIndexes


class Migration(migrations.Migration):
    dependencies = [("core", "0008_community_phones"), ("council", "0004_widget_stamp")]

    initial = False

    operations = [
        AddIndexes(
            {
                "ActionItem": [["meeting_id"], ["topic_id"]],
                "AgendaItem": [["topic_id"]],
                "Attendee": [["meeting_id"]],
                "Meeting": [["approved_by_id"], ["community_id"], ["place_id"]],
                "Need": [
                    ["author_id"],
                    ["community_id"],
                    ["merged_into_id"],
                    ["photo_id"],
                    ["place_id"],
                    ["raised_by_id"],
                    ["topic_id"],
                ],
                "NeedSupport": [["person_id"]],
                "TimelineEntry": [["by_id"], ["topic_id"]],
                "Topic": [["community_id"], ["node_id"], ["owner_id"], ["place_id"]],
            }
        ),
    ]
