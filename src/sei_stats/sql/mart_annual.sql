-- Annual marts: complete years only (December landed), from the December cumulative figures.
CREATE VIEW mart.indicators_annual AS
WITH y AS (
    SELECT year(period) AS year, output_value, output_comparable, output_ytd_prior, output_growth, value_added,
           gdp_ytd AS gdp, gdp_share, n_enterprises, output_imputed, imputed_share
    FROM mart.indicators_monthly
    WHERE month(period) = 12
), ranked AS (
    -- The plan each year is read against: of the plans whose years (baseline_year+1 … target_year)
    -- contain it, the one ending first; after or between plans, the latest plan ended before it.
    SELECT y.year, p.plan_id, p.baseline_year,
           row_number() OVER (PARTITION BY y.year ORDER BY (y.year <= p.target_year) DESC,
                              CASE WHEN y.year <= p.target_year THEN p.target_year END,
                              p.target_year DESC, p.baseline_year DESC, p.plan_id) AS rank
    FROM y JOIN ref.plan AS p ON y.year > p.baseline_year
), chained AS (
    -- chain-link comparable growth over the years after that plan's baseline year, up to this year
    SELECT r.year, r.plan_id, r.year - r.baseline_year AS years_since_baseline,
           product(1 + g.output_growth) AS growth_index, count(g.output_growth) AS years_linked
    FROM ranked AS r JOIN y AS g ON g.year > r.baseline_year AND g.year <= r.year
    WHERE r.rank = 1
    GROUP BY r.year, r.plan_id, r.baseline_year
)
SELECT y.year, y.output_value, y.output_comparable, y.output_ytd_prior, y.output_growth, y.value_added, y.gdp, y.gdp_share,
       CASE WHEN c.years_linked = c.years_since_baseline
            THEN power(c.growth_index, 1.0 / c.years_since_baseline) - 1 END AS avg_growth_since_baseline,
       y.n_enterprises,
       y.output_imputed,
       y.imputed_share,
       c.plan_id
FROM y LEFT JOIN chained AS c USING (year);

COMMENT ON VIEW mart.indicators_annual IS 'SEI indicators for each complete year (1–12月). Money in 亿元, rates as fractions, unrounded.';
COMMENT ON COLUMN mart.indicators_annual.year IS 'Calendar year (complete: December landed)';
COMMENT ON COLUMN mart.indicators_annual.output_value IS 'SEI output value for the year, 亿元';
COMMENT ON COLUMN mart.indicators_annual.output_comparable IS 'Output of the lines with a prior (all unless the year before is not in the warehouse), 亿元';
COMMENT ON COLUMN mart.indicators_annual.output_ytd_prior IS 'The year before over this year''s scope of units (上年同期), 亿元';
COMMENT ON COLUMN mart.indicators_annual.output_growth IS 'Comparable-basis growth (同比) on the year before: output_comparable / output_ytd_prior − 1, fraction';
COMMENT ON COLUMN mart.indicators_annual.value_added IS 'SEI value added (output × value-added rate), 亿元';
COMMENT ON COLUMN mart.indicators_annual.gdp IS 'City GDP for the year (Q4 cumulative), 亿元';
COMMENT ON COLUMN mart.indicators_annual.gdp_share IS 'SEI value added / GDP, fraction';
COMMENT ON COLUMN mart.indicators_annual.avg_growth_since_baseline IS 'Average annual growth since the baseline year of the plan in plan_id: (Π(1 + growth))^(1/n) − 1 over its years up to this one, chain-linked, fraction; NULL when a year is missing or no plan applies';
COMMENT ON COLUMN mart.indicators_annual.n_enterprises IS 'Enterprises behind the figures (单位数)';
COMMENT ON COLUMN mart.indicators_annual.output_imputed IS 'Part of output_value imputed, 亿元';
COMMENT ON COLUMN mart.indicators_annual.imputed_share IS 'Share of output_value imputed, fraction';
COMMENT ON COLUMN mart.indicators_annual.plan_id IS 'The plan (ref.plan) avg_growth_since_baseline is measured for: the one whose years (baseline_year+1 … target_year) contain this year, the first to end if several; after or between plans the latest one ended; NULL before every plan';

