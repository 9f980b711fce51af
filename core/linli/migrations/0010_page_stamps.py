"""Stamps over the core's tables that pages show, so that a page made of them is kept
rendered until one of them changes (:mod:`linli.web.page_cache`): ``people`` (the
register: accounts, people, households, memberships, tags), ``inbox`` (notifications
and their delivery) and ``files`` (uploads). Sessions, the event outbox, jobs and the
audit trail change on their own all day and raise nothing: a page that reads them is
rendered every time."""

from tortoise import migrations

from linli.domain.stamps import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0009_foreign_key_indexes")]

    operations = [
        stamp_tables(
            "people",
            [
                "core_account",
                "core_person",
                "core_household",
                "core_membership",
                "core_person_tag",
            ],
        ),
        stamp_tables(
            "inbox",
            ["core_notification", "core_notification_preference", "core_notification_dispatch"],
        ),
        stamp_tables("files", ["core_upload"]),
    ]
