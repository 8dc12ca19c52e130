"""Statement-level triggers on referrals_report that write the (agency, month) buckets a change
touches into stats_dirtybucket, from the transition tables: one INSERT per statement however
many rows it changed (a bulk import costs one pass, not one trigger call per row).

Only what the figures depend on counts: a draft is never counted, and an update marks its
buckets only when the agency, the time, being a draft, the categories, the source, the place,
the destination or the number of persons changed (not for a review step or a new search
document). The month is the UTC month of the time ±14 hours: the trigger does not know the
portal's time zone, and every zone's local month is one of those two.
"""

from django.db import migrations

CHANGED = """
    ROW((o.status = 'draft'), o.agency_id, o.occurred_at, o.categories, o.source, o.region_id,
        o.destination_country, o.person_count)
    IS DISTINCT FROM
    ROW((n.status = 'draft'), n.agency_id, n.occurred_at, n.categories, n.source, n.region_id,
        n.destination_country, n.person_count)
"""

FUNCTION = f"""
CREATE OR REPLACE FUNCTION stats_mark_report_buckets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO stats_dirtybucket (agency_id, month)
        SELECT DISTINCT n.agency_id, m.month
        FROM new_rows n
        CROSS JOIN LATERAL (VALUES
            (date_trunc('month', (n.occurred_at AT TIME ZONE 'UTC') - interval '14 hours')::date),
            (date_trunc('month', (n.occurred_at AT TIME ZONE 'UTC') + interval '14 hours')::date)
        ) AS m(month)
        WHERE n.status <> 'draft';
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO stats_dirtybucket (agency_id, month)
        SELECT DISTINCT o.agency_id, m.month
        FROM old_rows o
        CROSS JOIN LATERAL (VALUES
            (date_trunc('month', (o.occurred_at AT TIME ZONE 'UTC') - interval '14 hours')::date),
            (date_trunc('month', (o.occurred_at AT TIME ZONE 'UTC') + interval '14 hours')::date)
        ) AS m(month)
        WHERE o.status <> 'draft';
    ELSE
        INSERT INTO stats_dirtybucket (agency_id, month)
        SELECT DISTINCT c.agency_id, m.month
        FROM (
            SELECT o.agency_id, o.occurred_at
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.status <> 'draft' AND {CHANGED}
            UNION ALL
            SELECT n.agency_id, n.occurred_at
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.status <> 'draft' AND {CHANGED}
        ) AS c
        CROSS JOIN LATERAL (VALUES
            (date_trunc('month', (c.occurred_at AT TIME ZONE 'UTC') - interval '14 hours')::date),
            (date_trunc('month', (c.occurred_at AT TIME ZONE 'UTC') + interval '14 hours')::date)
        ) AS m(month);
    END IF;
    RETURN NULL;
END;
$$;
"""

TRIGGERS = """
CREATE TRIGGER stats_report_insert AFTER INSERT ON referrals_report
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_report_buckets();
CREATE TRIGGER stats_report_update AFTER UPDATE ON referrals_report
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_report_buckets();
CREATE TRIGGER stats_report_delete AFTER DELETE ON referrals_report
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_report_buckets();
"""

DROP = """
DROP TRIGGER IF EXISTS stats_report_insert ON referrals_report;
DROP TRIGGER IF EXISTS stats_report_update ON referrals_report;
DROP TRIGGER IF EXISTS stats_report_delete ON referrals_report;
DROP FUNCTION IF EXISTS stats_mark_report_buckets();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_report_summary"),
        ("referrals", "0002_referral_referralcomment_share_referralevent_and_more"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION + TRIGGERS, reverse_sql=DROP),
        # The figures of the reports that exist already.
        migrations.RunSQL(
            """
            INSERT INTO stats_dirtybucket (agency_id, month)
            SELECT DISTINCT r.agency_id, m.month
            FROM referrals_report r
            CROSS JOIN LATERAL (VALUES
                (date_trunc('month', (r.occurred_at AT TIME ZONE 'UTC') - interval '14 hours')::date),
                (date_trunc('month', (r.occurred_at AT TIME ZONE 'UTC') + interval '14 hours')::date)
            ) AS m(month)
            WHERE r.status <> 'draft'
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
