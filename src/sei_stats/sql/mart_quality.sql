-- What each period received and where it landed, and each rule confronted with each period.

CREATE VIEW mart.data_quality AS
WITH lines AS MATERIALIZED (SELECT * FROM fact.lines),
sei AS MATERIALIZED (
    SELECT period, sum(output_ytd) AS sei_k, sum(output_ytd) FILTER (WHERE va_rate IS NULL) AS output_no_va_rate_k
    FROM fact.sei_lines GROUP BY period
),
flags AS (
    SELECT period,
           count(*) FILTER (WHERE severity = 'warn' AND decision IS NULL)        AS warnings_open,
           count(*) FILTER (WHERE severity = 'warn' AND decision IS NOT NULL)    AS warnings_resolved,
           count(*) FILTER (WHERE severity = 'hold' AND decision IS NOT NULL)    AS holds_resolved
    FROM fact.flags GROUP BY period
), frame AS (  -- the survey frame's live units (qa.frame): responded, imputed, not imputable
    SELECT period,
           CASE WHEN bool_or(frame_source = 'derived') THEN 'derived' ELSE 'roster' END  AS frame_source,
           count(*) FILTER (WHERE live)                                                 AS live_units,
           count(*) FILTER (WHERE live AND responded)                                   AS respondents,
           count(*) FILTER (WHERE live AND imputed)                                     AS imputed_enterprises,
           count(*) FILTER (WHERE live AND NOT usable AND NOT imputed)                  AS units_not_imputed,
           count(*) FILTER (WHERE months_imputed_running > m.value)                     AS units_imputed_too_long,
           count(*) FILTER (WHERE NOT live AND responded)                               AS out_of_scope_respondents
    FROM qa.frame, (SELECT value FROM ref.rule_params WHERE rule = 'imputed_too_long' AND param = 'max_consecutive_months') AS m
    GROUP BY period
), not_yet AS (  -- last December's live units that have sent no return this year so far (0 when all have)
    SELECT p.period, count(*) FILTER (WHERE r.credit_code IS NULL) AS last_year_units_not_reported
    FROM (SELECT DISTINCT period FROM qa.frame) AS p
    JOIN (SELECT period, credit_code FROM qa.frame WHERE live AND month(period) = 12) AS d
      ON year(d.period) = year(p.period) - 1
    LEFT JOIN (SELECT year(period) AS year, credit_code, min(period) AS first_return
               FROM qa.frame WHERE responded GROUP BY ALL) AS r
      ON r.year = year(p.period) AND r.credit_code = d.credit_code AND r.first_return <= p.period
    GROUP BY p.period
), imputed AS (
    SELECT period, sum(output_ytd) FILTER (WHERE is_sei) AS imputed_k,
           count(*) FILTER (WHERE imputation = 'line') AS lines_imputed_partial
    FROM fact.imputed_lines GROUP BY period
), priors AS (  -- the SEI lines in the figures by where their prior comes from
    SELECT period,
           count(*) FILTER (WHERE prior_source = 'reported')          AS rows_prior_reported,
           count(*) FILTER (WHERE prior_source = 'last_year_return')  AS rows_prior_last_year_return,
           count(*) FILTER (WHERE prior_source = 'last_year_annual')  AS rows_prior_last_year_annual,
           count(*) FILTER (WHERE prior_source = 'new_unit')          AS rows_prior_new_unit,
           count(*) FILTER (WHERE prior_source = 'new_product')       AS rows_prior_new_product,
           count(*) FILTER (WHERE prior_source = 'stratum_growth')    AS rows_prior_stratum_growth,
           count(*) FILTER (WHERE prior_source = 'not_available')     AS rows_prior_not_available
    FROM fact.sei_lines GROUP BY period
), value AS (  -- output as reported, by final bucket; lines whose text is no number add nothing
    SELECT period,
           sum(reported) FILTER (WHERE status = 'accepted')     AS accepted_k,
           sum(reported) FILTER (WHERE status = 'rejected')     AS rejected_k,
           sum(reported) FILTER (WHERE status = 'superseded')   AS superseded_k,
           sum(reported) FILTER (WHERE status = 'duplicate')    AS duplicate_k,
           sum(reported) FILTER (WHERE status = 'not_a_return') AS not_a_return_k,
           sum(reported) FILTER (WHERE status = 'held')         AS held_k,
           sum(reported) FILTER (WHERE status = 'out_of_scope') AS out_of_scope_k
    FROM (SELECT period, status, TRY_CAST(output_ytd_text AS DECIMAL(18, 3)) AS reported FROM lines)
    GROUP BY period
),
q AS (
    SELECT l.period,
           count(*)                                                                  AS rows_received,
           count(*) FILTER (WHERE l.status = 'accepted')                               AS rows_accepted,
           count(*) FILTER (WHERE l.status = 'rejected')                               AS rows_rejected,
           count(*) FILTER (WHERE l.status = 'superseded')                             AS rows_superseded,
           count(*) FILTER (WHERE l.status = 'duplicate')                              AS rows_duplicate,
           count(*) FILTER (WHERE l.status = 'not_a_return')                           AS rows_not_a_return,
           count(*) FILTER (WHERE l.status = 'held')                                   AS rows_held,
           count(*) FILTER (WHERE l.status = 'out_of_scope')                           AS rows_out_of_scope,
           count(*) FILTER (WHERE l.status = 'accepted' AND l.output_ytd_prior IS NULL)  AS rows_blank_prior,
           count(*) FILTER (WHERE l.status = 'accepted' AND NOT is_sei)                AS rows_unclassified,
           coalesce(sum(l.output_ytd) FILTER (WHERE l.status = 'accepted' AND NOT is_sei), 0) / 100000 AS output_unclassified,
           coalesce(max(v.output_no_va_rate_k), 0) / 100000                          AS output_no_va_rate,
           coalesce(sum(TRY_CAST(l.output_ytd_text AS DECIMAL(18, 3))), 0) / 100000    AS output_received,
           coalesce(max(b.accepted_k), 0) / 100000   AS output_accepted,
           coalesce(max(b.rejected_k), 0) / 100000   AS output_rejected,
           coalesce(max(b.superseded_k), 0) / 100000 AS output_superseded,
           coalesce(max(b.duplicate_k), 0) / 100000  AS output_duplicate,
           coalesce(max(b.not_a_return_k), 0) / 100000 AS output_not_a_return,
           coalesce(max(b.held_k), 0) / 100000       AS output_held,
           coalesce(max(b.out_of_scope_k), 0) / 100000 AS output_out_of_scope,
           coalesce(max(f.warnings_open), 0)                                         AS warnings_open,
           coalesce(max(f.warnings_resolved), 0)                                     AS warnings_resolved,
           coalesce(max(f.holds_resolved), 0)                                        AS holds_resolved,
           max(r.frame_source)                                                       AS frame_source,
           max(r.live_units)                                                         AS live_units,
           max(r.respondents)                                                        AS respondents,
           max(r.respondents) / nullif(max(r.live_units), 0)                         AS response_rate,
           max(n.last_year_units_not_reported)                                       AS last_year_units_not_reported,
           coalesce(max(r.imputed_enterprises), 0)                                   AS imputed_enterprises,
           coalesce(max(i.lines_imputed_partial), 0)                                 AS lines_imputed_partial,
           coalesce(max(r.units_not_imputed), 0)                                     AS units_not_imputed,
           coalesce(max(r.units_imputed_too_long), 0)                                AS units_imputed_too_long,
           coalesce(max(i.imputed_k), 0) / 100000                                    AS output_imputed,
           coalesce(max(i.imputed_k) / max(v.sei_k), 0)                              AS imputed_share,
           coalesce(sum(l.output_ytd) FILTER (WHERE l.status = 'accepted' AND NOT l.is_sei), 0)
               / nullif(sum(l.output_ytd) FILTER (WHERE l.status = 'accepted'), 0)   AS unclassified_share,
           coalesce(max(pr.rows_prior_reported), 0)                                  AS rows_prior_reported,
           coalesce(max(pr.rows_prior_last_year_return), 0)                          AS rows_prior_last_year_return,
           coalesce(max(pr.rows_prior_last_year_annual), 0)                          AS rows_prior_last_year_annual,
           coalesce(max(pr.rows_prior_new_unit), 0)                                  AS rows_prior_new_unit,
           coalesce(max(pr.rows_prior_new_product), 0)                               AS rows_prior_new_product,
           coalesce(max(pr.rows_prior_stratum_growth), 0)                            AS rows_prior_stratum_growth,
           coalesce(max(pr.rows_prior_not_available), 0)                             AS rows_prior_not_available,
           string_agg(DISTINCT l.catalog_version, ',')                               AS catalog_version
    FROM lines AS l
    LEFT JOIN sei AS v USING (period)
    LEFT JOIN value AS b ON b.period = l.period
    LEFT JOIN flags AS f ON f.period = l.period
    LEFT JOIN frame AS r ON r.period = l.period
    LEFT JOIN not_yet AS n ON n.period = l.period
    LEFT JOIN imputed AS i ON i.period = l.period
    LEFT JOIN priors AS pr ON pr.period = l.period
    GROUP BY l.period
)
SELECT q.*,
       q.rows_received = q.rows_accepted + q.rows_rejected + q.rows_superseded + q.rows_duplicate
                         + q.rows_not_a_return + q.rows_held + q.rows_out_of_scope             AS identity_rows_ok,
       q.output_received - (q.output_accepted + q.output_rejected + q.output_superseded + q.output_duplicate
                            + q.output_not_a_return + q.output_held + q.output_out_of_scope)   AS identity_output_gap,
       abs(identity_output_gap) <= t.value                                                   AS identity_output_ok
