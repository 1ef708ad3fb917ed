-- Imputed lines of roster enterprises that did not report (filled by sei_stats.impute at publish).
CREATE TABLE fact.imputed_lines (
    period DATE, credit_code VARCHAR, enterprise_name VARCHAR, district_code VARCHAR, industry_code VARCHAR,
    product_code VARCHAR, product_name VARCHAR, is_sei BOOLEAN, match_kind VARCHAR, catalog_code VARCHAR,
    area VARCHAR, field VARCHAR, key_field BOOLEAN, nbs_code VARCHAR, nbs_edition VARCHAR, catalog_version VARCHAR,
    output_ytd DECIMAL(18, 3), method VARCHAR, stratum VARCHAR, factor DOUBLE, base_period DATE
);

COMMENT ON TABLE fact.imputed_lines IS 'Lines imputed for roster enterprises without an accepted return in the month (ratio imputation). Money in 千元.';
COMMENT ON COLUMN fact.imputed_lines.period IS 'Report period: first day of the month';
COMMENT ON COLUMN fact.imputed_lines.credit_code IS 'Non-responding enterprise (统一社会信用代码)';
COMMENT ON COLUMN fact.imputed_lines.enterprise_name IS 'Enterprise name, from the line imputed from';
COMMENT ON COLUMN fact.imputed_lines.district_code IS 'District (GB/T 2260), from the line imputed from';
COMMENT ON COLUMN fact.imputed_lines.industry_code IS 'Industry class (GB/T 4754-2017), from the line imputed from';
COMMENT ON COLUMN fact.imputed_lines.product_code IS 'Product code, from the line imputed from';
COMMENT ON COLUMN fact.imputed_lines.product_name IS 'Product name, from the line imputed from';
COMMENT ON COLUMN fact.imputed_lines.is_sei IS 'Strategic emerging, as the line imputed from was classified';
COMMENT ON COLUMN fact.imputed_lines.match_kind IS 'product or industry, as the line imputed from';
COMMENT ON COLUMN fact.imputed_lines.catalog_code IS 'Catalog code that classified the line imputed from';
COMMENT ON COLUMN fact.imputed_lines.area IS 'The plan''s area (领域)';
COMMENT ON COLUMN fact.imputed_lines.field IS 'The plan''s field (产业)';
COMMENT ON COLUMN fact.imputed_lines.key_field IS 'One of the plan''s six key fields';
COMMENT ON COLUMN fact.imputed_lines.nbs_code IS 'Code in NBS 战略性新兴产业分类(2018)';
COMMENT ON COLUMN fact.imputed_lines.nbs_edition IS 'Edition of the national classification';
COMMENT ON COLUMN fact.imputed_lines.catalog_version IS 'Catalog version of the line imputed from';
COMMENT ON COLUMN fact.imputed_lines.output_ytd IS 'Imputed output value this year to date, 千元 (rounded to 1 元)';
COMMENT ON COLUMN fact.imputed_lines.method IS 'ratio to the last reported month, or own figure a year earlier × stratum growth';
COMMENT ON COLUMN fact.imputed_lines.stratum IS 'Stratum whose respondents gave the movement: area·district, area, or 全部 (all)';
COMMENT ON COLUMN fact.imputed_lines.factor IS 'Movement (or growth factor) applied, a ratio';
COMMENT ON COLUMN fact.imputed_lines.base_period IS 'The month whose own figure was scaled';
