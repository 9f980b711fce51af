"""Every foreign key gets an index (see ``linli.domain.indexes``)."""

from tortoise import migrations

from linli.kit import AddIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_community_phones"),
        ("requests", "0002_notifications_rate_limit_english"),
    ]

    initial = False

    operations = [
        AddIndexes(
            {
                "AgendaItem": [["body_id"], ["owner_id"], ["request_id"]],
                "ApiClient": [["community_id"], ["created_by_id"]],
                "Attendee": [["account_id"], ["meeting_id"]],
                "Category": [["body_id"]],
                "Reporter": [["person_id"]],
                "Request": [
                    ["api_client_id"],
                    ["assignee_id"],
                    ["body_id"],
                    ["category_id"],
                    ["community_id"],
                    ["duplicate_of_id"],
                    ["photo_id"],
                    ["place_id"],
                    ["recorded_by_id"],
                    ["reporter_id"],
                    ["status_id"],
                ],
                "Update": [["by_id"], ["request_id"], ["status_id"]],
            }
        ),
    ]