-- Every target of every plan judged on its own target year once that year is complete; before, on
-- the latest complete year of the plan with a compound projection to the target year.
CREATE VIEW mart.target_progress AS
WITH a AS (
    SELECT * FROM mart.indicators_annual
), t AS (
    SELECT t.plan_id, t.indicator, t.label, t.target_year, t.target_value, t.unit, t.comparison, t.tolerance,
           p.baseline_year,
           -- reached when the printed value is ≥ the threshold: at_least the value itself, about its value − tolerance
           t.target_value - CASE WHEN t.comparison = 'about' THEN t.tolerance ELSE 0 END AS threshold,
           -- as documents print it: 亿元 to 0.1, a rate to 0.1 percentage point
           CASE WHEN t.unit = '亿元' THEN 1 ELSE 3 END AS digits,
           EXISTS (SELECT 1 FROM a WHERE a.year = t.target_year) AS final,
           (SELECT max(year) FROM a) AS latest_year,
           (SELECT max(year) FROM a WHERE a.year > p.baseline_year AND a.year < t.target_year) AS latest_in_plan
    FROM ref.targets AS t JOIN ref.plan AS p USING (plan_id)
), reading AS (
    -- the year a target is read on: its target year once complete; before, the latest complete year of
    -- the plan; none when a later year is complete but the target year is not
    SELECT *, CASE WHEN final THEN target_year WHEN latest_year > target_year THEN NULL ELSE latest_in_plan END AS year
    FROM t
), calendar AS (
    SELECT range AS year FROM range((SELECT min(baseline_year) + 1 FROM reading),
                                    (SELECT greatest(max(target_year), coalesce(max(latest_year), 0)) + 1 FROM reading))
), chain AS (
    -- comparable growth chained over the plan's own years up to the year read (baseline_year+1 … year)
    SELECT r.plan_id, r.indicator,
           product(1 + a.output_growth) AS growth_index,
           count(a.output_growth) AS years_linked,
           min(CASE WHEN a.output_growth IS NULL THEN c.year END) AS first_gap
    FROM reading AS r JOIN calendar AS c ON c.year > r.baseline_year AND c.year <= r.year
    LEFT JOIN a ON a.year = c.year
    GROUP BY r.plan_id, r.indicator
), figures AS (
    SELECT r.*,
           CASE WHEN ch.years_linked = r.year - r.baseline_year
                THEN power(ch.growth_index, 1.0 / (r.year - r.baseline_year)) - 1 END AS avg_growth,
           ch.first_gap, gap_year.year IS NOT NULL AS gap_year_landed,
           cur.output_value, cur.gdp_share, base.year AS base_landed, base.gdp_share AS base_share
    FROM reading AS r
    LEFT JOIN chain AS ch USING (plan_id, indicator)
    LEFT JOIN a AS gap_year ON gap_year.year = ch.first_gap
    LEFT JOIN a AS cur ON cur.year = r.year
    LEFT JOIN a AS base ON base.year = r.baseline_year
), valued AS (
    SELECT *,
           CASE indicator WHEN 'output_value' THEN output_value WHEN 'gdp_share' THEN gdp_share
                          WHEN 'avg_growth_since_baseline' THEN avg_growth END AS actual_value,
           -- the annual rate of the projection: output at its average growth since the baseline, the GDP
           -- share at its own average change since the baseline year; growth as it is
           CASE indicator WHEN 'output_value' THEN avg_growth
                          WHEN 'gdp_share' THEN power(gdp_share / base_share, 1.0 / (year - baseline_year)) - 1
                          WHEN 'avg_growth_since_baseline' THEN 0 END AS rate,
           -- why a figure is missing, the first missing thing first
           CASE
               WHEN year IS NULL AND latest_year > target_year
                   THEN format('target year {} not complete (its December not landed)', target_year)
               WHEN year IS NULL
                   THEN format('no complete year of the plan ({}–{}) yet', baseline_year + 1, target_year)
               WHEN indicator = 'gdp_share' AND gdp_share IS NULL THEN format('no GDP share for {} (GDP missing)', year)
               WHEN first_gap IS NOT NULL AND NOT gap_year_landed
                   THEN format('{} not complete (its December not landed): no growth to chain over {}–{}', first_gap, baseline_year + 1, year)
               WHEN first_gap IS NOT NULL
                   THEN format('no comparable growth for {}: no growth to chain over {}–{}', first_gap, baseline_year + 1, year)
           END AS chain_reason,
           CASE
               WHEN base_landed IS NULL THEN format('baseline year {} not complete (its December not landed)', baseline_year)
               WHEN base_share IS NULL THEN format('no GDP share for the baseline year {} (GDP missing)', baseline_year)
           END AS base_reason
    FROM figures
), judged AS (
    SELECT *,
           CASE WHEN final THEN actual_value ELSE actual_value * power(1 + rate, target_year - year) END AS projected_value,
           round(actual_value, digits) >= threshold - 1e-9 AS reached,
           CASE
               WHEN actual_value IS NULL THEN coalesce(chain_reason, 'no figure')
               WHEN final OR round(actual_value, digits) >= threshold - 1e-9 THEN NULL
               WHEN indicator = 'output_value' AND rate IS NULL THEN chain_reason
               WHEN indicator = 'gdp_share' AND rate IS NULL THEN base_reason
           END AS reason
    FROM valued
)
SELECT plan_id, indicator, label, target_year, target_value, actual_value, unit,
       actual_value - target_value AS gap,
       projected_value,
       make_date(year, 12, 1) AS as_of,
       CASE
           WHEN reason IS NOT NULL THEN 'cannot judge'
           WHEN final THEN CASE WHEN reached THEN 'met' ELSE 'missed' END
           WHEN indicator <> 'avg_growth_since_baseline' AND reached THEN 'met'
           WHEN round(projected_value, digits) >= threshold - 1e-9 THEN 'on track'
           ELSE 'behind'
       END AS status,
       final,
       reason,
       CASE
           WHEN reason IS NOT NULL THEN NULL
           WHEN final OR (indicator <> 'avg_growth_since_baseline' AND reached) THEN round(actual_value, digits)
           ELSE round(projected_value, digits)
       END AS judged_value,
       comparison,
       tolerance
