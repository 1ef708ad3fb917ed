-- Rules across months, the reviewers' decisions, and each line's final bucket.
-- Cross-period rules run here, over the whole landed history, so they never go stale when an
-- earlier month is landed again. Thresholds: ref.thresholds (config/quality.yaml).

CREATE VIEW fact.cross_period_checks AS
WITH t AS (SELECT * FROM ref.thresholds),
l AS (
    SELECT period, source_file, line_number, credit_code, coalesce(product_code, product_name) AS product_key,
           output_ytd, output_ytd_prior,
           lag(output_ytd) OVER (PARTITION BY credit_code, coalesce(product_code, product_name), year(period)
                                 ORDER BY period) AS previous_ytd_as_reported
    FROM fact.received_lines
    WHERE status = 'accepted'
),
u AS (  -- unit errors first: the other comparisons skip them, so one typo does not flag its neighbours
    SELECT l.*,
           CASE WHEN output_ytd_prior > 0 OR previous_ytd_as_reported > 0 THEN
               coalesce(output_ytd_prior > 0 AND (output_ytd >= t.unit_error_ratio * output_ytd_prior
                                                  OR output_ytd * t.unit_error_ratio <= output_ytd_prior), false)
               OR coalesce(previous_ytd_as_reported > 0 AND output_ytd >= t.unit_error_ratio * previous_ytd_as_reported, false)
           END AS unit_error_suspected
    FROM l, t
),
clean AS (SELECT * FROM u WHERE NOT coalesce(unit_error_suspected, false)),
previous AS (
    SELECT period, source_file, line_number,
           lag(output_ytd) OVER (PARTITION BY credit_code, product_key, year(period) ORDER BY period) AS previous_ytd
    FROM clean
),
last_year AS (
    SELECT CAST(period + INTERVAL 1 YEAR AS DATE) AS period, credit_code, product_key, sum(output_ytd) AS last_year_ytd
    FROM clean GROUP BY ALL
)
SELECT u.period, u.source_file, u.line_number, u.output_ytd, u.output_ytd_prior, u.previous_ytd_as_reported, p.previous_ytd, y.last_year_ytd,
       u.unit_error_suspected,
       CASE WHEN NOT coalesce(u.unit_error_suspected, false) AND p.previous_ytd IS NOT NULL
            THEN u.output_ytd < p.previous_ytd END                                             AS ytd_below_previous_month,
       CASE WHEN NOT coalesce(u.unit_error_suspected, false) AND y.last_year_ytd > 0 AND u.output_ytd_prior IS NOT NULL
            THEN abs(u.output_ytd_prior - y.last_year_ytd) > t.prior_tolerance * y.last_year_ytd END AS prior_differs_from_last_year,
       CASE WHEN NOT coalesce(u.unit_error_suspected, false) AND u.output_ytd_prior > 0
            THEN u.output_ytd >= t.material_output_qianyuan
                 AND abs(u.output_ytd - u.output_ytd_prior) > t.max_abs_growth * u.output_ytd_prior END AS growth_outlier
FROM u CROSS JOIN t
LEFT JOIN previous AS p USING (period, source_file, line_number)
LEFT JOIN last_year AS y ON y.period = u.period AND y.credit_code = u.credit_code AND y.product_key = u.product_key;

COMMENT ON VIEW fact.cross_period_checks IS 'Each accepted line confronted with other months (TRUE fails, FALSE passes, NULL not evaluable). Money in 千元.';
COMMENT ON COLUMN fact.cross_period_checks.previous_ytd_as_reported IS 'The same enterprise and product''s output in its previous reported month of the year, as reported, 千元';
COMMENT ON COLUMN fact.cross_period_checks.previous_ytd IS 'The same enterprise and product''s output in its previous reported month of the year (unit errors skipped), 千元';
COMMENT ON COLUMN fact.cross_period_checks.last_year_ytd IS 'What the same enterprise and product reported as output for this month a year earlier, 千元';
COMMENT ON COLUMN fact.cross_period_checks.unit_error_suspected IS 'Rule unit_error_suspected (hold): about 1000× (config) its own prior or previous month, or 1/1000 of its prior';
COMMENT ON COLUMN fact.cross_period_checks.ytd_below_previous_month IS 'Rule ytd_below_previous_month (warn)';
COMMENT ON COLUMN fact.cross_period_checks.prior_differs_from_last_year IS 'Rule prior_differs_from_last_year (warn): |prior − last year''s own| above the tolerance';
COMMENT ON COLUMN fact.cross_period_checks.growth_outlier IS 'Rule growth_outlier (warn): |growth| above the limit on a material line';

