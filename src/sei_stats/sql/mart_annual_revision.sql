-- The annual report (年报) against the December quick report (1–12月快报) it revises: each year with an annual
-- report landed, by area and in total (area 合计), each measure apart. Money in 亿元 = 千元 / 100000.
CREATE VIEW mart.annual_vs_december AS
WITH revised AS (SELECT DISTINCT year FROM fact.annual_sei_lines WHERE basis = 'annual_report'),
both_reports AS (
    SELECT year, area, measure, credit_code, basis, output_ytd AS annual_k, 0 AS december_k
    FROM fact.annual_sei_lines WHERE year IN (SELECT year FROM revised)
    UNION ALL
    SELECT year, area, measure, credit_code, NULL, 0, output_ytd
    FROM fact.sei_lines WHERE month(period) = 12 AND year IN (SELECT year FROM revised)
), totals AS (
    SELECT year, coalesce(area, '合计') AS area,
           sum(annual_k) FILTER (WHERE measure = 'industry')     AS output_annual_k,
           sum(december_k) FILTER (WHERE measure = 'industry')   AS output_december_k,
           sum(annual_k) FILTER (WHERE measure = 'services')     AS revenue_annual_k,
           sum(december_k) FILTER (WHERE measure = 'services')   AS revenue_december_k,
           count(DISTINCT credit_code) FILTER (WHERE basis = 'annual_report')       AS units_annual_report,
           count(DISTINCT credit_code) FILTER (WHERE basis = 'december_quick_kept') AS units_december_kept
    FROM both_reports
    GROUP BY GROUPING SETS ((year, area), (year))
)
SELECT year, area,
       coalesce(output_annual_k, 0) / 100000                                              AS output_annual,
       coalesce(output_december_k, 0) / 100000                                            AS output_december,
       (coalesce(output_annual_k, 0) - coalesce(output_december_k, 0)) / 100000           AS output_revision,
       (coalesce(output_annual_k, 0) - coalesce(output_december_k, 0)) / nullif(output_december_k, 0) AS output_revision_share,
       coalesce(revenue_annual_k, 0) / 100000                                             AS services_revenue_annual,
       coalesce(revenue_december_k, 0) / 100000                                           AS services_revenue_december,
       (coalesce(revenue_annual_k, 0) - coalesce(revenue_december_k, 0)) / 100000         AS services_revenue_revision,
       (coalesce(revenue_annual_k, 0) - coalesce(revenue_december_k, 0)) / nullif(revenue_december_k, 0) AS services_revenue_revision_share,
       units_annual_report,
       units_december_kept
FROM totals
ORDER BY year, area = '合计', area;

COMMENT ON VIEW mart.annual_vs_december IS 'How the annual report (年报, the figure of record) revises the December quick report (1–12月快报): each year with an annual report landed, by the plan''s area and in total (area 合计), industrial output and services revenue apart. Money in 亿元.';
COMMENT ON COLUMN mart.annual_vs_december.year IS 'Year of the annual report';
COMMENT ON COLUMN mart.annual_vs_december.area IS 'The plan''s area (领域), or 合计 for the total';
COMMENT ON COLUMN mart.annual_vs_december.output_annual IS 'SEI industrial output (工业总产值) for the year by its figure of record (mart.indicators_annual), 亿元';
COMMENT ON COLUMN mart.annual_vs_december.output_december IS 'SEI industrial output of the December quick report (1–12月, mart.indicators_monthly), 亿元';
COMMENT ON COLUMN mart.annual_vs_december.output_revision IS 'output_annual − output_december, 亿元 (negative: revised down)';
COMMENT ON COLUMN mart.annual_vs_december.output_revision_share IS 'output_revision / output_december, fraction; NULL without a December figure';
COMMENT ON COLUMN mart.annual_vs_december.services_revenue_annual IS 'SEI services revenue (营业收入) for the year by its figure of record, 亿元';
COMMENT ON COLUMN mart.annual_vs_december.services_revenue_december IS 'SEI services revenue of the December quick report, 亿元';
COMMENT ON COLUMN mart.annual_vs_december.services_revenue_revision IS 'services_revenue_annual − services_revenue_december, 亿元';
COMMENT ON COLUMN mart.annual_vs_december.services_revenue_revision_share IS 'services_revenue_revision / services_revenue_december, fraction; NULL without a December figure';
COMMENT ON COLUMN mart.annual_vs_december.units_annual_report IS 'SEI units whose figure comes from the annual report';
COMMENT ON COLUMN mart.annual_vs_december.units_december_kept IS 'SEI units of December''s figures the annual report lacks: their December quick figure stands';
