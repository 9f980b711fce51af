"""Every foreign key gets an index: PostgreSQL and SQLite index none by themselves, so
a page that follows a relation from its other end (an entry's postings, a person's
memberships, a node's children) read the whole table once the community had years of
data (linli's convention, checked by ``linli plugins check``)."""

from tortoise import migrations

from linli.domain.indexes import AddIndexes, sqlite_repair


class Migration(migrations.Migration):
    dependencies = [("core", "0008_community_phones")]

    initial = False

    operations = [
        AddIndexes(
            {
                "AuditEntry": [["actor_id"], ["community_id"], ["on_behalf_of_id"]],
                "Dispatch": [["account_id"], ["community_id"], ["node_id"], ["person_id"]],
                "Escalation": [["actor_id"], ["from_node_id"], ["to_node_id"]],
                "Grant": [["granted_by_id"], ["node_id"], ["role_id"]],
                "Household": [["node_id"]],
                "JobRun": [["community_id"]],
                "Membership": [["household_id"], ["person_id"]],
                "Node": [["community_id"], ["covers_id"], ["kind_id"], ["parent_id"]],
                "Notification": [["community_id"], ["person_id"]],
                "OutboxEvent": [["community_id"]],
                "Person": [["community_id"]],
                "PluginSettings": [["changed_by_id"]],
                "Upload": [["community_id"], ["created_by_id"]],
            }
        ),
        sqlite_repair("core_grant", "account_id"),
    ]
