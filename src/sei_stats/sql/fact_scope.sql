-- What the step over the survey frame reads and writes: the accepted lines of live units with the prior
-- their growth is computed on (a view), and the tables sei_stats.scope fills right after this file runs,
-- year by year in month order. The lines in the figures are made from them in fact_figures.sql.

-- Accepted lines with their unit's frame values and the prior used for comparable growth, as NBS
-- computes it over this period's scope of units (同期数与本期的企业统计范围相一致): the reported prior
-- (a reported 0 stays 0); else the same unit and product's final value a year earlier (in December: last year's
-- annual report where it has the line, the figure of record); else 0 for a
-- unit with no line at all a year earlier (new unit) or for a product new to a continuing unit; NULL
-- only when that month a year earlier is not in the warehouse.
CREATE TABLE fact.scope_lines AS
WITH accepted AS MATERIALIZED (
    SELECT *, coalesce(product_code, product_name) AS product_key FROM fact.lines WHERE status = 'accepted'
),
last_year AS (
    SELECT CAST(period + INTERVAL 1 YEAR AS DATE) AS period, credit_code, product_key, sum(output_ytd) AS last_year_ytd
    FROM accepted GROUP BY ALL
),
-- last year's annual report (年报), the figure of record: a December line's blank prior is its value first
last_year_annual AS (
    SELECT CAST(period + INTERVAL 1 YEAR AS DATE) AS period, credit_code, coalesce(product_code, product_name) AS product_key,
           sum(output_ytd) AS last_year_ytd
    FROM fact.annual_lines WHERE status = 'accepted' GROUP BY ALL
),
last_year_units AS (SELECT DISTINCT period, credit_code FROM last_year),
landed_a_year_earlier AS (SELECT DISTINCT CAST(period + INTERVAL 1 YEAR AS DATE) AS period FROM fact.received_lines)
SELECT a.period, a.source_file, a.line_number, a.credit_code, a.enterprise_name, a.product_code, a.product_name,
       a.product_key, a.output_ytd, a.output_ytd_prior, a.industry_code AS industry_code_reported,
       coalesce(f.district_code, a.district_code) AS district_code,
       coalesce(f.industry_code, a.industry_code) AS industry_code,
       a.is_sei, a.match_kind, a.catalog_code, a.area, a.field, a.key_field, a.nbs_code, a.nbs_edition, a.catalog_version,
       CASE WHEN a.output_ytd_prior IS NOT NULL THEN a.output_ytd_prior
            WHEN ya.last_year_ytd IS NOT NULL THEN ya.last_year_ytd
            WHEN y.last_year_ytd IS NOT NULL THEN y.last_year_ytd
            WHEN e.period IS NOT NULL THEN 0 END AS prior,
       CASE WHEN a.output_ytd_prior IS NOT NULL THEN 'reported'
            WHEN ya.last_year_ytd IS NOT NULL THEN 'last_year_annual'
            WHEN y.last_year_ytd IS NOT NULL THEN 'last_year_return'
            WHEN e.period IS NULL THEN 'not_available'
            WHEN u.credit_code IS NULL THEN 'new_unit'
            ELSE 'new_product' END AS prior_source
FROM accepted AS a
LEFT JOIN fact.frame AS f ON f.period = a.period AND f.credit_code = a.credit_code
LEFT JOIN last_year AS y ON y.period = a.period AND y.credit_code = a.credit_code AND y.product_key = a.product_key
LEFT JOIN last_year_annual AS ya
       ON ya.period = a.period AND ya.credit_code = a.credit_code AND ya.product_key = a.product_key
LEFT JOIN last_year_units AS u ON u.period = a.period AND u.credit_code = a.credit_code
LEFT JOIN landed_a_year_earlier AS e ON e.period = a.period;

COMMENT ON TABLE fact.scope_lines IS 'INTERNAL: the accepted lines of live units, with the frame''s district and industry and the prior used for growth. Money in 千元.';
COMMENT ON COLUMN fact.scope_lines.product_key IS 'Product code, or the product name where the line has none';
COMMENT ON COLUMN fact.scope_lines.industry_code_reported IS 'The industry code written on the return (the frame''s stands for the year)';
COMMENT ON COLUMN fact.scope_lines.district_code IS 'District for the year, from the survey frame (GB/T 2260)';
COMMENT ON COLUMN fact.scope_lines.industry_code IS 'Industry class for the year, from the survey frame (GB/T 4754-2017)';
COMMENT ON COLUMN fact.scope_lines.prior IS 'The prior (上年同期) growth is computed on, 千元; NULL only when that month a year earlier is not in the warehouse';
COMMENT ON COLUMN fact.scope_lines.prior_source IS 'Where the prior comes from (ref.prior_sources)';

