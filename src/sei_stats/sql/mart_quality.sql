-- What each period received and where it landed, and each rule confronted with each period.

CREATE VIEW mart.data_quality AS
WITH lines AS MATERIALIZED (SELECT * FROM fact.lines),
sei AS MATERIALIZED (
    SELECT period, sum(output_ytd) AS sei_k, sum(output_ytd) FILTER (WHERE va_rate IS NULL) AS output_no_va_rate_k
    FROM fact.sei_lines GROUP BY period
),
flags AS (
    SELECT period,
           count(*) FILTER (WHERE severity = 'warn' AND decision IS NULL)        AS warnings_open,
           count(*) FILTER (WHERE severity = 'warn' AND decision IS NOT NULL)    AS warnings_resolved,
           count(*) FILTER (WHERE severity = 'hold' AND decision IS NOT NULL)    AS holds_resolved
    FROM fact.flags GROUP BY period
), response AS (  -- roster enterprises that sent a return, whatever became of its lines (a year without a roster: NULL)
    SELECT p.period, count(*) AS roster_enterprises, count(a.credit_code) AS respondents
    FROM (SELECT DISTINCT period FROM lines) AS p
    JOIN ref.roster AS r ON r.year = year(p.period)
    LEFT JOIN (SELECT DISTINCT period, credit_code FROM lines WHERE status <> 'not_a_return') AS a
           ON a.period = p.period AND a.credit_code = r.credit_code
    GROUP BY p.period
), imputed AS (
    SELECT i.period, count(DISTINCT i.credit_code) AS imputed_enterprises,
           sum(i.output_ytd) FILTER (WHERE i.is_sei) AS imputed_k
    FROM fact.imputed_in_force AS i GROUP BY i.period
), value AS (  -- output as reported, by final bucket; lines whose text is no number add nothing
    SELECT period,
           sum(reported) FILTER (WHERE status = 'accepted')     AS accepted_k,
           sum(reported) FILTER (WHERE status = 'rejected')     AS rejected_k,
           sum(reported) FILTER (WHERE status = 'superseded')   AS superseded_k,
           sum(reported) FILTER (WHERE status = 'duplicate')    AS duplicate_k,
           sum(reported) FILTER (WHERE status = 'not_a_return') AS not_a_return_k,
           sum(reported) FILTER (WHERE status = 'held')         AS held_k
    FROM (SELECT period, status, TRY_CAST(output_ytd_text AS DECIMAL(18, 3)) AS reported FROM lines)
    GROUP BY period
),
q AS (
    SELECT l.period,
           count(*)                                                                  AS rows_received,
           count(*) FILTER (WHERE l.status = 'accepted')                               AS rows_accepted,
           count(*) FILTER (WHERE l.status = 'rejected')                               AS rows_rejected,
           count(*) FILTER (WHERE l.status = 'superseded')                             AS rows_superseded,
           count(*) FILTER (WHERE l.status = 'duplicate')                              AS rows_duplicate,
           count(*) FILTER (WHERE l.status = 'not_a_return')                           AS rows_not_a_return,
           count(*) FILTER (WHERE l.status = 'held')                                   AS rows_held,
           count(*) FILTER (WHERE l.status = 'accepted' AND l.output_ytd_prior IS NULL)  AS rows_blank_prior,
           count(*) FILTER (WHERE l.status = 'accepted' AND NOT is_sei)                AS rows_unclassified,
           coalesce(sum(l.output_ytd) FILTER (WHERE l.status = 'accepted' AND NOT is_sei), 0) / 100000 AS output_unclassified,
           coalesce(max(v.output_no_va_rate_k), 0) / 100000                          AS output_no_va_rate,
           coalesce(sum(TRY_CAST(l.output_ytd_text AS DECIMAL(18, 3))), 0) / 100000    AS output_received,
           coalesce(max(b.accepted_k), 0) / 100000   AS output_accepted,
           coalesce(max(b.rejected_k), 0) / 100000   AS output_rejected,
           coalesce(max(b.superseded_k), 0) / 100000 AS output_superseded,
           coalesce(max(b.duplicate_k), 0) / 100000  AS output_duplicate,
           coalesce(max(b.not_a_return_k), 0) / 100000 AS output_not_a_return,
           coalesce(max(b.held_k), 0) / 100000       AS output_held,
           coalesce(max(f.warnings_open), 0)                                         AS warnings_open,
           coalesce(max(f.warnings_resolved), 0)                                     AS warnings_resolved,
           coalesce(max(f.holds_resolved), 0)                                        AS holds_resolved,
           max(r.roster_enterprises)                                                 AS roster_enterprises,
           max(r.respondents)                                                        AS respondents,
           max(r.respondents) / max(r.roster_enterprises)                            AS response_rate,
           coalesce(max(i.imputed_enterprises), 0)                                   AS imputed_enterprises,
           coalesce(max(i.imputed_k), 0) / 100000                                    AS output_imputed,
           coalesce(max(i.imputed_k) / max(v.sei_k), 0)                              AS imputed_share,
           coalesce(sum(l.output_ytd) FILTER (WHERE l.status = 'accepted' AND NOT l.is_sei), 0)
               / nullif(sum(l.output_ytd) FILTER (WHERE l.status = 'accepted'), 0)   AS unclassified_share,
           string_agg(DISTINCT l.catalog_version, ',')                               AS catalog_version
    FROM lines AS l
    LEFT JOIN sei AS v USING (period)
    LEFT JOIN value AS b ON b.period = l.period
    LEFT JOIN flags AS f ON f.period = l.period
    LEFT JOIN response AS r ON r.period = l.period
    LEFT JOIN imputed AS i ON i.period = l.period
    GROUP BY l.period
)
SELECT q.*,
       q.rows_received = q.rows_accepted + q.rows_rejected + q.rows_superseded + q.rows_duplicate
                         + q.rows_not_a_return + q.rows_held                                 AS identity_rows_ok,
       q.output_received - (q.output_accepted + q.output_rejected + q.output_superseded + q.output_duplicate
                            + q.output_not_a_return + q.output_held)                         AS identity_output_gap,
       abs(identity_output_gap) <= t.value                                                   AS identity_output_ok
