-- The lines in the figures, made after the step over the survey frame (sei_stats.scope) has filled
-- fact.frame_classes and fact.imputed_lines; the SEI lines every mart reads.

-- The lines in the figures: accepted lines of live units classified by the frame, and imputed lines.
-- Stored (made once the frame step has filled its tables): every mart reads it, so the chain of views
-- behind it is computed once per publish, not once per mart.
CREATE TABLE fact.figure_lines AS
WITH lines AS (
SELECT s.period, s.source_file, s.line_number, s.credit_code, s.enterprise_name, s.district_code, s.industry_code,
       s.product_code, s.product_name, s.output_ytd, s.prior, s.prior_source,
       CASE WHEN c.period IS NULL THEN s.is_sei ELSE c.is_sei END AS is_sei,
       CASE WHEN c.period IS NULL THEN s.match_kind ELSE c.match_kind END AS match_kind,
       CASE WHEN c.period IS NULL THEN s.catalog_code ELSE c.catalog_code END AS catalog_code,
       CASE WHEN c.period IS NULL THEN s.area ELSE c.area END AS area,
       CASE WHEN c.period IS NULL THEN s.field ELSE c.field END AS field,
       CASE WHEN c.period IS NULL THEN s.key_field ELSE c.key_field END AS key_field,
       CASE WHEN c.period IS NULL THEN s.nbs_code ELSE c.nbs_code END AS nbs_code,
       CASE WHEN c.period IS NULL THEN s.nbs_edition ELSE c.nbs_edition END AS nbs_edition,
       s.catalog_version, false AS imputed
FROM fact.scope_lines AS s
LEFT JOIN fact.frame_classes AS c USING (period, source_file, line_number)
UNION ALL
SELECT period, 'imputed', NULL, credit_code, enterprise_name, district_code, industry_code, product_code, product_name,
       output_ytd, prior, prior_source, is_sei, match_kind, catalog_code, area, field, key_field, nbs_code, nbs_edition,
       catalog_version, true
FROM fact.imputed_lines
)
-- what output_ytd measures follows the frame's industry division: 工业总产值 or 营业收入, never added
SELECT l.*, m.code AS measure
FROM lines AS l
LEFT JOIN ref.measures AS m ON left(l.industry_code, 2) BETWEEN m.first_division AND m.last_division;

COMMENT ON TABLE fact.figure_lines IS 'INTERNAL: every line in the figures, SEI or not: accepted lines of live units (classified by the frame''s industry) and imputed lines. Money in 千元.';
COMMENT ON COLUMN fact.figure_lines.source_file IS 'Return file of the line, or imputed';
COMMENT ON COLUMN fact.figure_lines.prior IS 'The prior (上年同期) growth is computed on, 千元; NULL when not available';
COMMENT ON COLUMN fact.figure_lines.imputed IS 'True for an imputed line (fact.imputed_lines)';
COMMENT ON COLUMN fact.figure_lines.measure IS 'What output_ytd measures, by the frame industry''s division (ref.measures): industry (工业总产值, divisions 06–46) or services (营业收入, 51–97); NULL for 01–05 and 47–50 (never SEI)';
COMMENT ON COLUMN fact.figure_lines.output_ytd IS 'This year to date, 千元, exact DECIMAL (after review, or imputed): industrial output (工业总产值) or services revenue (营业收入) as measure says';

-- The value-added rate each year of the figures uses for each division: the year's rate in force, else the
-- latest earlier year's (carried, and said so); one home for the rule, read by the monthly and annual SEI lines.
CREATE VIEW fact.va_rates_in_force AS
WITH years AS (SELECT DISTINCT year(period) AS year FROM fact.figure_lines),
divisions AS (SELECT DISTINCT industry_division FROM ref.va_rates WHERE in_force)
SELECT y.year, d.industry_division, v.va_rate, v.year AS va_rate_year, v.vintage AS va_rate_vintage,
       CASE WHEN v.year = y.year THEN 'own year' WHEN v.year IS NOT NULL THEN 'carried from ' || v.year END AS va_rate_basis
FROM years AS y CROSS JOIN divisions AS d
ASOF LEFT JOIN (SELECT year, industry_division, va_rate, vintage FROM ref.va_rates WHERE in_force) AS v
  ON v.industry_division = d.industry_division AND v.year <= y.year;

COMMENT ON VIEW fact.va_rates_in_force IS 'The value-added rate of each year of the figures and each division with a rate: the year''s in force, else carried from the latest earlier year (va_rate_basis)';
COMMENT ON COLUMN fact.va_rates_in_force.year IS 'Year of the figures';
COMMENT ON COLUMN fact.va_rates_in_force.industry_division IS 'GB/T 4754-2017 division (2 digits)';

CREATE VIEW fact.sei_lines AS
SELECT l.* EXCLUDE (prior), l.prior AS output_ytd_prior, year(l.period) AS year,
       left(l.industry_code, 2) AS industry_division, v.va_rate, v.va_rate_year, v.va_rate_vintage, v.va_rate_basis
FROM fact.figure_lines AS l
LEFT JOIN fact.va_rates_in_force AS v ON v.year = year(l.period) AND v.industry_division = left(l.industry_code, 2)
WHERE l.is_sei;

COMMENT ON VIEW fact.sei_lines IS 'The lines in the SEI figures: accepted lines of live units classified as strategic emerging by their product or the frame''s industry, and imputed lines, with the value-added rate of their division in force for their year (else carried from the latest earlier year: va_rate_basis). Money in 千元.';
COMMENT ON COLUMN fact.sei_lines.output_ytd_prior IS 'The prior (上年同期) growth is computed on, 千元: reported, else filled (prior_source); NULL when not available';
COMMENT ON COLUMN fact.sei_lines.year IS 'Calendar year of the report period';
COMMENT ON COLUMN fact.sei_lines.industry_division IS 'GB/T 4754-2017 division (first two digits of the frame''s industry code)';
COMMENT ON COLUMN fact.sei_lines.va_rate IS 'Value added / output value of the division (fraction): the year''s rate in force, else the latest earlier year''s; NULL when raw/va_rates.csv has none for the division up to the year';
COMMENT ON COLUMN fact.sei_lines.va_rate_year IS 'Year whose rate va_rate is (ref.va_rates); NULL when none';
COMMENT ON COLUMN fact.sei_lines.va_rate_vintage IS 'Vintage of that year''s rates in force (ref.va_rates.vintage); NULL when unnamed or no rate';
COMMENT ON COLUMN fact.sei_lines.va_rate_basis IS 'own year, or carried from YYYY (the division has no rate in force for the line''s year: the latest earlier year''s); NULL when no rate';