-- Every hold or warn finding on a line, with the reviewer's decision if there is one.
CREATE VIEW fact.flags AS
WITH failing AS MATERIALIZED (  -- one pass over the checks; the few failing lines are unpivoted below
    SELECT * FROM fact.cross_period_checks
    WHERE unit_error_suspected OR ytd_below_previous_month OR prior_differs_from_last_year OR growth_outlier
), found AS (
    SELECT l.period, l.source_file, l.line_number, f.failure.rule AS rule, f.failure.field AS field,
           f.failure.severity AS severity, f.failure.message AS message
    FROM (SELECT * FROM fact.received_lines WHERE len(failures) > 0 AND status IN ('accepted', 'held')) AS l,
         LATERAL (SELECT unnest(l.failures) AS failure) AS f
    WHERE f.failure.severity IN ('hold', 'warn')
    UNION ALL
    SELECT period, source_file, line_number, 'unit_error_suspected', 'output_ytd', 'hold',
           format('output_ytd {} 千元 against its prior {} and its previous month {}', output_ytd, coalesce(CAST(output_ytd_prior AS VARCHAR), '—'), coalesce(CAST(previous_ytd_as_reported AS VARCHAR), '—'))
    FROM failing WHERE unit_error_suspected
    UNION ALL
    SELECT period, source_file, line_number, 'ytd_below_previous_month', 'output_ytd', 'warn',
           format('output_ytd {} 千元 is below the previous month''s {}', output_ytd, previous_ytd)
    FROM failing WHERE ytd_below_previous_month
    UNION ALL
    SELECT period, source_file, line_number, 'prior_differs_from_last_year', 'output_ytd_prior', 'warn',
           format('output_ytd_prior {} 千元, but {} was reported a year earlier', output_ytd_prior, last_year_ytd)
    FROM failing WHERE prior_differs_from_last_year
    UNION ALL
    SELECT period, source_file, line_number, 'growth_outlier', 'output_ytd', 'warn',
           format('growth {}% on {} 千元', round(100 * (output_ytd / output_ytd_prior - 1), 1), output_ytd)
    FROM failing WHERE growth_outlier
)
SELECT f.*, l.credit_code, l.enterprise_name, coalesce(l.product_code, l.product_name) AS product, l.output_ytd,
       r.decision, r.corrected_value, r.reviewer, r.note, r.review_file
FROM found AS f
JOIN fact.received_lines AS l USING (period, source_file, line_number)
LEFT JOIN ref.reviews AS r
       ON r.period = f.period AND r.credit_code = l.credit_code AND r.rule = f.rule
      AND r.product = coalesce(l.product_code, l.product_name);

COMMENT ON VIEW fact.flags IS 'Every hold or warn finding on an accepted or held line, with the reviewer''s decision (raw/reviews/) if any. Money in 千元.';
COMMENT ON COLUMN fact.flags.rule IS 'Name of the rule (schemas/rules.yaml)';
COMMENT ON COLUMN fact.flags.severity IS 'hold (out of totals until decided) or warn (in totals)';
COMMENT ON COLUMN fact.flags.message IS 'What the rule found, with the values compared';
COMMENT ON COLUMN fact.flags.product IS 'Product code, or the product name where the line has no code: how reviews name the line';
COMMENT ON COLUMN fact.flags.decision IS 'Reviewer''s decision: accept, reject or correct; NULL while open';
COMMENT ON COLUMN fact.flags.corrected_value IS 'For decision correct: the output value that replaces the reported one, 千元';
COMMENT ON COLUMN fact.flags.reviewer IS 'Who decided';
COMMENT ON COLUMN fact.flags.note IS 'The reviewer''s note';
COMMENT ON COLUMN fact.flags.review_file IS 'The review file the decision came from (raw/reviews/YYYY-MM.csv)';

