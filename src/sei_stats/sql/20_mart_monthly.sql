-- Monthly marts: one row per report period (cumulative 1–X月). Money in 亿元 = 千元 / 100000.
CREATE VIEW mart.indicators_monthly AS
WITH m AS (
    SELECT period,
           sum(output_ytd)                                              AS output_k,
           sum(output_ytd) FILTER (WHERE output_ytd_prior IS NOT NULL)  AS output_comparable_k,
           sum(output_ytd_prior)                                        AS prior_k,
           sum(output_ytd * va_rate)                                    AS value_added_k,
           count(DISTINCT credit_code)                                  AS n_enterprises,
           string_agg(DISTINCT catalog_version, ',')                    AS catalog_version,
           sum(output_ytd) FILTER (WHERE imputed)                       AS imputed_k
    FROM fact.sei_lines
    GROUP BY period
)
SELECT m.period,
       m.output_k / 100000                                  AS output_value,
       m.prior_k / 100000                                   AS output_ytd_prior,
       m.output_comparable_k / nullif(m.prior_k, 0) - 1     AS output_growth,
       m.value_added_k / 100000                             AS value_added,
       g.gdp_ytd,
       (m.value_added_k / 100000) / g.gdp_ytd               AS gdp_share,
       m.n_enterprises,
       coalesce(m.imputed_k, 0) / 100000                    AS output_imputed,
       coalesce(m.imputed_k, 0) / m.output_k                AS imputed_share,
       m.catalog_version
FROM m
LEFT JOIN ref.gdp AS g ON g.year = year(m.period) AND g.quarter * 3 = month(m.period);

COMMENT ON VIEW mart.indicators_monthly IS 'SEI indicators for each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.indicators_monthly.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.indicators_monthly.output_value IS 'SEI output value this year to date, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.output_ytd_prior IS 'Same period last year, over the lines that report it, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.output_growth IS 'Comparable-basis growth (同比): output / prior − 1 over lines reporting a prior, fraction';
COMMENT ON COLUMN mart.indicators_monthly.value_added IS 'SEI value added this year to date (output × value-added rate), 亿元';
COMMENT ON COLUMN mart.indicators_monthly.gdp_ytd IS 'City GDP cumulative to this quarter end, 亿元; NULL except in months 3, 6, 9, 12';
COMMENT ON COLUMN mart.indicators_monthly.gdp_share IS 'SEI value added / GDP to the same quarter end, fraction; NULL except at quarter ends';
COMMENT ON COLUMN mart.indicators_monthly.n_enterprises IS 'Enterprises behind the figures (单位数)';
COMMENT ON COLUMN mart.indicators_monthly.output_imputed IS 'Part of output_value imputed for non-responding roster enterprises, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.imputed_share IS 'output_imputed / output_value, fraction';
COMMENT ON COLUMN mart.indicators_monthly.catalog_version IS 'Version (content hash of catalog/products.csv) of the guidance catalog that classified the period';

CREATE VIEW mart.output_by_area AS
SELECT period,
       area,
       sum(output_ytd) / 100000                                                           AS output_ytd,
       sum(output_ytd_prior) / 100000                                                     AS output_ytd_prior,
       sum(output_ytd) FILTER (WHERE output_ytd_prior IS NOT NULL) / nullif(sum(output_ytd_prior), 0) - 1 AS growth,
       count(DISTINCT credit_code)                                                        AS n_enterprises,
       coalesce(sum(output_ytd) FILTER (WHERE imputed), 0) / sum(output_ytd)              AS imputed_share
FROM fact.sei_lines
GROUP BY period, area;

COMMENT ON VIEW mart.output_by_area IS 'SEI output by the plan''s six areas for each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.output_by_area.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.output_by_area.area IS 'The plan''s area (领域), in its own Chinese name';
COMMENT ON COLUMN mart.output_by_area.output_ytd IS 'Output value this year to date, 亿元';
COMMENT ON COLUMN mart.output_by_area.output_ytd_prior IS 'Same period last year, over the lines that report it, 亿元';
COMMENT ON COLUMN mart.output_by_area.growth IS 'Comparable-basis growth (同比) over lines reporting a prior, fraction';
COMMENT ON COLUMN mart.output_by_area.n_enterprises IS 'Enterprises behind the figure (单位数), imputed ones included; an enterprise in two areas counts in both';
COMMENT ON COLUMN mart.output_by_area.imputed_share IS 'Share of output_ytd imputed for non-respondents, fraction';

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
)
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
GROUP BY l.period;

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
COMMENT ON COLUMN mart.data_quality.catalog_version IS 'Version (content hash of catalog/products.csv) of the guidance catalog that classified the period';

CREATE VIEW qa.rejects AS
WITH why AS (
    SELECT l.period, l.source_file, l.line_number, f.failure.rule AS rule, f.failure.field AS field, f.failure.message AS message
    FROM fact.received_lines AS l, LATERAL (SELECT unnest(l.failures) AS failure) AS f
    WHERE l.status = 'rejected'
    UNION ALL
    SELECT period, source_file, line_number, rule, field,
           format('rejected on review by {}: {} ({})', reviewer, note, message)
    FROM fact.flags WHERE decision = 'reject'
)
SELECT w.period, w.source_file, w.line_number, w.rule, w.field, w.message,
       l.period_reported, l.credit_code, l.enterprise_name, l.district_code, l.industry_code,
       l.product_code, l.product_name, l.output_ytd_text, l.output_ytd_prior_text
FROM why AS w JOIN fact.received_lines AS l USING (period, source_file, line_number);

COMMENT ON VIEW qa.rejects IS 'Rejected lines, one row per rule failed, with the line''s fields as received. Money as text in 千元.';
COMMENT ON COLUMN qa.rejects.period IS 'Report period (folder): first day of the month';
COMMENT ON COLUMN qa.rejects.source_file IS 'Return file, as YYYY-MM/name';
COMMENT ON COLUMN qa.rejects.line_number IS 'Line in the file (the header is line 1)';
COMMENT ON COLUMN qa.rejects.rule IS 'Name of the rule failed (docs/data-contract.md)';
COMMENT ON COLUMN qa.rejects.field IS 'Field the rule judges';
COMMENT ON COLUMN qa.rejects.message IS 'What is wrong, with the value received';
COMMENT ON COLUMN qa.rejects.period_reported IS 'The period field as written on the line (报告期)';
COMMENT ON COLUMN qa.rejects.credit_code IS 'Credit code as received (统一社会信用代码)';
COMMENT ON COLUMN qa.rejects.enterprise_name IS 'Enterprise name as received';
COMMENT ON COLUMN qa.rejects.district_code IS 'District code as received (GB/T 2260)';
COMMENT ON COLUMN qa.rejects.industry_code IS 'Industry code as received (GB/T 4754-2017)';
COMMENT ON COLUMN qa.rejects.product_code IS 'Product code as received';
COMMENT ON COLUMN qa.rejects.product_name IS 'Product name as received';
COMMENT ON COLUMN qa.rejects.output_ytd_text IS 'Output value this year to date as received, 千元 (text)';
COMMENT ON COLUMN qa.rejects.output_ytd_prior_text IS 'Output value same period last year as received, 千元 (text)';
