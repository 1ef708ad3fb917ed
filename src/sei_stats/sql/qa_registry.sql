-- INTERNAL (enterprise-level): the designated enterprises of the registry (raw/registry/enterprises.csv)
-- beside what they report, so a 龙头企业 missing from the survey or reporting no SEI line is seen.

CREATE VIEW qa.registry_enterprises AS
WITH years AS (
    SELECT year FROM mart.indicators_annual  -- complete years (December landed)
), sei AS (
    SELECT year, credit_code, sum(output_ytd) AS output_k, sum(output_ytd) FILTER (WHERE imputed) AS imputed_k
    FROM fact.sei_lines
    WHERE month(period) = 12
    GROUP BY year, credit_code
), every_line AS (
    SELECT year(period) AS year, credit_code, sum(output_ytd) AS output_k
    FROM fact.figure_lines
    WHERE month(period) = 12
    GROUP BY year(period), credit_code
)
SELECT y.year, e.credit_code, e.enterprise_name, e.designation, e.area, e.field, e.recognised_date, e.withdrawn_date,
       year(e.recognised_date) <= y.year AND coalesce(year(e.withdrawn_date) > y.year, true) AS holds_designation,
       f.credit_code IS NOT NULL AS in_frame,
       f.frame_source,
       s.output_k / 100000 AS output_value,
       CASE WHEN s.output_k IS NOT NULL THEN coalesce(s.imputed_k, 0) / 100000 END AS output_imputed,
       l.output_k / 100000 AS output_total
FROM ref.registry_enterprises AS e
CROSS JOIN years AS y
LEFT JOIN fact.frame_units AS f ON f.year = y.year AND f.credit_code = e.credit_code
LEFT JOIN sei AS s ON s.year = y.year AND s.credit_code = e.credit_code
LEFT JOIN every_line AS l ON l.year = y.year AND l.credit_code = e.credit_code
ORDER BY y.year, e.designation, e.credit_code;

COMMENT ON VIEW qa.registry_enterprises IS 'INTERNAL (enterprise-level): every enterprise of the registry (ref.registry_enterprises) and designation, for each complete year, with its SEI output and whether it is in the year''s survey frame. Money in 亿元.';
COMMENT ON COLUMN qa.registry_enterprises.year IS 'Complete year (December landed)';
COMMENT ON COLUMN qa.registry_enterprises.credit_code IS 'Enterprise (统一社会信用代码), as the registry gives it';
COMMENT ON COLUMN qa.registry_enterprises.enterprise_name IS 'Enterprise name, as the registry gives it';
COMMENT ON COLUMN qa.registry_enterprises.designation IS 'leading (龙头企业) or innovative_leader (创新型领军企业) (ref.designations)';
COMMENT ON COLUMN qa.registry_enterprises.area IS 'The plan''s area, as the registry gives it';
COMMENT ON COLUMN qa.registry_enterprises.field IS 'The plan''s field, as the registry gives it (empty when none)';
COMMENT ON COLUMN qa.registry_enterprises.recognised_date IS 'Date designated (a month: its first day)';
COMMENT ON COLUMN qa.registry_enterprises.withdrawn_date IS 'Date the designation was withdrawn; NULL while held';
COMMENT ON COLUMN qa.registry_enterprises.holds_designation IS 'Holds the designation at the year''s end (designated by then, not withdrawn by then): counted by mart.target_progress';
COMMENT ON COLUMN qa.registry_enterprises.in_frame IS 'In the year''s survey frame (fact.frame_units)';
COMMENT ON COLUMN qa.registry_enterprises.frame_source IS 'How it entered the year''s frame: roster, not_on_roster or derived (ref.frame_sources); NULL when not in it';
COMMENT ON COLUMN qa.registry_enterprises.output_value IS 'Its SEI output for the year (1–12月, fact.sei_lines, imputed included), 亿元; NULL when none of its lines in the figures is SEI (it does not report, or reports no SEI line)';
COMMENT ON COLUMN qa.registry_enterprises.output_imputed IS 'Part of output_value imputed, 亿元; NULL with output_value';
COMMENT ON COLUMN qa.registry_enterprises.output_total IS 'All its output in the year''s figures, SEI or not (fact.figure_lines, 1–12月), 亿元; NULL when it has no line in the figures';
