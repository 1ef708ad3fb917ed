-- INTERNAL (enterprise-level): rejected lines, the review queue and the reviewers' audit trail.

CREATE VIEW qa.rejects AS
WITH why AS (
    SELECT l.period, l.source_file, l.line_number, f.failure.rule AS rule, f.failure.field AS field, f.failure.message AS message
    FROM fact.received_lines AS l, LATERAL (SELECT unnest(l.failures) AS failure) AS f
    WHERE l.status = 'rejected'
    UNION ALL
    SELECT period, source_file, line_number, rule, field,
           format('rejected on review by {}: {} ({})', reviewer, note, message)
    FROM fact.flags WHERE decision = 'reject'
)
SELECT w.period, w.source_file, w.line_number, w.rule, w.field, w.message,
       l.period_reported, l.credit_code, l.enterprise_name, l.district_code, l.industry_code,
       l.product_code, l.product_name, l.output_ytd_text, l.output_ytd_prior_text
FROM why AS w JOIN fact.received_lines AS l USING (period, source_file, line_number);

COMMENT ON VIEW qa.rejects IS 'Rejected lines, one row per rule failed, with the line''s fields as received. Money as text in 千元.';
COMMENT ON COLUMN qa.rejects.period IS 'Report period (folder): first day of the month';
COMMENT ON COLUMN qa.rejects.source_file IS 'Return file, as YYYY-MM/name';
COMMENT ON COLUMN qa.rejects.line_number IS 'Line in the file (the header is line 1)';
COMMENT ON COLUMN qa.rejects.rule IS 'Name of the rule failed (docs/data-contract.md)';
COMMENT ON COLUMN qa.rejects.field IS 'Field the rule judges';
COMMENT ON COLUMN qa.rejects.message IS 'What is wrong, with the value received';
COMMENT ON COLUMN qa.rejects.period_reported IS 'The period field as written on the line (报告期)';
COMMENT ON COLUMN qa.rejects.credit_code IS 'Credit code as received (统一社会信用代码)';
COMMENT ON COLUMN qa.rejects.enterprise_name IS 'Enterprise name as received';
COMMENT ON COLUMN qa.rejects.district_code IS 'District code as received (GB/T 2260)';
COMMENT ON COLUMN qa.rejects.industry_code IS 'Industry code as received (GB/T 4754-2017)';
COMMENT ON COLUMN qa.rejects.product_code IS 'Product code as received';
COMMENT ON COLUMN qa.rejects.product_name IS 'Product name as received';
COMMENT ON COLUMN qa.rejects.output_ytd_text IS 'Output value this year to date as received, 千元 (text)';
COMMENT ON COLUMN qa.rejects.output_ytd_prior_text IS 'Output value same period last year as received, 千元 (text)';

CREATE VIEW qa.review_queue AS
SELECT * FROM (
    SELECT f.period, f.severity, f.rule, f.field, f.credit_code, f.enterprise_name, f.product, f.output_ytd,
           f.output_ytd_prior, f.message, f.source_file, f.line_number
    FROM fact.flags AS f
    JOIN fact.lines AS l USING (period, source_file, line_number)
    WHERE f.decision IS NULL AND l.status IN ('accepted', 'held')
    UNION ALL
    SELECT period, severity, rule, field, credit_code, enterprise_name, product, NULL, NULL, message, NULL, NULL
    FROM fact.frame_flags WHERE decision IS NULL
)
ORDER BY period, severity, rule, credit_code, product;

COMMENT ON VIEW qa.review_queue IS 'Findings that wait for a reviewer: holds keep their lines out of the figures. Decide in raw/reviews/YYYY-MM.csv. Money in 千元.';
COMMENT ON COLUMN qa.review_queue.period IS 'Report period: first day of the month';
COMMENT ON COLUMN qa.review_queue.severity IS 'hold (out of the figures until decided) or warn (in the figures)';
COMMENT ON COLUMN qa.review_queue.rule IS 'Rule found (schemas/rules.yaml); copy it into the review file';
COMMENT ON COLUMN qa.review_queue.field IS 'Field the rule judges: for a correction, the review file''s field (output_ytd or output_ytd_prior)';
COMMENT ON COLUMN qa.review_queue.credit_code IS 'Enterprise (统一社会信用代码); copy it into the review file';
COMMENT ON COLUMN qa.review_queue.enterprise_name IS 'Enterprise name';
COMMENT ON COLUMN qa.review_queue.product IS 'Product code, or name where the line has none (empty for a finding on a whole unit); copy it into the review file';
COMMENT ON COLUMN qa.review_queue.output_ytd IS 'Output value this year to date as reported, 千元; NULL for a finding without a line';
COMMENT ON COLUMN qa.review_queue.output_ytd_prior IS 'Same period last year as reported, 千元; NULL when blank or without a line';
COMMENT ON COLUMN qa.review_queue.message IS 'What the rule found';
COMMENT ON COLUMN qa.review_queue.source_file IS 'Return file, as YYYY-MM/name; NULL for a finding without a line (frame rules)';
COMMENT ON COLUMN qa.review_queue.line_number IS 'Line in the file (the header is line 1); NULL for a finding without a line';

CREATE VIEW qa.review_log AS
SELECT f.period, f.rule, f.severity, f.credit_code, f.enterprise_name, f.product, f.decision, f.corrected_field,
       CASE WHEN f.corrected_field = 'output_ytd_prior' THEN f.output_ytd_prior ELSE f.output_ytd END AS original_value,
       f.corrected_value, f.reviewer, f.note, f.review_file, f.source_file, f.line_number
FROM fact.flags AS f
WHERE f.decision IS NOT NULL
UNION ALL
SELECT period, rule, severity, credit_code, enterprise_name, product, decision, NULL, NULL, NULL, reviewer, note,
       review_file, NULL, NULL
FROM fact.frame_flags
WHERE decision IS NOT NULL;

COMMENT ON VIEW qa.review_log IS 'The audit trail: every reviewer decision, with the value as reported and the value that replaced it. Money in 千元.';
COMMENT ON COLUMN qa.review_log.period IS 'Report period: first day of the month';
COMMENT ON COLUMN qa.review_log.rule IS 'Rule decided on';
COMMENT ON COLUMN qa.review_log.severity IS 'hold or warn';
COMMENT ON COLUMN qa.review_log.credit_code IS 'Enterprise (统一社会信用代码)';
COMMENT ON COLUMN qa.review_log.enterprise_name IS 'Enterprise name';
COMMENT ON COLUMN qa.review_log.product IS 'Product code, or name where the line has none';
COMMENT ON COLUMN qa.review_log.decision IS 'accept, reject or correct';
COMMENT ON COLUMN qa.review_log.corrected_field IS 'For correct: the field corrected, output_ytd or output_ytd_prior';
COMMENT ON COLUMN qa.review_log.original_value IS 'The value as reported in the field decided on (output_ytd unless a prior was corrected), 千元';
COMMENT ON COLUMN qa.review_log.corrected_value IS 'For correct: the value in the figures instead, 千元';
COMMENT ON COLUMN qa.review_log.reviewer IS 'Who decided';
COMMENT ON COLUMN qa.review_log.note IS 'The reviewer''s note';
COMMENT ON COLUMN qa.review_log.review_file IS 'The review file';
COMMENT ON COLUMN qa.review_log.source_file IS 'Return file of the line';
COMMENT ON COLUMN qa.review_log.line_number IS 'Line in the file';
