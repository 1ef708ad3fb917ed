-- INTERNAL (enterprise-level): the enterprises that moved the month's SEI output most (never published).

CREATE VIEW qa.largest_contributors AS
WITH e AS (
    SELECT period, credit_code, any_value(enterprise_name) AS enterprise_name,
           string_agg(DISTINCT area, ',' ORDER BY area) AS area, sum(output_ytd) AS ytd
    FROM fact.sei_lines GROUP BY period, credit_code
), c AS (
    -- a month's own output is the change of the year to date; January starts the year afresh
    SELECT e.*, coalesce(p.ytd, 0) AS previous_ytd, e.ytd - coalesce(p.ytd, 0) AS change
    FROM e LEFT JOIN e AS p
      ON p.credit_code = e.credit_code AND p.period = CAST(e.period - INTERVAL 1 MONTH AS DATE) AND month(e.period) > 1
), ranked AS (
    SELECT c.*, row_number() OVER (PARTITION BY period ORDER BY abs(change) DESC, credit_code) AS rank,
           sum(change) OVER (PARTITION BY period) AS total_change
    FROM c
)
SELECT period, rank, credit_code, enterprise_name, area, ytd / 100000 AS output_ytd, previous_ytd / 100000 AS previous_output_ytd,
       change / 100000 AS change, change / nullif(total_change, 0) AS share_of_change
FROM ranked WHERE rank <= 10
ORDER BY period, rank;

COMMENT ON VIEW qa.largest_contributors IS 'INTERNAL (enterprise-level): the ten enterprises that moved each month''s SEI output most. Money in 亿元.';
COMMENT ON COLUMN qa.largest_contributors.period IS 'Report period: first day of the month';
COMMENT ON COLUMN qa.largest_contributors.rank IS '1 = largest absolute change';
COMMENT ON COLUMN qa.largest_contributors.credit_code IS 'Enterprise (统一社会信用代码)';
COMMENT ON COLUMN qa.largest_contributors.enterprise_name IS 'Enterprise name';
COMMENT ON COLUMN qa.largest_contributors.area IS 'The plan''s areas of its SEI lines';
COMMENT ON COLUMN qa.largest_contributors.output_ytd IS 'Its SEI output this year to date (imputed included), 亿元';
COMMENT ON COLUMN qa.largest_contributors.previous_output_ytd IS 'The same a month earlier (0 in the year''s first report period: 1–2月, or 1月 when January is reported), 亿元';
COMMENT ON COLUMN qa.largest_contributors.change IS 'output_ytd − previous_output_ytd: its output in the month, 亿元';
COMMENT ON COLUMN qa.largest_contributors.share_of_change IS 'change / the city''s change in the month, fraction';
