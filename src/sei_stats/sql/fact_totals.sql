-- The indicators of a report period (cumulative 1–X月) or of a complete year's figure of record, one home for the
-- sums every indicator mart reads. Money in 亿元 = 千元 / 100000.

CREATE VIEW fact.sei_totals AS
WITH lines AS (
    SELECT 'monthly' AS report, period, credit_code, output_ytd, output_ytd_prior, measure, imputed, va_rate, va_rate_basis,
           catalog_version, NULL AS basis
    FROM fact.sei_lines
    UNION ALL
    SELECT 'annual', period, credit_code, output_ytd, output_ytd_prior, measure, imputed, va_rate, va_rate_basis,
           catalog_version, basis
    FROM fact.annual_sei_lines
), m AS (
    -- industrial output (工业总产值) and services revenue (营业收入) side by side, never added (fact.figure_lines.measure)
    SELECT report, period,
           sum(output_ytd) FILTER (WHERE measure = 'industry')                                   AS output_k,
           sum(output_ytd) FILTER (WHERE measure = 'industry' AND output_ytd_prior IS NOT NULL)  AS output_comparable_k,
           sum(output_ytd_prior) FILTER (WHERE measure = 'industry')                             AS prior_k,
           sum(output_ytd) FILTER (WHERE measure = 'industry' AND imputed)                       AS imputed_k,
           count(DISTINCT credit_code) FILTER (WHERE measure = 'industry')                       AS n_enterprises,
           sum(output_ytd) FILTER (WHERE measure = 'services')                                   AS revenue_k,
           sum(output_ytd) FILTER (WHERE measure = 'services' AND output_ytd_prior IS NOT NULL)  AS revenue_comparable_k,
           sum(output_ytd_prior) FILTER (WHERE measure = 'services')                             AS revenue_prior_k,
           sum(output_ytd) FILTER (WHERE measure = 'services' AND imputed)                       AS revenue_imputed_k,
           count(DISTINCT credit_code) FILTER (WHERE measure = 'services')                       AS n_services_enterprises,
           -- value added covers both, each by its own division's rate; widened first: DECIMAL(18,3) ×
           -- DECIMAL(9,6) is computed in 18 digits and overflows from ~1e9 千元
           sum(CAST(output_ytd AS DECIMAL(38, 3)) * va_rate)                                     AS value_added_k,
           string_agg(DISTINCT catalog_version, ',')                                             AS catalog_version,
           -- the rates' basis: own year, then each year rates are carried from (latest first), then incomplete
           concat_ws(', ', CASE WHEN bool_or(va_rate_basis = 'own year') THEN 'own year' END,
                     string_agg(DISTINCT va_rate_basis, ', ' ORDER BY va_rate_basis DESC) FILTER (WHERE va_rate_basis <> 'own year'),
                     CASE WHEN bool_or(va_rate IS NULL) THEN 'incomplete' END)                   AS va_rate_basis,
           CASE WHEN bool_or(basis = 'annual_report') THEN 'annual_report' WHEN report = 'annual' THEN 'december_quick' END AS basis
    FROM lines
    GROUP BY report, period
)
SELECT m.report, m.period,
       coalesce(m.output_k, 0) / 100000                                     AS output_value,
       m.output_comparable_k / 100000                                       AS output_comparable,
       m.prior_k / 100000                                                   AS output_ytd_prior,
       m.output_comparable_k / nullif(m.prior_k, 0) - 1                     AS output_growth,
       coalesce(m.revenue_k, 0) / 100000                                    AS services_revenue,
       m.revenue_comparable_k / 100000                                      AS services_revenue_comparable,
       m.revenue_prior_k / 100000                                           AS services_revenue_prior,
       m.revenue_comparable_k / nullif(m.revenue_prior_k, 0) - 1            AS services_revenue_growth,
       m.value_added_k / 100000                                             AS value_added,
       g.gdp_ytd,
       (m.value_added_k / 100000) / g.gdp_ytd                               AS gdp_share,
       m.n_enterprises,
       m.n_services_enterprises,
       coalesce(m.imputed_k, 0) / 100000                                    AS output_imputed,
       coalesce(m.imputed_k, 0) / nullif(m.output_k, 0)                     AS imputed_share,
       coalesce(m.revenue_imputed_k, 0) / 100000                            AS services_revenue_imputed,
       m.catalog_version,
       g.vintage                                                            AS gdp_vintage,
       g.released                                                           AS gdp_released,
       m.va_rate_basis,
       m.basis
FROM m
LEFT JOIN ref.gdp AS g ON g.year = year(m.period) AND g.quarter * 3 = month(m.period) AND g.in_force;

COMMENT ON VIEW fact.sei_totals IS 'The indicators of each report period (report monthly: 1–X月, from fact.sei_lines) and of each complete year''s figure of record (report annual: from fact.annual_sei_lines); mart.indicators_monthly and mart.indicators_annual read it. Money in 亿元.';
COMMENT ON COLUMN fact.sei_totals.report IS 'monthly (a report period) or annual (a complete year''s figure of record)';
COMMENT ON COLUMN fact.sei_totals.basis IS 'For report annual: annual_report (the annual report is landed) or december_quick (the December quick report); NULL for monthly';
