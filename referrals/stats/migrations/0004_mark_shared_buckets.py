"""Statement-level triggers that mark the buckets of *shared* figures (stats_dirtybucket rows
with `shared`: the receiving agency and the month of the report; the refresh recomputes every
reach that agency belongs to):

* on referrals_share: a share that is, or was, active — created active, activated, revoked,
  moved to another report or agency, deleted;
* on referrals_report: a change the figures depend on (as in 0002) to a report with shares
  marks each receiving agency, in the old and the new month.

Months are the UTC months of the time ±14 hours, as in 0002. The first refresh after this
migration computes every shared row (RefreshState.hierarchy is still empty).
"""

from django.db import migrations

MONTHS = """
    CROSS JOIN LATERAL (VALUES
        (date_trunc('month', ({t} AT TIME ZONE 'UTC') - interval '14 hours')::date),
        (date_trunc('month', ({t} AT TIME ZONE 'UTC') + interval '14 hours')::date)
    ) AS m(month)
"""

SHARE_CHANGED = """
    ROW(o.status = 'active', o.agency_id, o.report_id)
    IS DISTINCT FROM ROW(n.status = 'active', n.agency_id, n.report_id)
"""

REPORT_CHANGED = """
    ROW((o.status = 'draft'), o.agency_id, o.occurred_at, o.categories, o.source, o.region_id,
        o.destination_country, o.person_count)
    IS DISTINCT FROM
    ROW((n.status = 'draft'), n.agency_id, n.occurred_at, n.categories, n.source, n.region_id,
        n.destination_country, n.person_count)
"""

SHARE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION stats_mark_share_buckets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO stats_dirtybucket (agency_id, month, shared)
        SELECT DISTINCT n.agency_id, m.month, true
        FROM new_rows n JOIN referrals_report r ON r.id = n.report_id
        {MONTHS.format(t="r.occurred_at")}
        WHERE n.status = 'active';
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO stats_dirtybucket (agency_id, month, shared)
        SELECT DISTINCT o.agency_id, m.month, true
        FROM old_rows o JOIN referrals_report r ON r.id = o.report_id
        {MONTHS.format(t="r.occurred_at")}
        WHERE o.status = 'active';
    ELSE
        INSERT INTO stats_dirtybucket (agency_id, month, shared)
        SELECT DISTINCT c.agency_id, m.month, true
        FROM (
            SELECT o.agency_id, o.report_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.status = 'active' AND {SHARE_CHANGED}
            UNION ALL
            SELECT n.agency_id, n.report_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.status = 'active' AND {SHARE_CHANGED}
        ) AS c
        JOIN referrals_report r ON r.id = c.report_id
        {MONTHS.format(t="r.occurred_at")};
    END IF;
    RETURN NULL;
END;
$$;
"""

REPORT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION stats_mark_report_receivers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats_dirtybucket (agency_id, month, shared)
    SELECT DISTINCT sh.agency_id, m.month, true
    FROM (
        SELECT n.id, o.occurred_at
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE {REPORT_CHANGED}
        UNION ALL
        SELECT n.id, n.occurred_at
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE {REPORT_CHANGED}
    ) AS c
    JOIN referrals_share sh ON sh.report_id = c.id AND sh.status = 'active'
    {MONTHS.format(t="c.occurred_at")};
    RETURN NULL;
END;
$$;
"""

TRIGGERS = """
CREATE TRIGGER stats_share_insert AFTER INSERT ON referrals_share
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_share_buckets();
CREATE TRIGGER stats_share_update AFTER UPDATE ON referrals_share
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_share_buckets();
CREATE TRIGGER stats_share_delete AFTER DELETE ON referrals_share
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_share_buckets();
CREATE TRIGGER stats_report_receivers AFTER UPDATE ON referrals_report
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_report_receivers();
"""

DROP = """
DROP TRIGGER IF EXISTS stats_share_insert ON referrals_share;
DROP TRIGGER IF EXISTS stats_share_update ON referrals_share;
DROP TRIGGER IF EXISTS stats_share_delete ON referrals_share;
DROP TRIGGER IF EXISTS stats_report_receivers ON referrals_report;
DROP FUNCTION IF EXISTS stats_mark_share_buckets();
DROP FUNCTION IF EXISTS stats_mark_report_receivers();
"""


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_shared_parts")]

    operations = [
        migrations.RunSQL(SHARE_FUNCTION + REPORT_FUNCTION + TRIGGERS, reverse_sql=DROP),
    ]
