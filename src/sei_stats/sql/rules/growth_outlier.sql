-- Extreme growth on a material line: worth a look, counted all the same.
SELECT period, source_file, line_number,
       CASE WHEN NOT coalesce(unit_error, false) AND output_ytd_prior > 0
            THEN output_ytd >= p.material_output_qianyuan
                 AND abs(output_ytd - output_ytd_prior) > p.max_abs_growth * output_ytd_prior END AS failed,
       format('同比增长{}%，本年累计{}千元', round(100 * (output_ytd / output_ytd_prior - 1), 1), output_ytd) AS message
FROM fact.cross_period_context, params AS p
