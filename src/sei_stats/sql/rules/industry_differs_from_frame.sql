-- The frame fixes a unit's industry for the year (名录库): a return naming another is noted, not followed.
SELECT period, source_file, line_number,
       CASE WHEN frame_industry_code IS NOT NULL AND industry_code IS NOT NULL THEN industry_code <> frame_industry_code END AS failed,
       format('报表行业代码{}，{}年调查名录为{}', industry_code, year(period), frame_industry_code) AS message
FROM fact.cross_period_context
