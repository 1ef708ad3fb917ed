-- Annual marts: complete years only (December landed), each from its figure of record: the annual report (年报)
-- where it is landed, else the December quick report (1–12月快报).
CREATE VIEW mart.indicators_annual AS
WITH y AS (
    SELECT year(period) AS year, output_value, output_comparable, output_ytd_prior, output_growth,
           services_revenue, services_revenue_comparable, services_revenue_prior, services_revenue_growth, value_added,
           gdp_ytd AS gdp, gdp_share, n_enterprises, n_services_enterprises, output_imputed, imputed_share,
           services_revenue_imputed, gdp_vintage, gdp_released, va_rate_basis, basis
    FROM fact.sei_totals
    WHERE report = 'annual'
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
SELECT y.year, y.output_value, y.output_comparable, y.output_ytd_prior, y.output_growth,
       y.services_revenue, y.services_revenue_comparable, y.services_revenue_prior, y.services_revenue_growth,
       y.value_added, y.gdp, y.gdp_share,
       CASE WHEN c.years_linked = c.years_since_baseline
            THEN power(c.growth_index, 1.0 / c.years_since_baseline) - 1 END AS avg_growth_since_baseline,
       y.n_enterprises,
       y.n_services_enterprises,
       y.output_imputed,
       y.imputed_share,
       y.services_revenue_imputed,
       c.plan_id,
       y.gdp_vintage,
       y.gdp_released,
       y.va_rate_basis,
       y.basis
FROM y LEFT JOIN chained AS c USING (year);

COMMENT ON VIEW mart.indicators_annual IS 'SEI indicators for each complete year (1–12月), from its figure of record (basis: the annual report where landed, else December''s quick report). Money in 亿元, rates as fractions, unrounded.';
COMMENT ON COLUMN mart.indicators_annual.year IS 'Calendar year (complete: December landed)';
COMMENT ON COLUMN mart.indicators_annual.output_value IS 'SEI industrial output (工业总产值) for the year, 亿元: units in GB/T 4754 divisions 06–46; services revenue is apart, never added';
COMMENT ON COLUMN mart.indicators_annual.output_comparable IS 'Output of the lines with a prior (all unless the year before is not in the warehouse), 亿元';
COMMENT ON COLUMN mart.indicators_annual.output_ytd_prior IS 'The year before over this year''s scope of units (上年同期), 亿元';
COMMENT ON COLUMN mart.indicators_annual.output_growth IS 'Comparable-basis growth (同比) on the year before: output_comparable / output_ytd_prior − 1, fraction';
COMMENT ON COLUMN mart.indicators_annual.services_revenue IS 'SEI services revenue (营业收入) for the year, 亿元: units in GB/T 4754 divisions 51–97; never added to output_value';
COMMENT ON COLUMN mart.indicators_annual.services_revenue_comparable IS 'Services revenue of the lines with a prior, 亿元';
COMMENT ON COLUMN mart.indicators_annual.services_revenue_prior IS 'Services revenue of the year before over this year''s scope of units, 亿元';
COMMENT ON COLUMN mart.indicators_annual.services_revenue_growth IS 'Comparable-basis growth of services revenue on the year before, fraction';
COMMENT ON COLUMN mart.indicators_annual.value_added IS 'SEI value added: industrial output and services revenue, each × its division''s value-added rate, 亿元';
COMMENT ON COLUMN mart.indicators_annual.gdp IS 'City GDP for the year (Q4 cumulative), 亿元';
COMMENT ON COLUMN mart.indicators_annual.gdp_share IS 'SEI value added / GDP, fraction';
COMMENT ON COLUMN mart.indicators_annual.avg_growth_since_baseline IS 'Average annual growth of industrial output since the baseline year of the plan in plan_id: (Π(1 + growth))^(1/n) − 1 over its years up to this one, chain-linked, fraction; NULL when a year is missing or no plan applies';
COMMENT ON COLUMN mart.indicators_annual.n_enterprises IS 'Industrial enterprises behind output_value (单位数)';
COMMENT ON COLUMN mart.indicators_annual.n_services_enterprises IS 'Service enterprises behind services_revenue (单位数)';
COMMENT ON COLUMN mart.indicators_annual.output_imputed IS 'Part of output_value imputed, 亿元';
COMMENT ON COLUMN mart.indicators_annual.imputed_share IS 'Share of output_value imputed, fraction';
COMMENT ON COLUMN mart.indicators_annual.services_revenue_imputed IS 'Part of services_revenue imputed, 亿元';
COMMENT ON COLUMN mart.indicators_annual.plan_id IS 'The plan (ref.plan) avg_growth_since_baseline is measured for: the one whose years (baseline_year+1 … target_year) contain this year, the first to end if several; after or between plans the latest one ended; NULL before every plan';
COMMENT ON COLUMN mart.indicators_annual.gdp_vintage IS 'Vintage of the GDP gdp_share is computed on: the latest released for Q4 (ref.gdp in_force; every vintage: mart.gdp_share_vintages); NULL when unnamed';
COMMENT ON COLUMN mart.indicators_annual.gdp_released IS 'Day that GDP vintage was released; NULL when not given';
COMMENT ON COLUMN mart.indicators_annual.va_rate_basis IS 'Value-added rates value_added uses: own year and/or carried from YYYY (latest earlier year with a rate), comma-separated; incomplete at the end when some SEI output has no rate (mart.data_quality.output_no_va_rate)';
COMMENT ON COLUMN mart.indicators_annual.basis IS 'The figure of record the year''s figures come from: annual_report (the annual report, 年报, landed: it replaces December''s quick figures; units it lacks keep their December figure) or december_quick (the December quick report, 1–12月快报)';