FROM q, (SELECT value FROM ref.settings WHERE section = 'checks' AND name = 'identity_output_tolerance') AS t;

COMMENT ON VIEW mart.data_quality IS 'What each report period received and where it landed: received = accepted + rejected + superseded + duplicate + not_a_return + held, for lines and for output.';
COMMENT ON COLUMN mart.data_quality.period IS 'Report period: first day of the month';
COMMENT ON COLUMN mart.data_quality.rows_received IS 'Non-blank lines below the header in the period''s files';
COMMENT ON COLUMN mart.data_quality.rows_accepted IS 'Lines in the figures';
COMMENT ON COLUMN mart.data_quality.rows_rejected IS 'Lines that failed a reject rule or were rejected on review (qa.rejects)';
COMMENT ON COLUMN mart.data_quality.rows_superseded IS 'Lines replaced by a correction in a later file';
COMMENT ON COLUMN mart.data_quality.rows_duplicate IS 'Exact repeats of another line (the first one counts)';
COMMENT ON COLUMN mart.data_quality.rows_not_a_return IS 'Total rows and repeated header rows: no return at all';
COMMENT ON COLUMN mart.data_quality.rows_held IS 'Lines kept out of the figures until a reviewer decides (qa.review_queue)';
COMMENT ON COLUMN mart.data_quality.rows_blank_prior IS 'Accepted lines without a same-period-last-year value: in the level, not in growth';
COMMENT ON COLUMN mart.data_quality.rows_unclassified IS 'Accepted lines that no catalog entry matches (not SEI)';
COMMENT ON COLUMN mart.data_quality.output_unclassified IS 'Output value of the unclassified lines this year to date, 亿元';
COMMENT ON COLUMN mart.data_quality.output_no_va_rate IS 'SEI output whose year and division have no value-added rate (left out of value added), 亿元';
COMMENT ON COLUMN mart.data_quality.output_received IS 'Output as reported on every line whose value is a number, 亿元 (= the sum of the bucket outputs)';
COMMENT ON COLUMN mart.data_quality.output_accepted IS 'Output as reported on accepted lines, 亿元 (before review corrections)';
COMMENT ON COLUMN mart.data_quality.output_rejected IS 'Output as reported on rejected lines whose value is a number, 亿元';
COMMENT ON COLUMN mart.data_quality.output_superseded IS 'Output as reported on superseded lines, 亿元';
COMMENT ON COLUMN mart.data_quality.output_duplicate IS 'Output as reported on duplicate lines, 亿元';
COMMENT ON COLUMN mart.data_quality.output_not_a_return IS 'Output written on total and header rows, 亿元 (never counted)';
COMMENT ON COLUMN mart.data_quality.output_held IS 'Output as reported on held lines, 亿元';
COMMENT ON COLUMN mart.data_quality.warnings_open IS 'Warnings on lines in the period no reviewer has decided';
COMMENT ON COLUMN mart.data_quality.warnings_resolved IS 'Warnings a reviewer has decided';
COMMENT ON COLUMN mart.data_quality.holds_resolved IS 'Holds a reviewer has decided';
COMMENT ON COLUMN mart.data_quality.roster_enterprises IS 'Enterprises the year''s roster (raw/roster/YYYY.csv) expects to report; NULL without a roster';
COMMENT ON COLUMN mart.data_quality.respondents IS 'Roster enterprises that sent a return this month (any line but a total or header row)';
COMMENT ON COLUMN mart.data_quality.response_rate IS 'respondents / roster_enterprises, fraction';
COMMENT ON COLUMN mart.data_quality.imputed_enterprises IS 'Non-respondents whose output was imputed';
COMMENT ON COLUMN mart.data_quality.output_imputed IS 'Imputed SEI output, 亿元';
COMMENT ON COLUMN mart.data_quality.imputed_share IS 'Imputed share of SEI output, fraction';
COMMENT ON COLUMN mart.data_quality.unclassified_share IS 'Unclassified share of accepted output, fraction';
COMMENT ON COLUMN mart.data_quality.identity_rows_ok IS 'The conservation identity for lines: rows_received = the sum of the six bucket row counts';
COMMENT ON COLUMN mart.data_quality.identity_output_gap IS 'output_received − the sum of the six bucket outputs, 亿元 (0 up to rounding)';
COMMENT ON COLUMN mart.data_quality.identity_output_ok IS 'The conservation identity for output: |identity_output_gap| within the setting checks.identity_output_tolerance (亿元)';
COMMENT ON COLUMN mart.data_quality.catalog_version IS 'Version (content hash of catalog/products.csv) of the guidance catalog that classified the period';

