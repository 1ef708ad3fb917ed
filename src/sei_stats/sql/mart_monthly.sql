-- Monthly marts: one row per report period (cumulative 1–X月). Money in 亿元 = 千元 / 100000.

CREATE VIEW mart.indicators_monthly AS
SELECT * EXCLUDE (report, basis) FROM fact.sei_totals WHERE report = 'monthly';

COMMENT ON VIEW mart.indicators_monthly IS 'SEI indicators for each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.indicators_monthly.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.indicators_monthly.output_value IS 'SEI industrial output (工业总产值) this year to date, 亿元: units in GB/T 4754 divisions 06–46; services revenue is apart (services_revenue), never added';
COMMENT ON COLUMN mart.indicators_monthly.output_comparable IS 'Output of the lines with a prior: all of output_value unless the same month a year earlier is not in the warehouse, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.output_ytd_prior IS 'Same period last year over this period''s scope of units (reported, else filled: fact.sei_lines.prior_source), 亿元';
COMMENT ON COLUMN mart.indicators_monthly.output_growth IS 'Comparable-basis growth (同比) as NBS computes it: output_comparable / output_ytd_prior − 1, fraction';
COMMENT ON COLUMN mart.indicators_monthly.services_revenue IS 'SEI services revenue (营业收入) this year to date, 亿元: units in GB/T 4754 divisions 51–97; never added to output_value';
COMMENT ON COLUMN mart.indicators_monthly.services_revenue_comparable IS 'Services revenue of the lines with a prior, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.services_revenue_prior IS 'Services revenue of the same period last year over this period''s scope of units, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.services_revenue_growth IS 'Comparable-basis growth of services revenue: services_revenue_comparable / services_revenue_prior − 1, fraction';
COMMENT ON COLUMN mart.indicators_monthly.value_added IS 'SEI value added this year to date: industrial output and services revenue, each × its division''s value-added rate, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.gdp_ytd IS 'City GDP cumulative to this quarter end, 亿元; NULL except in months 3, 6, 9, 12';
COMMENT ON COLUMN mart.indicators_monthly.gdp_share IS 'SEI value added / GDP to the same quarter end, fraction; NULL except at quarter ends';
COMMENT ON COLUMN mart.indicators_monthly.n_enterprises IS 'Industrial enterprises behind output_value (单位数)';
COMMENT ON COLUMN mart.indicators_monthly.n_services_enterprises IS 'Service enterprises behind services_revenue (单位数)';
COMMENT ON COLUMN mart.indicators_monthly.output_imputed IS 'Part of output_value imputed for live units without a usable figure and for held or rejected lines, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.imputed_share IS 'output_imputed / output_value, fraction';
COMMENT ON COLUMN mart.indicators_monthly.services_revenue_imputed IS 'Part of services_revenue imputed, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.catalog_version IS 'Version (content hash of catalog/products.csv) of the guidance catalog that classified the period';
COMMENT ON COLUMN mart.indicators_monthly.gdp_vintage IS 'Vintage of the GDP gdp_share is computed on: the latest released for the quarter (ref.gdp in_force; every vintage: mart.gdp_share_vintages); NULL when unnamed or no GDP';
COMMENT ON COLUMN mart.indicators_monthly.gdp_released IS 'Day that GDP vintage was released; NULL when not given or no GDP';
COMMENT ON COLUMN mart.indicators_monthly.va_rate_basis IS 'Value-added rates value_added uses (fact.sei_lines.va_rate_basis): own year and/or carried from YYYY (latest earlier year with a rate), comma-separated; incomplete at the end when some SEI output has no rate (left out: mart.data_quality.output_no_va_rate)';

CREATE VIEW mart.output_by_area AS
SELECT period, area, * EXCLUDE (breakdown, period, area, field, key_field, district_code, zone_id)
FROM fact.sei_breakdowns
WHERE breakdown = 'area';

COMMENT ON VIEW mart.output_by_area IS 'SEI industrial output and, apart, services revenue by the plan''s six areas for each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.output_by_area.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.output_by_area.area IS 'The plan''s area (领域), in its own Chinese name';
