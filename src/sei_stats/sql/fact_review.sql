-- The reviewers' decisions, each line's final bucket, and the lines in the figures.

-- Every hold or warn finding on a line, with the reviewer's decision if there is one: the line-level
-- findings landing wrote on the line, and the cross-period findings of fact.rule_findings.
CREATE VIEW fact.flags AS
WITH found AS (
    SELECT l.period, l.source_file, l.line_number, f.failure.rule AS rule, f.failure.field AS field,
           f.failure.severity AS severity, f.failure.message AS message
    FROM (SELECT * FROM fact.received_lines WHERE len(failures) > 0 AND status IN ('accepted', 'held')) AS l,
         LATERAL (SELECT unnest(l.failures) AS failure) AS f
    WHERE f.failure.severity IN ('hold', 'warn')
    UNION ALL
    SELECT f.period, f.source_file, f.line_number, f.rule, r.field, r.severity, f.message
    FROM fact.rule_findings AS f JOIN ref.rules AS r ON r.name = f.rule
    WHERE f.outcome = 'fail' AND r.severity IN ('hold', 'warn')
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
COMMENT ON COLUMN fact.flags.field IS 'Field the rule judges';
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