-- Each rule confronted with each period, as Statistics Netherlands' validate does. Line-level rules
-- (landing): items are the lines judged (all received lines for the rules that find non-returns, the
-- others judge returns only), missing are lines whose field is empty, fails are lines with a finding.
-- Cross-period rules (fact.rule_findings): items are accepted lines, each with its outcome.
CREATE VIEW mart.rule_results AS
WITH lines AS (SELECT * FROM fact.received_lines),
judged AS (
    SELECT period,
           count(*) AS received,
           count(*) FILTER (WHERE status <> 'not_a_return') AS returns
    FROM lines GROUP BY period
),
empty AS (  -- returns whose field is empty, by field
    SELECT period, field, count(*) FILTER (WHERE value IS NULL) AS n
    FROM (SELECT period, period_reported AS "period_", credit_code, district_code, industry_code, output_ytd_text, output_ytd_prior_text
          FROM lines WHERE status <> 'not_a_return')
    UNPIVOT INCLUDE NULLS (value FOR field IN ("period_" AS 'period', credit_code, district_code, industry_code,
                                               output_ytd_text AS 'output_ytd', output_ytd_prior_text AS 'output_ytd_prior'))
    GROUP BY ALL
),
found AS (
    SELECT l.period, f.failure.rule AS rule, count(DISTINCT (l.source_file, l.line_number)) AS fails
    FROM lines AS l, LATERAL (SELECT unnest(l.failures) AS failure) AS f
    GROUP BY ALL
),
line_rules AS (
    SELECT j.period, r.name AS rule,
           CASE WHEN r.severity = 'not_a_return' THEN j.received ELSE j.returns END AS items,
           coalesce(f.fails, 0) AS fails,
           -- a rule on emptiness itself, or on whole lines or lines among lines, judges every line
           CASE WHEN r.name IN ('required', 'output_ytd_missing') OR r.level IN ('record', 'cross-record') THEN 0
                ELSE coalesce(e.n, 0) END AS missing
    FROM judged AS j
    CROSS JOIN ref.rules AS r
    LEFT JOIN found AS f ON f.period = j.period AND f.rule = r.name
    LEFT JOIN empty AS e ON e.period = j.period AND e.field = r.field
    WHERE r.engine IN ('pandera', 'python')
),
period_rules AS (
    SELECT period, rule, count(*) AS items, count(*) FILTER (WHERE outcome = 'fail') AS fails,
           count(*) FILTER (WHERE outcome = 'missing') AS missing
    FROM fact.rule_findings GROUP BY period, rule
)
SELECT x.period, x.rule, r.level, r.severity, x.items, x.items - x.fails - x.missing AS passes, x.fails, x.missing
FROM (SELECT * FROM line_rules UNION ALL SELECT * FROM period_rules) AS x
JOIN ref.rules AS r ON r.name = x.rule
ORDER BY x.period, r.level, x.rule;

COMMENT ON VIEW mart.rule_results IS 'Each rule confronted with each report period, as Statistics Netherlands'' validate does: items = passes + fails + missing (lines).';
COMMENT ON COLUMN mart.rule_results.period IS 'Report period: first day of the month';
COMMENT ON COLUMN mart.rule_results.rule IS 'Rule name (schemas/rules.yaml)';
COMMENT ON COLUMN mart.rule_results.level IS 'field, record, cross-record, cross-period or cross-source';
COMMENT ON COLUMN mart.rule_results.severity IS 'reject, hold, warn, not_a_return or duplicate';
COMMENT ON COLUMN mart.rule_results.items IS 'Lines the rule judged';
COMMENT ON COLUMN mart.rule_results.passes IS 'Lines that passed';
COMMENT ON COLUMN mart.rule_results.fails IS 'Lines that failed';
COMMENT ON COLUMN mart.rule_results.missing IS 'Lines the rule could not judge (the field empty, or nothing to compare with)';
