-- The path within the year (序时进度): each landed month of a plan's years against the geometric path from
-- the baseline year's output to the plan's output target, spread over the year as last year's months were.
CREATE VIEW mart.target_path AS
WITH monthly AS (
    -- each period's figures once per measure (ref.measures): the path follows the target's, never the two added
    SELECT period, 'industry' AS measure, output_value, output_imputed, output_comparable, output_ytd_prior, output_growth
    FROM mart.indicators_monthly
    UNION ALL
    SELECT period, 'services', services_revenue, services_revenue_imputed, services_revenue_comparable,
           services_revenue_prior, services_revenue_growth
    FROM mart.indicators_monthly
), plans AS (
    -- plans with an output target; the path starts from the baseline year's annual output (NULL until complete)
    SELECT p.plan_id, p.baseline_year, p.target_year, t.target_value, t.measure,
           CASE t.measure WHEN 'services' THEN base.services_revenue ELSE base.output_value END AS base_value
    FROM ref.plan AS p
    JOIN ref.targets AS t ON t.plan_id = p.plan_id AND t.indicator = 'output_value'
    LEFT JOIN mart.indicators_annual AS base ON base.year = p.baseline_year
), months AS (
    -- every landed period of the plan's years (baseline_year+1 … target_year), with last year's same
    -- period and last year's December as published
    SELECT pl.*, m.period, year(m.period) AS year, m.output_value, m.output_imputed, m.output_comparable, m.output_ytd_prior,
           m.output_growth, ly.output_value AS last_year_value, ld.output_value AS last_december_value
    FROM plans AS pl
    JOIN monthly AS m ON m.measure = pl.measure AND year(m.period) > pl.baseline_year AND year(m.period) <= pl.target_year
    LEFT JOIN monthly AS ly ON ly.measure = pl.measure AND ly.period = make_date(year(m.period) - 1, month(m.period), 1)
    LEFT JOIN monthly AS ld ON ld.measure = pl.measure AND ld.period = make_date(year(m.period) - 1, 12, 1)
), path AS (
    SELECT *,
           -- base × (target / base)^(years since the baseline / years of the plan): the target in the target year
           base_value * power(target_value / nullif(base_value, 0),
                              (year - baseline_year)::DOUBLE / (target_year - baseline_year)) AS path_annual,
           -- how much of its year's output last year had by this month
           last_year_value / nullif(last_december_value, 0) AS month_share
    FROM months
), valued AS (
    SELECT *, path_annual * month_share AS path_value FROM path
)
SELECT plan_id,
       period,
       measure,
       output_value,
       output_imputed,
       path_annual,
       month_share,
       path_value,
       output_value - path_value AS gap,
       (output_value - path_value) / nullif(path_value, 0) AS gap_share,
       -- judged as documents print it (亿元 to 0.1), so floating noise at equality never reads as behind
       CASE WHEN path_value IS NULL THEN NULL
            WHEN round(output_value, 1) >= round(path_value, 1) THEN 'ahead'
            ELSE 'behind' END AS position,
       last_year_value,
       output_comparable,
       output_ytd_prior,
       output_growth,
       -- why there is no path value, the first missing thing first
       CASE
           WHEN base_value IS NULL THEN format('baseline year {} not complete (its December not landed)', baseline_year)
           WHEN base_value = 0 THEN format('no output in the baseline year {}: no path from it', baseline_year)
           WHEN last_year_value IS NULL
               THEN format('{} not landed: no share of the month in last year''s output', strftime(make_date(year - 1, month(period), 1), '%Y-%m'))
           WHEN last_december_value IS NULL
               THEN format('{}-12 not landed: no total of last year to share the month in', year - 1)
           WHEN last_december_value = 0 THEN format('no output in {}-12: no share of the month', year - 1)
       END AS reason
FROM valued
ORDER BY plan_id, period;

COMMENT ON VIEW mart.target_path IS 'The path within the year (序时进度): each landed month (cumulative 1–X月) of a plan''s years against the geometric path from the baseline year''s output to the output target, spread over the year as last year''s months were, and against the same period last year. Money in 亿元, shares as fractions, unrounded.';
COMMENT ON COLUMN mart.target_path.plan_id IS 'The plan (ref.plan) whose output target the path leads to';
COMMENT ON COLUMN mart.target_path.period IS 'Report period: first day of the month; figures cumulative from January (1–X月), in the plan''s years (baseline_year+1 … target_year)';
COMMENT ON COLUMN mart.target_path.measure IS 'The measure of the plan''s output target (ref.targets.measure): industry (工业总产值) or services (营业收入); every figure of the row is that measure alone';
COMMENT ON COLUMN mart.target_path.output_value IS 'SEI output this year to date (1–X月) in the target''s measure (industrial output unless measure says services), 亿元';
COMMENT ON COLUMN mart.target_path.output_imputed IS 'Part of output_value imputed, 亿元 (mart.indicators_monthly)';
COMMENT ON COLUMN mart.target_path.path_annual IS 'The path''s value for the period''s year: base × (target / base)^((year − baseline_year) / (target_year − baseline_year)), base the baseline year''s annual output; 亿元; NULL while the baseline year is not complete';
COMMENT ON COLUMN mart.target_path.month_share IS 'Last year''s output to the same month / last year''s December output (the share of the year done by this month), fraction; NULL when either is not landed';
COMMENT ON COLUMN mart.target_path.path_value IS 'Where the path puts output by this month (序时进度): path_annual × month_share, 亿元; NULL with the reason in reason';
COMMENT ON COLUMN mart.target_path.gap IS 'output_value − path_value, 亿元 (negative: behind the path)';
COMMENT ON COLUMN mart.target_path.gap_share IS 'gap / path_value, fraction';
COMMENT ON COLUMN mart.target_path.position IS 'ahead (output_value ≥ path_value, both rounded to 0.1亿元 as documents print them) or behind; NULL without a path value';
COMMENT ON COLUMN mart.target_path.last_year_value IS 'Output of the same period last year as published then (1–X月 a year earlier), 亿元; NULL when not landed';
COMMENT ON COLUMN mart.target_path.output_comparable IS 'Output of the lines with a prior: all of output_value unless the same month a year earlier is not in the warehouse, 亿元';
COMMENT ON COLUMN mart.target_path.output_ytd_prior IS 'Same period last year over this period''s scope of units (comparable basis, 上年同期), 亿元';
COMMENT ON COLUMN mart.target_path.output_growth IS 'Comparable-basis growth (同比) on the same period last year: output_comparable / output_ytd_prior − 1, fraction';
COMMENT ON COLUMN mart.target_path.reason IS 'Why path_value is NULL (the baseline year not complete; last year''s month or December not landed); NULL otherwise';