FROM q, (SELECT value FROM ref.settings WHERE section = 'checks' AND name = 'identity_output_tolerance') AS t;

COMMENT ON VIEW mart.data_quality IS 'What each report period received and where it landed: received = accepted + rejected + superseded + duplicate + not_a_return + held + out_of_scope, for lines and for output; the survey frame''s response and imputation; where growth''s priors come from.';
COMMENT ON COLUMN mart.data_quality.period IS 'Report period: first day of the month';
COMMENT ON COLUMN mart.data_quality.rows_received IS 'Non-blank lines below the header in the period''s files';
COMMENT ON COLUMN mart.data_quality.rows_accepted IS 'Lines in the figures (accepted, of live units)';
COMMENT ON COLUMN mart.data_quality.rows_rejected IS 'Lines that failed a reject rule or were rejected on review (qa.rejects)';
COMMENT ON COLUMN mart.data_quality.rows_superseded IS 'Lines replaced by a correction in a later file';
COMMENT ON COLUMN mart.data_quality.rows_duplicate IS 'Exact repeats of another line (the first one counts)';
COMMENT ON COLUMN mart.data_quality.rows_not_a_return IS 'Total rows and repeated header rows: no return at all';
COMMENT ON COLUMN mart.data_quality.rows_held IS 'Lines kept out of the figures until a reviewer decides (qa.review_queue)';
COMMENT ON COLUMN mart.data_quality.rows_out_of_scope IS 'Lines of units not live this month (closed, not yet active, or taken out on review): never counted';
COMMENT ON COLUMN mart.data_quality.rows_blank_prior IS 'Accepted lines whose same-period-last-year value is blank (growth fills it: rows_prior_*)';
COMMENT ON COLUMN mart.data_quality.rows_unclassified IS 'Accepted lines that no catalog entry matches (not SEI)';
COMMENT ON COLUMN mart.data_quality.output_unclassified IS 'Output value of the unclassified lines this year to date, 亿元';
COMMENT ON COLUMN mart.data_quality.output_no_va_rate IS 'SEI output whose division has no value-added rate in its year nor any earlier year (left out of value added), 亿元; a year without its own rate carries the latest earlier one (fact.sei_lines.va_rate_basis)';
COMMENT ON COLUMN mart.data_quality.output_received IS 'Output as reported on every line whose value is a number, 亿元 (= the sum of the bucket outputs)';
COMMENT ON COLUMN mart.data_quality.output_accepted IS 'Output as reported on accepted lines, 亿元 (before review corrections)';
COMMENT ON COLUMN mart.data_quality.output_rejected IS 'Output as reported on rejected lines whose value is a number, 亿元';
COMMENT ON COLUMN mart.data_quality.output_superseded IS 'Output as reported on superseded lines, 亿元';
COMMENT ON COLUMN mart.data_quality.output_duplicate IS 'Output as reported on duplicate lines, 亿元';
COMMENT ON COLUMN mart.data_quality.output_not_a_return IS 'Output written on total and header rows, 亿元 (never counted)';
COMMENT ON COLUMN mart.data_quality.output_held IS 'Output as reported on held lines, 亿元';
COMMENT ON COLUMN mart.data_quality.output_out_of_scope IS 'Output as reported on lines of units not live this month, 亿元';
COMMENT ON COLUMN mart.data_quality.warnings_open IS 'Warnings on lines in the period no reviewer has decided';
COMMENT ON COLUMN mart.data_quality.warnings_resolved IS 'Warnings a reviewer has decided';
COMMENT ON COLUMN mart.data_quality.holds_resolved IS 'Holds a reviewer has decided';
COMMENT ON COLUMN mart.data_quality.frame_source IS 'roster (the year has raw/roster/YYYY.csv) or derived (the frame is derived from the returns: units that have not reported yet this year cannot be seen)';
COMMENT ON COLUMN mart.data_quality.live_units IS 'Units of the survey frame live this month (qa.frame)';
COMMENT ON COLUMN mart.data_quality.respondents IS 'Live units that sent a return this month (any line but a total or header row)';
COMMENT ON COLUMN mart.data_quality.response_rate IS 'respondents / live_units, fraction';
COMMENT ON COLUMN mart.data_quality.last_year_units_not_reported IS 'Units live last December that have sent no return this year so far: possible non-response a derived frame cannot see; NULL when last December is not in the warehouse';
COMMENT ON COLUMN mart.data_quality.imputed_enterprises IS 'Live units imputed whole (no usable figure this month)';
COMMENT ON COLUMN mart.data_quality.lines_imputed_partial IS 'Held or rejected lines of responding units imputed from their own last usable month';
COMMENT ON COLUMN mart.data_quality.units_not_imputed IS 'Live units without a usable figure that could not be imputed (no base month, or no stratum with enough respondents)';
COMMENT ON COLUMN mart.data_quality.units_imputed_too_long IS 'Units imputed more months running than imputed_too_long allows (qa.review_queue)';
COMMENT ON COLUMN mart.data_quality.output_imputed IS 'Imputed SEI output, 亿元';
COMMENT ON COLUMN mart.data_quality.imputed_share IS 'Imputed share of SEI output, fraction';
COMMENT ON COLUMN mart.data_quality.rows_prior_reported IS 'SEI lines in the figures whose prior is the one reported';
COMMENT ON COLUMN mart.data_quality.rows_prior_last_year_return IS 'SEI lines whose blank prior is the same unit and product''s final value a year earlier (imputed lines: their own)';
COMMENT ON COLUMN mart.data_quality.rows_prior_last_year_annual IS 'December SEI lines whose blank prior is the same unit and product''s value in last year''s annual report (年报, the figure of record)';
COMMENT ON COLUMN mart.data_quality.rows_prior_new_unit IS 'SEI lines of units with no line a year earlier: prior 0';
COMMENT ON COLUMN mart.data_quality.rows_prior_new_product IS 'SEI lines of a product new to a continuing unit: prior 0 (rule new_product_without_prior)';
COMMENT ON COLUMN mart.data_quality.rows_prior_stratum_growth IS 'Imputed SEI lines whose prior is their output / their stratum''s growth factor';
COMMENT ON COLUMN mart.data_quality.rows_prior_not_available IS 'SEI lines without a prior (the month a year earlier is not in the warehouse): in the level, not in growth';
COMMENT ON COLUMN mart.data_quality.unclassified_share IS 'Unclassified share of accepted output, fraction';
COMMENT ON COLUMN mart.data_quality.identity_rows_ok IS 'The conservation identity for lines: rows_received = the sum of the six bucket row counts';
COMMENT ON COLUMN mart.data_quality.identity_output_gap IS 'output_received − the sum of the six bucket outputs, 亿元 (0 up to rounding)';
COMMENT ON COLUMN mart.data_quality.identity_output_ok IS 'The conservation identity for output: |identity_output_gap| within the setting checks.identity_output_tolerance (亿元)';
COMMENT ON COLUMN mart.data_quality.catalog_version IS 'Version (content hash of catalog/products.csv) of the guidance catalog that classified the period';

