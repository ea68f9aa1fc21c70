"""Indexes on Wagtail's own tables for the queries every public page runs.

- Live pages by expiry time (``cms.visibility.expired_pages``, part of every
  listing and of the content version): a partial index, so the usual "no page has
  expired" answer is one index probe rather than a scan of the page tree.
- PostgreSQL full-text search: Wagtail's database backend matches
  ``title || body`` against the query, an expression its own GIN indexes (one per
  column) cannot answer, so every search scanned every index entry. This GIN
  index is on that expression.
"""

from django.db import migrations

EXPIRY_INDEX = "cms_page_live_expire_at"
FULLTEXT_INDEX = "cms_indexentry_title_body"


def create(apps, schema_editor):
    execute = schema_editor.execute
    execute(
        f"CREATE INDEX IF NOT EXISTS {EXPIRY_INDEX} ON wagtailcore_page (expire_at) "
        "WHERE live AND expire_at IS NOT NULL"
    )
    if schema_editor.connection.vendor == "postgresql":
        execute(
            f"CREATE INDEX IF NOT EXISTS {FULLTEXT_INDEX} "
            "ON wagtailsearch_indexentry USING GIN ((title || body))"
        )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {EXPIRY_INDEX}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {FULLTEXT_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_webhooktarget_webhookdelivery"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
