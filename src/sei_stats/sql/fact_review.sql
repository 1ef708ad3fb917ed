-- The reviewers' decisions, each line's final bucket, and the lines in the figures.

-- Every hold or warn finding on a line, with the reviewer's decision if there is one: the line-level
-- findings landing wrote on the line, and the cross-period findings of fact.rule_findings.
CREATE TABLE fact.flags AS
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
       l.output_ytd_prior, r.decision, r.field AS corrected_field, r.corrected_value, r.reviewer, r.note, r.review_file
FROM found AS f
JOIN fact.received_lines AS l USING (period, source_file, line_number)
LEFT JOIN ref.reviews AS r
       ON r.period = f.period AND r.credit_code = l.credit_code AND r.rule = f.rule
      AND r.product = coalesce(l.product_code, l.product_name)
      -- a month's decisions only: the annual report's (raw/reviews/YYYY.csv, period YYYY-12-01) are not December's
      AND r.report = 'monthly';

COMMENT ON TABLE fact.flags IS 'Every hold or warn finding on an accepted or held line, with the reviewer''s decision (raw/reviews/) if any. Money in 千元.';
COMMENT ON COLUMN fact.flags.rule IS 'Name of the rule (schemas/rules.yaml)';
COMMENT ON COLUMN fact.flags.field IS 'Field the rule judges';
COMMENT ON COLUMN fact.flags.severity IS 'hold (out of totals until decided) or warn (in totals)';
COMMENT ON COLUMN fact.flags.message IS 'What the rule found, with the values compared';
COMMENT ON COLUMN fact.flags.product IS 'Product code, or the product name where the line has no code: how reviews name the line';
COMMENT ON COLUMN fact.flags.decision IS 'Reviewer''s decision: accept, reject or correct; NULL while open';
COMMENT ON COLUMN fact.flags.corrected_field IS 'For decision correct: the field corrected, output_ytd or output_ytd_prior';
COMMENT ON COLUMN fact.flags.corrected_value IS 'For decision correct: the value that replaces the reported one in that field, 千元';
COMMENT ON COLUMN fact.flags.reviewer IS 'Who decided';
COMMENT ON COLUMN fact.flags.note IS 'The reviewer''s note';
COMMENT ON COLUMN fact.flags.review_file IS 'The review file the decision came from (raw/reviews/YYYY-MM.csv)';

-- Each received line in its final bucket: landing's bucket, then the survey frame's scope, holds and the
-- reviewers' decisions.
CREATE TABLE fact.lines AS
WITH decided AS (
    SELECT period, source_file, line_number,
           bool_or(severity = 'hold' AND coalesce(decision, '') NOT IN ('accept', 'correct')) AS on_hold,
           bool_or(decision = 'reject')                                                   AS rejected_on_review,
           max(corrected_value) FILTER (WHERE decision = 'correct' AND corrected_field = 'output_ytd')       AS corrected_value,
           max(corrected_value) FILTER (WHERE decision = 'correct' AND corrected_field = 'output_ytd_prior') AS corrected_prior,
           count(*) FILTER (WHERE severity = 'warn' AND decision IS NULL)                 AS warnings_open,
           count(*) FILTER (WHERE decision IS NOT NULL)                                   AS decisions
    FROM fact.flags GROUP BY ALL
)
SELECT l.* EXCLUDE (status, output_ytd, output_ytd_prior),
       CASE WHEN l.status NOT IN ('accepted', 'held') THEN l.status
            WHEN NOT fr.live THEN 'out_of_scope'
            WHEN d.rejected_on_review THEN 'rejected'
            WHEN d.on_hold THEN 'held'
            ELSE 'accepted' END                        AS status,
       l.status                                        AS status_landed,
       coalesce(d.corrected_value, l.output_ytd)       AS output_ytd,
       l.output_ytd                                    AS output_ytd_reported,
       coalesce(d.corrected_prior, l.output_ytd_prior) AS output_ytd_prior,
       l.output_ytd_prior                              AS output_ytd_prior_reported,
       fr.out_of_scope_reason,
       coalesce(d.warnings_open, 0)                    AS warnings_open,
       coalesce(d.decisions, 0)                        AS decisions
FROM fact.received_lines AS l
LEFT JOIN decided AS d USING (period, source_file, line_number)
LEFT JOIN fact.frame AS fr ON fr.period = l.period AND fr.credit_code = l.credit_code;

COMMENT ON TABLE fact.lines IS 'Every received line in its final bucket (accepted, rejected, superseded, duplicate, not_a_return, held, out_of_scope) after the frame''s scope, holds and reviews. Money in 千元.';
COMMENT ON COLUMN fact.lines.status IS 'Final bucket: accepted, rejected (by a rule or a reviewer), superseded, duplicate, not_a_return, held (awaiting review), or out_of_scope (its unit is not live this month: closed, not yet active, or taken out on review)';
COMMENT ON COLUMN fact.lines.status_landed IS 'The bucket landing gave the line, before cross-period holds and reviews';
COMMENT ON COLUMN fact.lines.output_ytd IS 'Output value this year to date after review (a correction replaces the reported value), 千元, exact DECIMAL';
COMMENT ON COLUMN fact.lines.output_ytd_reported IS 'Output value this year to date as the enterprise reported it, 千元, exact DECIMAL';
COMMENT ON COLUMN fact.lines.output_ytd_prior IS 'Same period last year after review (a correction of output_ytd_prior replaces the reported value), 千元; NULL when blank';
COMMENT ON COLUMN fact.lines.output_ytd_prior_reported IS 'Same period last year as the enterprise reported it, 千元; NULL when blank';
COMMENT ON COLUMN fact.lines.out_of_scope_reason IS 'For out_of_scope: why the unit is not live this month';
COMMENT ON COLUMN fact.lines.warnings_open IS 'Warnings on the line no reviewer has decided yet';
COMMENT ON COLUMN fact.lines.decisions IS 'Reviewer decisions applied to the line';