-- Each rule confronted with each period, as Statistics Netherlands' validate does. Line-level rules
-- (landing): items are the lines judged (all received lines for the rules that find non-returns, the
-- others judge returns only), missing are lines whose field is empty, fails are lines with a finding.
-- Cross-period rules (fact.rule_findings): items are accepted lines, each with its outcome. Frame rules
-- (fact.frame_findings): items are the imputed units, or the lines of last usable returns, judged.
CREATE VIEW mart.rule_results AS
WITH lines AS (SELECT * FROM fact.received_lines),
judged AS (
    SELECT period,
           count(*) AS received,
           count(*) FILTER (WHERE status <> 'not_a_return') AS returns
    FROM lines GROUP BY period
),
empty AS (  -- returns whose field is empty, by field
    SELECT period, field, count(*) FILTER (WHERE value IS NULL) AS n
    FROM (SELECT period, period_reported AS "period_", credit_code, district_code, industry_code, output_ytd_text, output_ytd_prior_text
          FROM lines WHERE status <> 'not_a_return')
    UNPIVOT INCLUDE NULLS (value FOR field IN ("period_" AS 'period', credit_code, district_code, industry_code,
                                               output_ytd_text AS 'output_ytd', output_ytd_prior_text AS 'output_ytd_prior'))
    GROUP BY ALL
),
found AS (
    SELECT l.period, f.failure.rule AS rule, count(DISTINCT (l.source_file, l.line_number)) AS fails
    FROM lines AS l, LATERAL (SELECT unnest(l.failures) AS failure) AS f
    GROUP BY ALL
),
line_rules AS (
    SELECT j.period, r.name AS rule,
           CASE WHEN r.severity = 'not_a_return' THEN j.received ELSE j.returns END AS items,
           coalesce(f.fails, 0) AS fails,
           -- a rule on emptiness itself, or on whole lines or lines among lines, judges every line
           CASE WHEN r.name IN ('required', 'output_ytd_missing') OR r.level IN ('record', 'cross-record') THEN 0
                ELSE coalesce(e.n, 0) END AS missing
    FROM judged AS j
    CROSS JOIN ref.rules AS r
    LEFT JOIN found AS f ON f.period = j.period AND f.rule = r.name
    LEFT JOIN empty AS e ON e.period = j.period AND e.field = r.field
    WHERE r.engine IN ('pandera', 'python')
),
period_rules AS (
    SELECT period, rule, count(*) AS items, count(*) FILTER (WHERE outcome = 'fail') AS fails,
           count(*) FILTER (WHERE outcome = 'missing') AS missing
    FROM fact.rule_findings GROUP BY period, rule
    UNION ALL
    SELECT period, rule, count(*), count(*) FILTER (WHERE outcome = 'fail'), 0
    FROM fact.frame_findings GROUP BY period, rule
)
SELECT x.period, x.rule, r.level, r.severity, x.items, x.items - x.fails - x.missing AS passes, x.fails, x.missing
FROM (SELECT * FROM line_rules UNION ALL SELECT * FROM period_rules) AS x
JOIN ref.rules AS r ON r.name = x.rule
ORDER BY x.period, r.level, x.rule;

COMMENT ON VIEW mart.rule_results IS 'Each rule confronted with each report period, as Statistics Netherlands'' validate does: items = passes + fails + missing (lines).';
COMMENT ON COLUMN mart.rule_results.period IS 'Report period: first day of the month';
COMMENT ON COLUMN mart.rule_results.rule IS 'Rule name (schemas/rules.yaml)';
COMMENT ON COLUMN mart.rule_results.level IS 'field, record, cross-record, cross-period or cross-source';
COMMENT ON COLUMN mart.rule_results.severity IS 'reject, hold, warn, not_a_return or duplicate';
COMMENT ON COLUMN mart.rule_results.items IS 'Lines (for imputed_too_long: imputed units) the rule judged';
COMMENT ON COLUMN mart.rule_results.passes IS 'Lines that passed';
COMMENT ON COLUMN mart.rule_results.fails IS 'Lines that failed';
COMMENT ON COLUMN mart.rule_results.missing IS 'Lines the rule could not judge (the field empty, or nothing to compare with)';
