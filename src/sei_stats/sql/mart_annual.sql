-- Annual marts: complete years only (December landed), from the December cumulative figures.
CREATE VIEW mart.indicators_annual AS
WITH y AS (
    SELECT year(period) AS year, output_value, output_growth, value_added, gdp_ytd AS gdp, gdp_share, n_enterprises, imputed_share
    FROM mart.indicators_monthly
    WHERE month(period) = 12
), chained AS (
    SELECT y.*,
           -- chain-link comparable growth over the years after the baseline year
           product(CASE WHEN y.year > p.baseline_year THEN 1 + y.output_growth END)
               OVER (ORDER BY y.year ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS growth_index,
           count(CASE WHEN y.year > p.baseline_year THEN y.output_growth END)
               OVER (ORDER BY y.year ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS years_linked,
           y.year - p.baseline_year AS years_since_baseline
    FROM y, ref.plan AS p
)
SELECT year, output_value, output_growth, value_added, gdp, gdp_share,
       CASE WHEN years_since_baseline > 0 AND years_linked = years_since_baseline
            THEN power(growth_index, 1.0 / years_since_baseline) - 1 END AS avg_growth_since_baseline,
       n_enterprises,
       imputed_share
FROM chained;

COMMENT ON VIEW mart.indicators_annual IS 'SEI indicators for each complete year (1–12月). Money in 亿元, rates as fractions, unrounded.';
COMMENT ON COLUMN mart.indicators_annual.year IS 'Calendar year (complete: December landed)';
COMMENT ON COLUMN mart.indicators_annual.output_value IS 'SEI output value for the year, 亿元';
COMMENT ON COLUMN mart.indicators_annual.output_growth IS 'Comparable-basis growth (同比) on the year before, over lines reporting a prior, fraction';
COMMENT ON COLUMN mart.indicators_annual.value_added IS 'SEI value added (output × value-added rate), 亿元';
COMMENT ON COLUMN mart.indicators_annual.gdp IS 'City GDP for the year (Q4 cumulative), 亿元';
COMMENT ON COLUMN mart.indicators_annual.gdp_share IS 'SEI value added / GDP, fraction';
COMMENT ON COLUMN mart.indicators_annual.avg_growth_since_baseline IS 'Average annual growth since the plan''s baseline year: (Π(1 + growth))^(1/n) − 1, chain-linked, fraction; NULL when a year is missing';
COMMENT ON COLUMN mart.indicators_annual.n_enterprises IS 'Enterprises behind the figures (单位数)';
COMMENT ON COLUMN mart.indicators_annual.imputed_share IS 'Share of output_value imputed for non-respondents, fraction';

-- Progress on the plan's targets from the last complete year; a compound projection to the target year.
CREATE VIEW mart.target_progress AS
WITH last AS (
    SELECT * FROM mart.indicators_annual ORDER BY year DESC LIMIT 1
), base AS (
    SELECT a.* FROM mart.indicators_annual AS a, ref.plan AS p WHERE a.year = p.baseline_year
), actual AS (
    SELECT 'output_value' AS indicator, last.year, last.output_value AS actual_value,
           coalesce(last.avg_growth_since_baseline, last.output_growth) AS rate
    FROM last
    UNION ALL
    SELECT 'avg_growth_since_baseline', last.year, last.avg_growth_since_baseline, 0 FROM last
    UNION ALL
    SELECT 'gdp_share', last.year, last.gdp_share,
           CASE WHEN last.year > base.year THEN power(last.gdp_share / base.gdp_share, 1.0 / (last.year - base.year)) - 1 ELSE 0 END
    FROM last LEFT JOIN base ON true
), judged AS (
    SELECT t.*, a.year AS as_of_year, a.actual_value,
           a.actual_value * power(1 + a.rate, greatest(t.target_year - a.year, 0)) AS projected_value
    FROM ref.targets AS t LEFT JOIN actual AS a USING (indicator)
)
SELECT plan_id, indicator, label, target_year, target_value, actual_value, unit,
       actual_value - target_value AS gap,
       projected_value,
       make_date(as_of_year, 12, 1) AS as_of,
       CASE
           WHEN actual_value IS NULL THEN 'no data'
           WHEN as_of_year >= target_year THEN CASE WHEN actual_value >= target_value THEN 'met' ELSE 'missed' END
           WHEN indicator <> 'avg_growth_since_baseline' AND actual_value >= target_value THEN 'met'
           WHEN projected_value >= target_value THEN 'on track'
           ELSE 'behind'
       END AS status
FROM judged
ORDER BY indicator;

COMMENT ON VIEW mart.target_progress IS 'The plan''s targets against the last complete year, with a compound projection to the target year.';
COMMENT ON COLUMN mart.target_progress.plan_id IS 'The plan (catalog/targets.yaml)';
COMMENT ON COLUMN mart.target_progress.indicator IS 'output_value, avg_growth_since_baseline or gdp_share';
COMMENT ON COLUMN mart.target_progress.label IS 'The target in the plan''s words';
COMMENT ON COLUMN mart.target_progress.target_year IS 'Year the target is set for';
COMMENT ON COLUMN mart.target_progress.target_value IS 'Target, in unit';
COMMENT ON COLUMN mart.target_progress.actual_value IS 'Value in the last complete year (as_of), in unit';
COMMENT ON COLUMN mart.target_progress.unit IS '亿元 for output value; fraction for growth and share';
COMMENT ON COLUMN mart.target_progress.gap IS 'actual_value − target_value, in unit (negative: short of the target)';
COMMENT ON COLUMN mart.target_progress.projected_value IS 'Compound projection to the target year: output at its average annual growth since the baseline, the GDP share at its own average annual change; growth as is. In unit';
COMMENT ON COLUMN mart.target_progress.as_of IS 'Report period of the figures: December (1–12月) of the last complete year';
COMMENT ON COLUMN mart.target_progress.status IS 'met, on track, behind, missed (target year complete, not reached), or no data';
