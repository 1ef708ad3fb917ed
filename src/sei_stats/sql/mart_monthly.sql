-- Monthly marts: one row per report period (cumulative 1–X月). Money in 亿元 = 千元 / 100000.

CREATE VIEW mart.indicators_monthly AS
WITH m AS (
    SELECT period,
           sum(output_ytd)                                              AS output_k,
           sum(output_ytd) FILTER (WHERE output_ytd_prior IS NOT NULL)  AS output_comparable_k,
           sum(output_ytd_prior)                                        AS prior_k,
           -- widened first: DECIMAL(18,3) × DECIMAL(9,6) is computed in 18 digits and overflows from ~1e9 千元
           sum(CAST(output_ytd AS DECIMAL(38, 3)) * va_rate)            AS value_added_k,
           count(DISTINCT credit_code)                                  AS n_enterprises,
           string_agg(DISTINCT catalog_version, ',')                    AS catalog_version,
           sum(output_ytd) FILTER (WHERE imputed)                       AS imputed_k
    FROM fact.sei_lines
    GROUP BY period
)
SELECT m.period,
       m.output_k / 100000                                  AS output_value,
       m.output_comparable_k / 100000                       AS output_comparable,
       m.prior_k / 100000                                   AS output_ytd_prior,
       m.output_comparable_k / nullif(m.prior_k, 0) - 1     AS output_growth,
       m.value_added_k / 100000                             AS value_added,
       g.gdp_ytd,
       (m.value_added_k / 100000) / g.gdp_ytd               AS gdp_share,
       m.n_enterprises,
       coalesce(m.imputed_k, 0) / 100000                    AS output_imputed,
       coalesce(m.imputed_k, 0) / m.output_k                AS imputed_share,
       m.catalog_version
FROM m
LEFT JOIN ref.gdp AS g ON g.year = year(m.period) AND g.quarter * 3 = month(m.period);

COMMENT ON VIEW mart.indicators_monthly IS 'SEI indicators for each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.indicators_monthly.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.indicators_monthly.output_value IS 'SEI output value this year to date, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.output_comparable IS 'Output of the lines with a prior: all of output_value unless the same month a year earlier is not in the warehouse, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.output_ytd_prior IS 'Same period last year over this period''s scope of units (reported, else filled: fact.sei_lines.prior_source), 亿元';
COMMENT ON COLUMN mart.indicators_monthly.output_growth IS 'Comparable-basis growth (同比) as NBS computes it: output_comparable / output_ytd_prior − 1, fraction';
COMMENT ON COLUMN mart.indicators_monthly.value_added IS 'SEI value added this year to date (output × value-added rate), 亿元';
COMMENT ON COLUMN mart.indicators_monthly.gdp_ytd IS 'City GDP cumulative to this quarter end, 亿元; NULL except in months 3, 6, 9, 12';
COMMENT ON COLUMN mart.indicators_monthly.gdp_share IS 'SEI value added / GDP to the same quarter end, fraction; NULL except at quarter ends';
COMMENT ON COLUMN mart.indicators_monthly.n_enterprises IS 'Enterprises behind the figures (单位数)';
COMMENT ON COLUMN mart.indicators_monthly.output_imputed IS 'Part of output_value imputed for live units without a usable figure and for held or rejected lines, 亿元';
COMMENT ON COLUMN mart.indicators_monthly.imputed_share IS 'output_imputed / output_value, fraction';
COMMENT ON COLUMN mart.indicators_monthly.catalog_version IS 'Version (content hash of catalog/products.csv) of the guidance catalog that classified the period';

CREATE VIEW mart.output_by_area AS
SELECT period,
       area,
       sum(output_ytd) / 100000                                                           AS output_ytd,
       sum(output_ytd) FILTER (WHERE output_ytd_prior IS NOT NULL) / 100000               AS output_comparable,
       sum(output_ytd_prior) / 100000                                                     AS output_ytd_prior,
       sum(output_ytd) FILTER (WHERE output_ytd_prior IS NOT NULL) / nullif(sum(output_ytd_prior), 0) - 1 AS growth,
       count(DISTINCT credit_code)                                                        AS n_enterprises,
       coalesce(sum(output_ytd) FILTER (WHERE imputed), 0) / 100000                       AS output_imputed,
       coalesce(sum(output_ytd) FILTER (WHERE imputed), 0) / sum(output_ytd)              AS imputed_share
FROM fact.sei_lines
GROUP BY period, area;

COMMENT ON VIEW mart.output_by_area IS 'SEI output by the plan''s six areas for each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.output_by_area.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.output_by_area.area IS 'The plan''s area (领域), in its own Chinese name';
COMMENT ON COLUMN mart.output_by_area.output_ytd IS 'Output value this year to date, 亿元';
COMMENT ON COLUMN mart.output_by_area.output_comparable IS 'Output of the lines with a prior (all unless the same month a year earlier is not in the warehouse), 亿元';
COMMENT ON COLUMN mart.output_by_area.output_ytd_prior IS 'Same period last year over this period''s scope of units, 亿元';
COMMENT ON COLUMN mart.output_by_area.growth IS 'Comparable-basis growth (同比): output_comparable / output_ytd_prior − 1, fraction';
COMMENT ON COLUMN mart.output_by_area.n_enterprises IS 'Enterprises behind the figure (单位数), imputed ones included; an enterprise in two areas counts in both';
COMMENT ON COLUMN mart.output_by_area.output_imputed IS 'Part of output_ytd imputed, 亿元';
COMMENT ON COLUMN mart.output_by_area.imputed_share IS 'Share of output_ytd imputed, fraction';
