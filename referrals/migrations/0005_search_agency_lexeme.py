"""Every saved report's search document gains its agency's lexeme (`referrals.search`).

The GIN index is dropped for the update and built again after it: rewriting every row with
the index in place inserts each row's lexemes into it one row at a time, which at a million
reports takes several times as long as building the index once. The table is locked for the
update either way. Then VACUUM: after every row was rewritten, no page of the table is marked
all-visible, and the counts the lists rely on (index-only scans of `report_scope_idx`) would
read the table's pages until autovacuum came by (a list of 25,000 reports: 6 ms → 150 ms).
The SQL is fixed here, not imported, so that later changes to `referrals.search` do not
change what this migration did.
"""

from django.db import migrations

FORWARD = """
DROP INDEX IF EXISTS report_search_gin;
UPDATE referrals_report
SET search_vector = search_vector || array_to_tsvector(ARRAY['@agency:' || agency_id::text])
WHERE search_vector IS NOT NULL;
CREATE INDEX report_search_gin ON referrals_report USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS report_search_gin;
UPDATE referrals_report
SET search_vector = ts_delete(search_vector, '@agency:' || agency_id::text)
WHERE search_vector IS NOT NULL;
CREATE INDEX report_search_gin ON referrals_report USING gin (search_vector);
"""


def forward(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FORWARD)


def backward(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    atomic = False  # VACUUM cannot run inside a transaction; the update has its own

    dependencies = [
        ("referrals", "0004_referral_period_indexes"),
    ]

    operations = [
        migrations.RunPython(forward, backward, atomic=True),
        migrations.RunSQL("VACUUM ANALYZE referrals_report", migrations.RunSQL.noop),
    ]
