-- A cumulative figure cannot fall: below the same enterprise and product's previous month of the year.
SELECT period, source_file, line_number,
       CASE WHEN NOT coalesce(unit_error, false) AND previous_ytd IS NOT NULL THEN output_ytd < previous_ytd END AS failed,
       format('本年累计{}千元，低于上月本年累计{}千元', output_ytd, previous_ytd) AS message
FROM fact.cross_period_context
