-- What the cross-period rules (sql/rules/*.sql) compare each accepted line with: its own previous
-- month and its own figure a year earlier. Lines that look like a unit error (元 typed as 千元) are
-- screened first and skipped by every other comparison, so one typo does not flag its neighbours.
-- Also the unit's frame values for the year, and what the unit reported a year earlier at all.

CREATE TABLE fact.cross_period_context AS
WITH ratio AS (
    SELECT value AS unit_error_ratio FROM ref.rule_params WHERE rule = 'unit_error_suspected' AND param = 'unit_error_ratio'
),
l AS (
    SELECT period, source_file, line_number, credit_code, coalesce(product_code, product_name) AS product_key,
           district_code, industry_code, output_ytd, output_ytd_prior,
           lag(output_ytd) OVER (PARTITION BY credit_code, coalesce(product_code, product_name), year(period)
                                 ORDER BY period) AS previous_ytd_as_reported
    FROM fact.received_lines
    WHERE status = 'accepted'
),
u AS (
    SELECT l.*,
           CASE WHEN output_ytd_prior > 0 OR previous_ytd_as_reported > 0 THEN
               coalesce(output_ytd_prior > 0 AND (output_ytd >= r.unit_error_ratio * output_ytd_prior
                                                  OR output_ytd * r.unit_error_ratio <= output_ytd_prior), false)
               OR coalesce(previous_ytd_as_reported > 0 AND output_ytd >= r.unit_error_ratio * previous_ytd_as_reported, false)
           END AS unit_error
    FROM l, ratio AS r
),
clean AS (SELECT * FROM u WHERE NOT coalesce(unit_error, false)),
previous AS (
    SELECT period, source_file, line_number,
           lag(output_ytd) OVER (PARTITION BY credit_code, product_key, year(period) ORDER BY period) AS previous_ytd
    FROM clean
),
last_year AS (
    SELECT CAST(period + INTERVAL 1 YEAR AS DATE) AS period, credit_code, product_key, sum(output_ytd) AS last_year_ytd
    FROM clean GROUP BY ALL
),
a_year_earlier AS (  -- what each unit reported a year earlier at all, unit errors included
    SELECT CAST(period + INTERVAL 1 YEAR AS DATE) AS period, credit_code, list(DISTINCT product_key) AS products
    FROM u GROUP BY ALL
),
landed_a_year_earlier AS (SELECT DISTINCT CAST(period + INTERVAL 1 YEAR AS DATE) AS period FROM fact.received_lines)
SELECT u.period, u.source_file, u.line_number, u.credit_code, u.product_key, u.district_code, u.industry_code,
       u.output_ytd, u.output_ytd_prior, u.previous_ytd_as_reported, u.unit_error, p.previous_ytd, y.last_year_ytd,
       f.district_code AS frame_district_code, f.industry_code AS frame_industry_code,
       e.period IS NOT NULL AS landed_a_year_earlier,
       a.credit_code IS NOT NULL AS unit_reported_a_year_earlier,
       coalesce(list_contains(a.products, u.product_key), false) AS product_reported_a_year_earlier
FROM u
LEFT JOIN previous AS p USING (period, source_file, line_number)
LEFT JOIN last_year AS y ON y.period = u.period AND y.credit_code = u.credit_code AND y.product_key = u.product_key
LEFT JOIN fact.frame_units AS f ON f.year = year(u.period) AND f.credit_code = u.credit_code
LEFT JOIN a_year_earlier AS a ON a.period = u.period AND a.credit_code = u.credit_code
LEFT JOIN landed_a_year_earlier AS e ON e.period = u.period;

COMMENT ON TABLE fact.cross_period_context IS 'Each accepted line with what the cross-period rules compare it with. Money in 千元.';
COMMENT ON COLUMN fact.cross_period_context.product_key IS 'Product code, or the product name where the line has none';
COMMENT ON COLUMN fact.cross_period_context.previous_ytd_as_reported IS 'The same enterprise and product''s output in its previous reported month of the year, as reported, 千元';
COMMENT ON COLUMN fact.cross_period_context.unit_error IS 'Looks like a unit error (the screen of rule unit_error_suspected); NULL when there is nothing to compare with';
COMMENT ON COLUMN fact.cross_period_context.previous_ytd IS 'The same enterprise and product''s output in its previous reported month of the year (unit errors skipped), 千元';
COMMENT ON COLUMN fact.cross_period_context.last_year_ytd IS 'What the same enterprise and product reported as output for this month a year earlier (unit errors skipped), 千元';
COMMENT ON COLUMN fact.cross_period_context.frame_district_code IS 'The unit''s district for the year in the survey frame (GB/T 2260)';
COMMENT ON COLUMN fact.cross_period_context.frame_industry_code IS 'The unit''s industry class for the year in the survey frame (GB/T 4754-2017)';
COMMENT ON COLUMN fact.cross_period_context.landed_a_year_earlier IS 'The same month a year earlier is in the warehouse';
COMMENT ON COLUMN fact.cross_period_context.unit_reported_a_year_earlier IS 'The unit has an accepted line in the same month a year earlier';
COMMENT ON COLUMN fact.cross_period_context.product_reported_a_year_earlier IS 'The unit has an accepted line of this product in the same month a year earlier';
