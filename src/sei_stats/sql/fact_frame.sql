-- The survey frame (名录库): the units of each year, each live in the months of its window, with the
-- industry, district and area that hold for the whole year whatever a month's return says.
-- A year with a roster (raw/roster/YYYY.csv) takes its units from it, plus any unit that reports
-- without being on it, from its first return on (not_on_roster). A year without a roster derives its
-- frame from the returns: every unit from its first return of the year on. A unit's first return is
-- its first month with a line landing judged well-formed (accepted or held), so the frame does not
-- move with review decisions.

CREATE TABLE fact.frame_units AS
WITH returns AS (
    SELECT year(period) AS year, period, credit_code, enterprise_name, district_code, industry_code,
           area, is_sei, output_ytd, file_order, line_number
    FROM fact.received_lines
    WHERE status IN ('accepted', 'held') AND credit_code IS NOT NULL
),
first_return AS (
    SELECT r.year, r.credit_code, r.period AS first_period,
           arg_min(r.enterprise_name, (r.file_order, r.line_number)) AS enterprise_name,
           arg_min(r.district_code, (r.file_order, r.line_number))   AS district_code,
           arg_min(r.industry_code, (r.file_order, r.line_number))   AS industry_code,
           arg_max(r.area, r.output_ytd) FILTER (WHERE r.is_sei)     AS area  -- its largest SEI line's
    FROM returns AS r
    SEMI JOIN (SELECT year, credit_code, min(period) AS period FROM returns GROUP BY ALL) AS f
         ON f.year = r.year AND f.credit_code = r.credit_code AND f.period = r.period
    GROUP BY r.year, r.credit_code, r.period
)
SELECT year, credit_code, enterprise_name, district_code, industry_code, area, 'roster' AS frame_source,
       coalesce(active_from, make_date(year::INTEGER, 1, 1)) AS live_from,
       coalesce(active_to, make_date(year::INTEGER, 12, 1))  AS live_to
FROM ref.roster
UNION ALL
SELECT f.year, f.credit_code, f.enterprise_name, f.district_code, f.industry_code, f.area,
       CASE WHEN f.year IN (SELECT year FROM ref.roster) THEN 'not_on_roster' ELSE 'derived' END,
       f.first_period, make_date(f.year::INTEGER, 12, 1)
FROM first_return AS f
ANTI JOIN ref.roster AS r ON r.year = f.year AND r.credit_code = f.credit_code;

COMMENT ON TABLE fact.frame_units IS 'INTERNAL (enterprise-level): the survey frame of each year, one row per unit, with the classification that holds for the year';
COMMENT ON COLUMN fact.frame_units.year IS 'Year of the frame';
COMMENT ON COLUMN fact.frame_units.credit_code IS 'Unit (统一社会信用代码)';
COMMENT ON COLUMN fact.frame_units.enterprise_name IS 'Unit name: the roster''s, else its first return''s';
COMMENT ON COLUMN fact.frame_units.district_code IS 'District for the year (GB/T 2260): the roster''s, else its first return''s';
COMMENT ON COLUMN fact.frame_units.industry_code IS 'Industry class for the year (GB/T 4754-2017): the roster''s, else its first return''s; classifies its lines that no product entry matches';
COMMENT ON COLUMN fact.frame_units.area IS 'The plan''s area for imputation strata: the roster''s, else that of its first return''s largest SEI line (NULL: none)';
COMMENT ON COLUMN fact.frame_units.frame_source IS 'roster, not_on_roster (reported without being on the year''s roster) or derived (the year has no roster) (ref.frame_sources)';
COMMENT ON COLUMN fact.frame_units.live_from IS 'First live month (first day): active_from, January, or its first return''s month';
COMMENT ON COLUMN fact.frame_units.live_to IS 'Last live month (first day): active_to, else December';

-- Each landed month × each unit of its year's frame (a unit that joins by reporting, from its first
-- return on): whether it is live. A reviewer's reject of imputed_too_long takes a unit out of scope
-- from the review file's month to the end of the year.
CREATE TABLE fact.frame AS
WITH periods AS (SELECT DISTINCT period FROM fact.received_lines),
taken_out AS (
    SELECT credit_code, year(period) AS year, min(period) AS out_from, arg_min(review_file, period) AS review_file
    FROM ref.reviews WHERE rule = 'imputed_too_long' AND decision = 'reject' AND report = 'monthly'
    GROUP BY ALL
)
SELECT p.period, u.*,
       p.period BETWEEN u.live_from AND u.live_to AND p.period < coalesce(t.out_from, DATE '9999-12-01') AS live,
       CASE WHEN p.period < u.live_from THEN 'not yet active (active_from ' || strftime(u.live_from, '%Y-%m') || ')'
            WHEN p.period > u.live_to THEN 'closed (active_to ' || strftime(u.live_to, '%Y-%m') || ')'
            WHEN p.period >= t.out_from THEN 'taken out of scope on review (' || t.review_file || ')'
       END AS out_of_scope_reason
FROM periods AS p
JOIN fact.frame_units AS u ON u.year = year(p.period)
LEFT JOIN taken_out AS t ON t.credit_code = u.credit_code AND t.year = u.year
WHERE u.frame_source = 'roster' OR p.period >= u.live_from;

COMMENT ON TABLE fact.frame IS 'INTERNAL (enterprise-level): each landed month × each unit of the year''s frame, live or not';
COMMENT ON COLUMN fact.frame.period IS 'Report period: first day of the month';
COMMENT ON COLUMN fact.frame.live IS 'In scope this month: counted, and imputed when it has no usable figure';
COMMENT ON COLUMN fact.frame.out_of_scope_reason IS 'Why a unit is not live this month; NULL when live';
