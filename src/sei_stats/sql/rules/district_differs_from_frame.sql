-- The frame fixes a unit's district for the year (名录库): a return naming another is noted, not followed.
SELECT period, source_file, line_number,
       CASE WHEN frame_district_code IS NOT NULL AND district_code IS NOT NULL THEN district_code <> frame_district_code END AS failed,
       format('报表行政区划代码{}，{}年调查名录为{}', district_code, year(period), frame_district_code) AS message
FROM fact.cross_period_context
