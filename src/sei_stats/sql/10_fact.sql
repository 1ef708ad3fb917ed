-- Facts: views over the landed months (one Parquet file a month). {landed_glob} is the absolute glob.
CREATE VIEW fact.received_lines AS
SELECT * FROM read_parquet({landed_glob});

CREATE VIEW fact.sei_lines AS
SELECT l.*, year(l.period) AS year, left(l.industry_code, 2) AS industry_division, v.va_rate
FROM fact.received_lines AS l
LEFT JOIN ref.va_rates AS v ON v.year = year(l.period) AND v.industry_division = left(l.industry_code, 2)
WHERE l.status = 'accepted' AND l.is_sei;

COMMENT ON VIEW fact.received_lines IS 'Every received line of every landed month, in exactly one bucket (status). Money in 千元.';
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
COMMENT ON COLUMN fact.received_lines.status IS 'Bucket: accepted, rejected or superseded (by a correction)';
COMMENT ON COLUMN fact.received_lines.superseded_by IS 'For a superseded line: the file whose lines replaced it';
COMMENT ON COLUMN fact.received_lines.failures IS 'For a rejected line: the rules it failed (rule, field, message)';
COMMENT ON COLUMN fact.received_lines.is_sei IS 'Accepted line classified as strategic emerging (matched by the guidance catalog); NULL when not accepted';
COMMENT ON COLUMN fact.received_lines.match_kind IS 'How the line was classified: product (by product code) or industry (by industry code)';
COMMENT ON COLUMN fact.received_lines.catalog_code IS 'The guidance catalog code that matched';
COMMENT ON COLUMN fact.received_lines.area IS 'The plan''s area (领域) of the matched entry';
COMMENT ON COLUMN fact.received_lines.field IS 'The plan''s field (产业) of the matched entry';
COMMENT ON COLUMN fact.received_lines.key_field IS 'True when the field is one of the plan''s six key fields (重点领域)';
COMMENT ON COLUMN fact.received_lines.nbs_code IS 'Code in the NBS 战略性新兴产业分类(2018) of the matched entry';
COMMENT ON COLUMN fact.received_lines.nbs_edition IS 'Edition of the national SEI classification the matched entry''s window follows (2012 trial or 2018)';
COMMENT ON COLUMN fact.received_lines.catalog_version IS 'Content hash of catalog/products.csv that classified the month';

COMMENT ON VIEW fact.sei_lines IS 'Accepted lines classified as strategic emerging, with the value-added rate of their year and division. Money in 千元.';
COMMENT ON COLUMN fact.sei_lines.year IS 'Calendar year of the report period';
COMMENT ON COLUMN fact.sei_lines.industry_division IS 'GB/T 4754-2017 division (first two digits of the industry code)';
COMMENT ON COLUMN fact.sei_lines.va_rate IS 'Value added / output value for the year and division (fraction); NULL when raw/va_rates.csv has none';