-- Each received line in its final bucket: landing's bucket, then holds and the reviewers' decisions.
CREATE VIEW fact.lines AS
WITH decided AS (
    SELECT period, source_file, line_number,
           bool_or(severity = 'hold' AND coalesce(decision, '') NOT IN ('accept', 'correct')) AS on_hold,
           bool_or(decision = 'reject')                                                   AS rejected_on_review,
           max(corrected_value) FILTER (WHERE decision = 'correct')                       AS corrected_value,
           count(*) FILTER (WHERE severity = 'warn' AND decision IS NULL)                 AS warnings_open,
           count(*) FILTER (WHERE decision IS NOT NULL)                                   AS decisions
    FROM fact.flags GROUP BY ALL
)
SELECT l.* EXCLUDE (status, output_ytd),
       CASE WHEN l.status NOT IN ('accepted', 'held') THEN l.status
            WHEN d.rejected_on_review THEN 'rejected'
            WHEN d.on_hold THEN 'held'
            ELSE 'accepted' END                        AS status,
       l.status                                        AS status_landed,
       coalesce(d.corrected_value, l.output_ytd)       AS output_ytd,
       l.output_ytd                                    AS output_ytd_reported,
       coalesce(d.warnings_open, 0)                    AS warnings_open,
       coalesce(d.decisions, 0)                        AS decisions
FROM fact.received_lines AS l
LEFT JOIN decided AS d USING (period, source_file, line_number);

COMMENT ON VIEW fact.lines IS 'Every received line in its final bucket (accepted, rejected, superseded, duplicate, not_a_return, held) after holds and reviews. Money in 千元.';
COMMENT ON COLUMN fact.lines.status IS 'Final bucket: accepted, rejected (by a rule or a reviewer), superseded, duplicate, not_a_return, or held (awaiting review)';
COMMENT ON COLUMN fact.lines.status_landed IS 'The bucket landing gave the line, before cross-period holds and reviews';
COMMENT ON COLUMN fact.lines.output_ytd IS 'Output value this year to date after review (a correction replaces the reported value), 千元, exact DECIMAL';
COMMENT ON COLUMN fact.lines.output_ytd_reported IS 'Output value this year to date as the enterprise reported it, 千元, exact DECIMAL';
COMMENT ON COLUMN fact.lines.warnings_open IS 'Warnings on the line no reviewer has decided yet';
COMMENT ON COLUMN fact.lines.decisions IS 'Reviewer decisions applied to the line';

-- Imputed lines stand only while their enterprise still sent nothing: if a month is landed again with
-- its return and the publish that follows has not run (or failed), the return counts, never both.
CREATE VIEW fact.imputed_in_force AS
SELECT i.* FROM fact.imputed_lines AS i
WHERE NOT EXISTS (SELECT 1 FROM fact.received_lines AS l
                  WHERE l.period = i.period AND l.credit_code = i.credit_code AND l.status <> 'not_a_return');

COMMENT ON VIEW fact.imputed_in_force IS 'Imputed lines of enterprises that, in the landed months as they are now, still sent no return. Money in 千元.';

CREATE VIEW fact.sei_lines AS
WITH lines AS (
    SELECT period, source_file, line_number, credit_code, enterprise_name, district_code, industry_code,
           product_code, product_name, output_ytd, output_ytd_prior, match_kind, catalog_code, area, field,
           key_field, nbs_code, nbs_edition, catalog_version, false AS imputed
    FROM fact.lines WHERE status = 'accepted' AND is_sei
    UNION ALL
    SELECT period, 'imputed', NULL, credit_code, enterprise_name, district_code, industry_code,
           product_code, product_name, output_ytd, NULL, match_kind, catalog_code, area, field,
           key_field, nbs_code, nbs_edition, catalog_version, true
    FROM fact.imputed_in_force WHERE is_sei
)
SELECT l.*, year(l.period) AS year, left(l.industry_code, 2) AS industry_division, v.va_rate
FROM lines AS l
LEFT JOIN ref.va_rates AS v ON v.year = year(l.period) AND v.industry_division = left(l.industry_code, 2);

COMMENT ON VIEW fact.sei_lines IS 'The lines in the figures: accepted lines classified as strategic emerging (after review) and imputed lines of non-respondents, with the value-added rate of their year and division. Money in 千元.';
COMMENT ON COLUMN fact.sei_lines.output_ytd IS 'Output value this year to date (after review, or imputed), 千元, exact DECIMAL';
COMMENT ON COLUMN fact.sei_lines.output_ytd_prior IS 'Same period last year, 千元; NULL when blank and for imputed lines (they stay out of growth)';
COMMENT ON COLUMN fact.sei_lines.imputed IS 'True for a line imputed for a non-responding roster enterprise (fact.imputed_in_force)';
COMMENT ON COLUMN fact.sei_lines.year IS 'Calendar year of the report period';
COMMENT ON COLUMN fact.sei_lines.industry_division IS 'GB/T 4754-2017 division (first two digits of the industry code)';
COMMENT ON COLUMN fact.sei_lines.va_rate IS 'Value added / output value for the year and division (fraction); NULL when raw/va_rates.csv has none';
