-- Review queue, audit trail, and each rule confronted with each month (items, passes, fails, missing).

CREATE VIEW qa.review_queue AS
SELECT f.period, f.severity, f.rule, f.credit_code, f.enterprise_name, f.product, f.output_ytd, f.message,
       f.source_file, f.line_number
FROM fact.flags AS f
JOIN fact.lines AS l USING (period, source_file, line_number)
WHERE f.decision IS NULL AND l.status IN ('accepted', 'held')
ORDER BY f.period, f.severity, f.rule, f.credit_code;

COMMENT ON VIEW qa.review_queue IS 'Findings that wait for a reviewer: holds keep their lines out of the figures. Decide in raw/reviews/YYYY-MM.csv. Money in 千元.';
COMMENT ON COLUMN qa.review_queue.period IS 'Report period: first day of the month';
COMMENT ON COLUMN qa.review_queue.severity IS 'hold (out of the figures until decided) or warn (in the figures)';
COMMENT ON COLUMN qa.review_queue.rule IS 'Rule found (schemas/rules.yaml); copy it into the review file';
COMMENT ON COLUMN qa.review_queue.credit_code IS 'Enterprise (统一社会信用代码); copy it into the review file';
COMMENT ON COLUMN qa.review_queue.enterprise_name IS 'Enterprise name';
COMMENT ON COLUMN qa.review_queue.product IS 'Product code, or name where the line has none; copy it into the review file';
COMMENT ON COLUMN qa.review_queue.output_ytd IS 'Output value this year to date as reported, 千元';
COMMENT ON COLUMN qa.review_queue.message IS 'What the rule found';
COMMENT ON COLUMN qa.review_queue.source_file IS 'Return file, as YYYY-MM/name';
COMMENT ON COLUMN qa.review_queue.line_number IS 'Line in the file (the header is line 1)';

CREATE VIEW qa.review_log AS
SELECT f.period, f.rule, f.severity, f.credit_code, f.enterprise_name, f.product, f.decision,
       f.output_ytd AS original_value, f.corrected_value, f.reviewer, f.note, f.review_file, f.source_file, f.line_number
FROM fact.flags AS f
WHERE f.decision IS NOT NULL;

COMMENT ON VIEW qa.review_log IS 'The audit trail: every reviewer decision, with the value as reported and the value that replaced it. Money in 千元.';
COMMENT ON COLUMN qa.review_log.period IS 'Report period: first day of the month';
COMMENT ON COLUMN qa.review_log.rule IS 'Rule decided on';
COMMENT ON COLUMN qa.review_log.severity IS 'hold or warn';
COMMENT ON COLUMN qa.review_log.credit_code IS 'Enterprise (统一社会信用代码)';
COMMENT ON COLUMN qa.review_log.enterprise_name IS 'Enterprise name';
COMMENT ON COLUMN qa.review_log.product IS 'Product code, or name where the line has none';
COMMENT ON COLUMN qa.review_log.decision IS 'accept, reject or correct';
COMMENT ON COLUMN qa.review_log.original_value IS 'Output value this year to date as reported, 千元';
COMMENT ON COLUMN qa.review_log.corrected_value IS 'For correct: the value in the figures instead, 千元';
COMMENT ON COLUMN qa.review_log.reviewer IS 'Who decided';
COMMENT ON COLUMN qa.review_log.note IS 'The reviewer''s note';
COMMENT ON COLUMN qa.review_log.review_file IS 'The review file';
COMMENT ON COLUMN qa.review_log.source_file IS 'Return file of the line';
COMMENT ON COLUMN qa.review_log.line_number IS 'Line in the file';