-- Filled by sei_stats.scope: lines whose frame industry differs from the one on the return, classified again.
CREATE TABLE fact.frame_classes (
    period DATE, source_file VARCHAR, line_number INTEGER, is_sei BOOLEAN, match_kind VARCHAR, catalog_code VARCHAR,
    area VARCHAR, field VARCHAR, key_field BOOLEAN, nbs_code VARCHAR, nbs_edition VARCHAR
);
COMMENT ON TABLE fact.frame_classes IS 'INTERNAL: accepted lines classified again by their unit''s frame industry (the return named another industry)';

-- Filled by sei_stats.scope: the imputed lines of live units without a usable figure.
CREATE TABLE fact.imputed_lines (
    period DATE, credit_code VARCHAR, enterprise_name VARCHAR, district_code VARCHAR, industry_code VARCHAR,
    product_code VARCHAR, product_name VARCHAR, product_key VARCHAR, is_sei BOOLEAN, match_kind VARCHAR,
    catalog_code VARCHAR, area VARCHAR, field VARCHAR, key_field BOOLEAN, nbs_code VARCHAR, nbs_edition VARCHAR,
    catalog_version VARCHAR, output_ytd DECIMAL(18, 3), prior DECIMAL(18, 3), prior_source VARCHAR,
    imputation VARCHAR, reason VARCHAR, method VARCHAR, stratum VARCHAR, factor DOUBLE, base_period DATE
);
COMMENT ON TABLE fact.imputed_lines IS 'INTERNAL: lines imputed for live units without a usable figure (a whole unit) or for a responding unit''s held or rejected line (ratio imputation). Money in 千元.';
COMMENT ON COLUMN fact.imputed_lines.credit_code IS 'The unit imputed (统一社会信用代码)';
COMMENT ON COLUMN fact.imputed_lines.district_code IS 'District for the year, from the survey frame (GB/T 2260)';
COMMENT ON COLUMN fact.imputed_lines.industry_code IS 'Industry class for the year, from the survey frame (GB/T 4754-2017)';
COMMENT ON COLUMN fact.imputed_lines.output_ytd IS 'Imputed output value this year to date, 千元 (rounded to 1 元)';
COMMENT ON COLUMN fact.imputed_lines.prior IS 'Its prior: its own final value a year earlier, else output_ytd / the stratum''s comparable growth factor, 千元';
COMMENT ON COLUMN fact.imputed_lines.prior_source IS 'last_year_return or stratum_growth (ref.prior_sources); not_available when neither';
COMMENT ON COLUMN fact.imputed_lines.imputation IS 'unit (no usable figure at all this month) or line (a responding unit''s held or rejected line)';
COMMENT ON COLUMN fact.imputed_lines.reason IS 'no return, every line held or rejected, or line held or rejected';
COMMENT ON COLUMN fact.imputed_lines.method IS 'ratio to the last usable month, or own figure a year earlier × stratum growth';
COMMENT ON COLUMN fact.imputed_lines.stratum IS 'Stratum whose respondents gave the movement: area·district, area, or 全部 (all)';
COMMENT ON COLUMN fact.imputed_lines.factor IS 'Movement (or growth factor) applied, a ratio';
COMMENT ON COLUMN fact.imputed_lines.base_period IS 'The month whose own figure was scaled';

-- Filled by sei_stats.scope: the frame rules (schemas/rules.yaml, engine frame) on each item they judge.
CREATE TABLE fact.frame_findings (
    period DATE, credit_code VARCHAR, product VARCHAR, rule VARCHAR, outcome VARCHAR, message VARCHAR
);
COMMENT ON TABLE fact.frame_findings IS 'INTERNAL: each frame rule (imputed_too_long, line_dropped_from_cumulative) on each unit or line it judges, pass or fail';
COMMENT ON COLUMN fact.frame_findings.product IS 'Product code, or name where the line has none; empty for a finding on a whole unit';
COMMENT ON COLUMN fact.frame_findings.rule IS 'Rule name (schemas/rules.yaml)';
COMMENT ON COLUMN fact.frame_findings.outcome IS 'pass or fail';
COMMENT ON COLUMN fact.frame_findings.message IS 'For a fail: what the rule found';

