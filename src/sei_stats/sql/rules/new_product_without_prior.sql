-- A blank prior on a product the unit did not report a year earlier, though it reported other lines:
-- growth counts it as a new product with a prior of 0, which a reviewer should confirm.
SELECT period, source_file, line_number,
       CASE WHEN output_ytd_prior IS NULL AND landed_a_year_earlier AND unit_reported_a_year_earlier
            THEN NOT product_reported_a_year_earlier END AS failed,
       format('上年同期为空；{}上年同期有报表，但无产品{}：按新增产品计（上年同期为0）',
              credit_code, product_key) AS message
FROM fact.cross_period_context