-- Line-level rules: items are the lines judged (all received lines for the rules that find non-returns;
-- the others judge returns only); missing are lines whose field is empty (the rule cannot judge them);
-- fails are lines with a finding. Cross-period rules: items are accepted lines; NULL is missing.
CREATE VIEW mart.rule_results AS
WITH lines AS (SELECT * FROM fact.received_lines),
judged AS (
    SELECT period,
           count(*) AS received,
           count(*) FILTER (WHERE status <> 'not_a_return') AS returns,
           count(*) FILTER (WHERE status <> 'not_a_return' AND period_reported IS NULL) AS empty_period,
           count(*) FILTER (WHERE status <> 'not_a_return' AND credit_code IS NULL) AS empty_credit_code,
           count(*) FILTER (WHERE status <> 'not_a_return' AND district_code IS NULL) AS empty_district_code,
           count(*) FILTER (WHERE status <> 'not_a_return' AND industry_code IS NULL) AS empty_industry_code,
           count(*) FILTER (WHERE status <> 'not_a_return' AND output_ytd_text IS NULL) AS empty_output_ytd,
           count(*) FILTER (WHERE status <> 'not_a_return' AND output_ytd_prior_text IS NULL) AS empty_output_ytd_prior
    FROM lines GROUP BY period
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
           CASE WHEN r.name IN ('required', 'output_ytd_missing') OR r.severity IN ('not_a_return', 'duplicate', 'hold') THEN 0
                WHEN r.field = 'period' THEN j.empty_period
                WHEN r.field = 'credit_code' THEN j.empty_credit_code
                WHEN r.field = 'district_code' THEN j.empty_district_code
                WHEN r.field = 'industry_code' THEN j.empty_industry_code
                WHEN r.field = 'output_ytd' THEN j.empty_output_ytd
                WHEN r.field = 'output_ytd_prior' THEN j.empty_output_ytd_prior
                ELSE 0 END AS missing
    FROM judged AS j
    CROSS JOIN ref.rules AS r
    LEFT JOIN found AS f ON f.period = j.period AND f.rule = r.name
    WHERE r.engine IN ('pandera', 'python')
),
cross_period AS (
    SELECT period, 'unit_error_suspected' AS rule, unit_error_suspected AS failed FROM fact.cross_period_checks
    UNION ALL SELECT period, 'ytd_below_previous_month', ytd_below_previous_month FROM fact.cross_period_checks
    UNION ALL SELECT period, 'prior_differs_from_last_year', prior_differs_from_last_year FROM fact.cross_period_checks
    UNION ALL SELECT period, 'growth_outlier', growth_outlier FROM fact.cross_period_checks
),
period_rules AS (  -- one row per accepted line and rule: NULL is missing
    SELECT period, rule, count(*) AS items, count(*) FILTER (WHERE failed) AS fails,
           count(*) FILTER (WHERE failed IS NULL) AS missing
    FROM cross_period GROUP BY period, rule
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

-- Internal: the enterprises that moved the month's SEI output most (enterprise-level data: never published).
CREATE VIEW qa.largest_contributors AS
WITH e AS (
    SELECT period, credit_code, any_value(enterprise_name) AS enterprise_name,
           string_agg(DISTINCT area, ',' ORDER BY area) AS area, sum(output_ytd) AS ytd
    FROM fact.sei_lines GROUP BY period, credit_code
), c AS (
    -- a month's own output is the change of the year to date; January starts the year afresh
    SELECT e.*, coalesce(p.ytd, 0) AS previous_ytd, e.ytd - coalesce(p.ytd, 0) AS change
    FROM e LEFT JOIN e AS p
      ON p.credit_code = e.credit_code AND p.period = CAST(e.period - INTERVAL 1 MONTH AS DATE) AND month(e.period) > 1
), ranked AS (
    SELECT c.*, row_number() OVER (PARTITION BY period ORDER BY abs(change) DESC, credit_code) AS rank,
           sum(change) OVER (PARTITION BY period) AS total_change
    FROM c
)
SELECT period, rank, credit_code, enterprise_name, area, ytd / 100000 AS output_ytd, previous_ytd / 100000 AS previous_output_ytd,
       change / 100000 AS change, change / nullif(total_change, 0) AS share_of_change
FROM ranked WHERE rank <= 10
ORDER BY period, rank;

COMMENT ON VIEW qa.largest_contributors IS 'INTERNAL (enterprise-level): the ten enterprises that moved each month''s SEI output most. Money in 亿元.';
COMMENT ON COLUMN qa.largest_contributors.period IS 'Report period: first day of the month';
COMMENT ON COLUMN qa.largest_contributors.rank IS '1 = largest absolute change';
COMMENT ON COLUMN qa.largest_contributors.credit_code IS 'Enterprise (统一社会信用代码)';
COMMENT ON COLUMN qa.largest_contributors.enterprise_name IS 'Enterprise name';
COMMENT ON COLUMN qa.largest_contributors.area IS 'The plan''s areas of its SEI lines';
COMMENT ON COLUMN qa.largest_contributors.output_ytd IS 'Its SEI output this year to date (imputed included), 亿元';
COMMENT ON COLUMN qa.largest_contributors.previous_output_ytd IS 'The same a month earlier (0 in January), 亿元';
COMMENT ON COLUMN qa.largest_contributors.change IS 'output_ytd − previous_output_ytd: its output in the month, 亿元';
COMMENT ON COLUMN qa.largest_contributors.share_of_change IS 'change / the city''s change in the month, fraction';