FROM judged
ORDER BY target_year, plan_id, indicator;

COMMENT ON VIEW mart.target_progress IS 'Every target of every plan (catalog/targets.yaml): judged on its target year''s figure once that year is complete, before on the latest complete year of the plan with a compound projection to the target year.';
COMMENT ON COLUMN mart.target_progress.plan_id IS 'The plan (ref.plan)';
COMMENT ON COLUMN mart.target_progress.indicator IS 'output_value, avg_growth_since_baseline or gdp_share';
COMMENT ON COLUMN mart.target_progress.label IS 'The target in the plan''s words';
COMMENT ON COLUMN mart.target_progress.target_year IS 'Year the target is set for';
COMMENT ON COLUMN mart.target_progress.target_value IS 'Target, in unit';
COMMENT ON COLUMN mart.target_progress.actual_value IS 'Value in as_of''s year, unrounded, in unit: the target year once complete, else the latest complete year of the plan; average growth chained over the plan''s own years (baseline_year+1 … that year)';
COMMENT ON COLUMN mart.target_progress.unit IS '亿元 for output value; fraction for growth and share';
COMMENT ON COLUMN mart.target_progress.gap IS 'actual_value − target_value, in unit (negative: short of the target)';
COMMENT ON COLUMN mart.target_progress.projected_value IS 'Compound projection to the target year: output at its average annual growth since the baseline, the GDP share at its own average annual change since the baseline year; growth as is; equal to actual_value once the target year is complete. In unit';
COMMENT ON COLUMN mart.target_progress.as_of IS 'Report period of the figure judged: December (1–12月) of the target year once complete, else of the latest complete year of the plan; NULL when there is none';
COMMENT ON COLUMN mart.target_progress.status IS 'met (judged_value reached the target: at_least ≥ target_value, about ≥ target_value − tolerance; before the target year only output and share), missed (target year complete, not reached), on track / behind (the projection reaches the target or not), or cannot judge (see reason)';
COMMENT ON COLUMN mart.target_progress.final IS 'true once the target year is complete: the status is judged on the target year''s own figure and later years do not change it';
COMMENT ON COLUMN mart.target_progress.reason IS 'Why the target cannot be judged (a year or the baseline year missing); NULL otherwise';
COMMENT ON COLUMN mart.target_progress.judged_value IS 'The value the status compared, rounded as documents print it (亿元 to 0.1, fractions to 0.001 = 0.1 percentage point): actual_value when final or already met, else projected_value; in unit';
COMMENT ON COLUMN mart.target_progress.comparison IS 'at_least (突破, 达到或超过) or about (左右), from ref.targets';
COMMENT ON COLUMN mart.target_progress.tolerance IS 'How far below target_value an about target is still reached, in unit (ref.targets)';
