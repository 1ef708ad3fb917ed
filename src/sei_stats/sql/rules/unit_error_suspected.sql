-- About 1000× (the ratio) its own prior or previous month, or 1/1000 of its prior: 元 typed as 千元.
-- The screen itself is computed in fact.cross_period_context, since every other comparison skips it.
SELECT period, source_file, line_number,
       unit_error AS failed,
       format('本年累计{}千元，上年同期累计{}千元，上月本年累计{}千元', output_ytd,
              coalesce(CAST(output_ytd_prior AS VARCHAR), '—'), coalesce(CAST(previous_ytd_as_reported AS VARCHAR), '—')) AS message
FROM fact.cross_period_context
