-- The annual report (年报): each year's report of record, landed like a month (landed/annual/YYYY/, period
-- December: it covers 1–12月), judged by the same line rules, its holds and warnings decided in raw/reviews/YYYY.csv.
-- {annual_files} are the annual landings this publish includes ({annual_included} false: none, the view is empty).

CREATE VIEW fact.annual_received_lines AS
SELECT * FROM read_parquet({annual_files}, union_by_name = true) WHERE {annual_included};

COMMENT ON VIEW fact.annual_received_lines IS 'INTERNAL: every received line of every landed annual report (raw/annual/YYYY/), as landed; period is December of the year (1–12月). Money in 千元.';

-- Each annual line in its final bucket: landing's, then the year's frame (a unit not live in December is out of
-- scope) and the reviewers' decisions of raw/reviews/YYYY.csv (report annual) on its holds and warnings.
CREATE VIEW fact.annual_lines AS
WITH found AS (
    SELECT l.period, l.source_file, l.line_number, l.credit_code, coalesce(l.product_code, l.product_name) AS product,
           f.failure.rule AS rule, f.failure.severity AS severity
    FROM (SELECT * FROM fact.annual_received_lines WHERE len(failures) > 0 AND status IN ('accepted', 'held')) AS l,
         LATERAL (SELECT unnest(l.failures) AS failure) AS f
    WHERE f.failure.severity IN ('hold', 'warn')
), decided AS (
    SELECT f.period, f.source_file, f.line_number,
           bool_or(f.severity = 'hold' AND coalesce(r.decision, '') NOT IN ('accept', 'correct')) AS on_hold,
           bool_or(r.decision = 'reject')                                                     AS rejected_on_review,
           max(r.corrected_value) FILTER (WHERE r.decision = 'correct' AND r.field = 'output_ytd')       AS corrected_value,
           max(r.corrected_value) FILTER (WHERE r.decision = 'correct' AND r.field = 'output_ytd_prior') AS corrected_prior,
           count(*) FILTER (WHERE f.severity = 'warn' AND r.decision IS NULL)                 AS warnings_open
    FROM found AS f
    LEFT JOIN ref.reviews AS r
           ON r.report = 'annual' AND r.period = f.period AND r.credit_code = f.credit_code AND r.rule = f.rule
          AND r.product = f.product
    GROUP BY ALL
)
SELECT l.* EXCLUDE (status, output_ytd, output_ytd_prior),
       CASE WHEN l.status NOT IN ('accepted', 'held') THEN l.status
            WHEN NOT coalesce(fr.live, true) THEN 'out_of_scope'
            WHEN d.rejected_on_review THEN 'rejected'
            WHEN d.on_hold THEN 'held'
            ELSE 'accepted' END                        AS status,
       l.status                                        AS status_landed,
       coalesce(d.corrected_value, l.output_ytd)       AS output_ytd,
       l.output_ytd                                    AS output_ytd_reported,
       coalesce(d.corrected_prior, l.output_ytd_prior) AS output_ytd_prior,
       l.output_ytd_prior                              AS output_ytd_prior_reported,
       coalesce(d.warnings_open, 0)                    AS warnings_open
FROM fact.annual_received_lines AS l
LEFT JOIN decided AS d USING (period, source_file, line_number)
LEFT JOIN fact.frame AS fr ON fr.period = l.period AND fr.credit_code = l.credit_code;

COMMENT ON VIEW fact.annual_lines IS 'INTERNAL: every annual report line in its final bucket (accepted, rejected, superseded, duplicate, not_a_return, held, out_of_scope) after the year''s frame and the reviews of raw/reviews/YYYY.csv. Money in 千元.';
COMMENT ON COLUMN fact.annual_lines.status IS 'Final bucket: as fact.lines, out_of_scope for a unit of the frame not live in December';
COMMENT ON COLUMN fact.annual_lines.status_landed IS 'The bucket landing gave the line, before the frame and reviews';
COMMENT ON COLUMN fact.annual_lines.output_ytd IS 'Output for the year (1–12月) after review, 千元: 工业总产值 or 营业收入 by the unit''s industry';
COMMENT ON COLUMN fact.annual_lines.output_ytd_reported IS 'Output for the year as the enterprise reported it, 千元';
COMMENT ON COLUMN fact.annual_lines.output_ytd_prior IS 'The year before as reported (after review), 千元; NULL when blank';
COMMENT ON COLUMN fact.annual_lines.output_ytd_prior_reported IS 'The year before as the enterprise reported it, 千元; NULL when blank';
COMMENT ON COLUMN fact.annual_lines.warnings_open IS 'Warnings on the line no reviewer has decided yet';
