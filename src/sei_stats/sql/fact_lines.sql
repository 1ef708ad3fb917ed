-- Facts: views over the landings this publish includes. {landed_files} is the list of their absolute paths,
-- so the published figures never change when a month is landed again before the next publish.
CREATE VIEW fact.received_lines AS
SELECT * FROM read_parquet({landed_files}, union_by_name = true);

COMMENT ON VIEW fact.received_lines IS 'Every received line of every landed month as landed, in the bucket landing gave it (status). Money in 千元.';
COMMENT ON COLUMN fact.received_lines.period IS 'Report period: first day of the month; figures are cumulative 1–X月';
COMMENT ON COLUMN fact.received_lines.source_file IS 'Return file the line came from, as YYYY-MM/name';
COMMENT ON COLUMN fact.received_lines.line_number IS 'Line in the file (the header is line 1)';
COMMENT ON COLUMN fact.received_lines.file_order IS 'Position of the file in its period folder, code-point order of names (corrections apply in this order)';
COMMENT ON COLUMN fact.received_lines.period_reported IS 'The period field as written on the line (报告期)';
COMMENT ON COLUMN fact.received_lines.credit_code IS 'Unified social credit code (统一社会信用代码, GB 32100-2015)';
COMMENT ON COLUMN fact.received_lines.enterprise_name IS 'Enterprise name (单位详细名称)';
COMMENT ON COLUMN fact.received_lines.district_code IS 'District (行政区划代码, GB/T 2260)';
COMMENT ON COLUMN fact.received_lines.industry_code IS 'Industry class of the enterprise (行业代码, GB/T 4754-2017)';
COMMENT ON COLUMN fact.received_lines.product_code IS 'Product code (产品代码, 统计用产品分类目录); empty for service lines';
COMMENT ON COLUMN fact.received_lines.product_name IS 'Product name (产品名称)';
COMMENT ON COLUMN fact.received_lines.output_ytd_text IS 'Output value this year to date as received (text, 千元)';
COMMENT ON COLUMN fact.received_lines.output_ytd_prior_text IS 'Output value same period last year as received (text, 千元)';
COMMENT ON COLUMN fact.received_lines.output_ytd IS 'Output value this year to date (本年累计产值), 千元, exact DECIMAL; NULL when not a number';
COMMENT ON COLUMN fact.received_lines.output_ytd_prior IS 'Output value same period last year (上年同期累计产值), 千元, exact DECIMAL; NULL when blank';
COMMENT ON COLUMN fact.received_lines.normalized IS 'Fields whose text the reader normalised (full-width digits, separators, lost zeros, date forms …); NULL when none';
COMMENT ON COLUMN fact.received_lines.received_text IS 'Those fields exactly as received, for the audit trail';
COMMENT ON COLUMN fact.received_lines.status IS 'Bucket at landing: accepted, rejected, superseded (by a correction), duplicate, not_a_return or held';
COMMENT ON COLUMN fact.received_lines.superseded_by IS 'For a superseded line: the file whose lines replaced it';
COMMENT ON COLUMN fact.received_lines.failures IS 'Line-level rules the line failed (rule, field, severity, message); severities in schemas/rules.yaml';
COMMENT ON COLUMN fact.received_lines.is_sei IS 'Accepted line classified as strategic emerging (matched by the guidance catalog); NULL when not accepted';
COMMENT ON COLUMN fact.received_lines.match_kind IS 'How the line was classified: product (by product code) or industry (by industry code)';
COMMENT ON COLUMN fact.received_lines.catalog_code IS 'The guidance catalog code that matched';
COMMENT ON COLUMN fact.received_lines.area IS 'The plan''s area (领域) of the matched entry';
COMMENT ON COLUMN fact.received_lines.field IS 'The plan''s field (产业) of the matched entry';
COMMENT ON COLUMN fact.received_lines.key_field IS 'True when the field is one of the plan''s six key fields (重点领域)';
COMMENT ON COLUMN fact.received_lines.nbs_code IS 'Code in the NBS 战略性新兴产业分类(2018) of the matched entry';
COMMENT ON COLUMN fact.received_lines.nbs_edition IS 'Edition of the national SEI classification the matched entry''s window follows (2012 trial or 2018)';
COMMENT ON COLUMN fact.received_lines.catalog_version IS 'Content hash of catalog/products.csv that classified the month';
COMMENT ON COLUMN fact.received_lines.landing_id IS 'The landing the line comes from (landed/returns/YYYY-MM/<landing id>.parquet): when it was landed, by which process';
COMMENT ON COLUMN fact.received_lines.landing_format IS 'Version of the landed file''s layout (publishing refuses other versions)';