-- Filled by sei_stats.scope: every live unit's state each month.
CREATE TABLE qa.frame (
    period DATE, credit_code VARCHAR, enterprise_name VARCHAR, frame_source VARCHAR, district_code VARCHAR,
    industry_code VARCHAR, area VARCHAR, live BOOLEAN, responded BOOLEAN, usable BOOLEAN, imputed BOOLEAN,
    lines_imputed INTEGER, months_imputed_running INTEGER, why VARCHAR
);
COMMENT ON TABLE qa.frame IS 'INTERNAL (enterprise-level): each unit of the survey frame each month: live, responded, usable, imputed, and why';
COMMENT ON COLUMN qa.frame.period IS 'Report period: first day of the month';
COMMENT ON COLUMN qa.frame.credit_code IS 'Unit (统一社会信用代码)';
COMMENT ON COLUMN qa.frame.enterprise_name IS 'Unit name';
COMMENT ON COLUMN qa.frame.frame_source IS 'roster, not_on_roster or derived (ref.frame_sources)';
COMMENT ON COLUMN qa.frame.district_code IS 'District for the year (GB/T 2260)';
COMMENT ON COLUMN qa.frame.industry_code IS 'Industry class for the year (GB/T 4754-2017)';
COMMENT ON COLUMN qa.frame.area IS 'The plan''s area for imputation strata';
COMMENT ON COLUMN qa.frame.live IS 'In scope this month';
COMMENT ON COLUMN qa.frame.responded IS 'Sent a return this month (any line but a total or header row)';
COMMENT ON COLUMN qa.frame.usable IS 'Has at least one accepted line this month';
COMMENT ON COLUMN qa.frame.imputed IS 'The whole unit was imputed this month';
COMMENT ON COLUMN qa.frame.lines_imputed IS 'Lines imputed for it this month (whole unit, or its held and rejected lines)';
COMMENT ON COLUMN qa.frame.months_imputed_running IS 'Months running the whole unit has been imputed, this one included (0 when not imputed)';
COMMENT ON COLUMN qa.frame.why IS 'reported; no return; every line held or rejected; no base to impute from; or why it is out of scope';

-- The frame rules' failures with the reviewer's decision, if any: a decision on a unit (or one of its
-- products) settles that follow-up for the whole year, the latest decision standing (accept on
-- imputed_too_long keeps imputing the unit; reject takes it out of scope from the review file's month
-- on: fact.frame).
CREATE VIEW fact.frame_flags AS
SELECT f.period, f.rule, r.field, r.severity, f.message, f.credit_code, u.enterprise_name, f.product,
       d.decision, d.reviewer, d.note, d.review_file
FROM fact.frame_findings AS f
JOIN ref.rules AS r ON r.name = f.rule
LEFT JOIN fact.frame_units AS u ON u.year = year(f.period) AND u.credit_code = f.credit_code
LEFT JOIN ref.reviews AS d
       ON d.credit_code = f.credit_code AND d.product = f.product AND d.rule = f.rule
      AND year(d.period) = year(f.period) AND d.report = 'monthly'
WHERE f.outcome = 'fail'
QUALIFY row_number() OVER (PARTITION BY f.period, f.credit_code, f.product, f.rule ORDER BY d.period DESC NULLS LAST) = 1;

COMMENT ON VIEW fact.frame_flags IS 'INTERNAL: every failure of a frame rule (imputed_too_long, line_dropped_from_cumulative) with the decision that stands for it, if any';
COMMENT ON COLUMN fact.frame_flags.field IS 'Field the rule judges (empty: the whole unit)';
COMMENT ON COLUMN fact.frame_flags.severity IS 'warn: the figures stand (the unit imputed, the line not)';
COMMENT ON COLUMN fact.frame_flags.decision IS 'accept or reject (imputed_too_long), accept (line_dropped_from_cumulative); NULL while open';
COMMENT ON COLUMN fact.frame_flags.reviewer IS 'Who decided';
COMMENT ON COLUMN fact.frame_flags.note IS 'The reviewer''s note';
COMMENT ON COLUMN fact.frame_flags.review_file IS 'The review file the decision came from (raw/reviews/YYYY-MM.csv)';
