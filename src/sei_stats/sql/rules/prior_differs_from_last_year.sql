-- The prior reported now against what the enterprise itself reported for that month a year earlier.
SELECT period, source_file, line_number,
       CASE WHEN NOT coalesce(unit_error, false) AND last_year_ytd > 0 AND output_ytd_prior IS NOT NULL
            THEN abs(output_ytd_prior - last_year_ytd) > p.prior_tolerance * last_year_ytd END AS failed,
       format('上年同期累计{}千元，但上年同期报表填报本年累计{}千元', output_ytd_prior, last_year_ytd) AS message
FROM fact.cross_period_context, params AS p
