-- The lines of each complete year's figure of record: the annual report's where it is landed, else December's.

-- Per complete year (December landed): with an annual report, its accepted lines of units in scope, classified as
-- landed, with the frame's district and industry, plus the December figure of units of December's figures the
-- annual report lacks (their quick figure stands); without one, December's figure lines (the quick report).
-- A blank prior is filled as for December: last year's annual report, else last year's December figure, else 0
-- for a new unit or product; NULL when neither is in the warehouse.
CREATE TABLE fact.annual_figure_lines AS
WITH annual_years AS (SELECT DISTINCT year(period) AS year FROM fact.annual_lines),
complete AS (SELECT DISTINCT year(period) AS year FROM fact.figure_lines WHERE month(period) = 12),
accepted AS (
    SELECT a.*, coalesce(a.product_code, a.product_name) AS product_key FROM fact.annual_lines AS a
    WHERE a.status = 'accepted' AND year(a.period) IN (SELECT year FROM complete)
),
final_values AS (  -- each unit and product's final value of a year: its annual report, else its December figure
    SELECT year(period) AS year, credit_code, product_key, sum(output_ytd) AS ytd FROM accepted GROUP BY ALL
    UNION ALL
    SELECT year(f.period), f.credit_code, coalesce(f.product_code, f.product_name), sum(f.output_ytd)
    FROM fact.figure_lines AS f
    WHERE month(f.period) = 12
      AND NOT EXISTS (SELECT 1 FROM accepted AS a WHERE year(a.period) = year(f.period) AND a.credit_code = f.credit_code)
    GROUP BY ALL
),
known_years AS (SELECT DISTINCT year FROM final_values),
annual AS (
    SELECT a.period, a.source_file, a.line_number, a.credit_code, a.enterprise_name,
           coalesce(u.district_code, a.district_code) AS district_code,
           coalesce(u.industry_code, a.industry_code) AS industry_code,
           a.product_code, a.product_name, a.output_ytd,
           CASE WHEN a.output_ytd_prior IS NOT NULL THEN a.output_ytd_prior
                WHEN y.ytd IS NOT NULL THEN y.ytd
                WHEN k.year IS NOT NULL THEN 0 END AS prior,
           CASE WHEN a.output_ytd_prior IS NOT NULL THEN 'reported'
                WHEN y.ytd IS NOT NULL THEN 'last_year_annual'
                WHEN k.year IS NULL THEN 'not_available'
                WHEN NOT EXISTS (SELECT 1 FROM final_values AS v WHERE v.year = year(a.period) - 1
                                                                  AND v.credit_code = a.credit_code) THEN 'new_unit'
                ELSE 'new_product' END AS prior_source,
           a.is_sei, a.match_kind, a.catalog_code, a.area, a.field, a.key_field, a.nbs_code, a.nbs_edition,
           a.catalog_version, false AS imputed, 'annual_report' AS basis
    FROM accepted AS a
    LEFT JOIN fact.frame_units AS u ON u.year = year(a.period) AND u.credit_code = a.credit_code
    LEFT JOIN final_values AS y ON y.year = year(a.period) - 1 AND y.credit_code = a.credit_code AND y.product_key = a.product_key
    LEFT JOIN known_years AS k ON k.year = year(a.period) - 1
),
december AS (
    SELECT f.* EXCLUDE (measure),
           CASE WHEN year(f.period) IN (SELECT year FROM annual_years) THEN 'december_quick_kept' ELSE 'december_quick' END AS basis
    FROM fact.figure_lines AS f
    WHERE month(f.period) = 12
      AND NOT EXISTS (SELECT 1 FROM accepted AS a WHERE year(a.period) = year(f.period) AND a.credit_code = f.credit_code)
),
lines AS (
    SELECT * FROM annual
    UNION ALL BY NAME
    SELECT * FROM december
)
SELECT l.*, m.code AS measure
FROM lines AS l
LEFT JOIN ref.measures AS m ON left(l.industry_code, 2) BETWEEN m.first_division AND m.last_division;

COMMENT ON TABLE fact.annual_figure_lines IS 'INTERNAL: the lines of each complete year''s figure of record (1–12月): the annual report''s accepted lines where it is landed, with the December figure of units it lacks; December''s figure lines otherwise. Money in 千元.';
COMMENT ON COLUMN fact.annual_figure_lines.period IS 'December of the year (the figure covers 1–12月)';
COMMENT ON COLUMN fact.annual_figure_lines.source_file IS 'Annual report file of the line, its December return file, or imputed';
COMMENT ON COLUMN fact.annual_figure_lines.output_ytd IS 'Output for the year, 千元, exact DECIMAL: 工业总产值 or 营业收入 as measure says';
COMMENT ON COLUMN fact.annual_figure_lines.prior IS 'The year before (上年), 千元: reported, else last year''s final value (its annual report, else its December figure), else 0 for a new unit or product; NULL when not available';
COMMENT ON COLUMN fact.annual_figure_lines.basis IS 'annual_report (a line of the year''s annual report), december_quick_kept (a unit of December''s figures the annual report lacks: its quick figure stands) or december_quick (no annual report landed for the year)';
COMMENT ON COLUMN fact.annual_figure_lines.measure IS 'What output_ytd measures, by the frame industry''s division (ref.measures): industry (工业总产值) or services (营业收入); NULL for 01–05 and 47–50';

CREATE VIEW fact.annual_sei_lines AS
SELECT l.* EXCLUDE (prior), l.prior AS output_ytd_prior, year(l.period) AS year,
       left(l.industry_code, 2) AS industry_division, v.va_rate, v.va_rate_year, v.va_rate_vintage, v.va_rate_basis
FROM fact.annual_figure_lines AS l
LEFT JOIN fact.va_rates_in_force AS v ON v.year = year(l.period) AND v.industry_division = left(l.industry_code, 2)
WHERE l.is_sei;

COMMENT ON VIEW fact.annual_sei_lines IS 'INTERNAL: the SEI lines of each complete year''s figure of record (fact.annual_figure_lines) with their value-added rate (fact.va_rates_in_force). Money in 千元.';
