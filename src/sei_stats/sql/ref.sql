-- Reference tables: the inputs beside the returns, the rule registry and the shared vocabulary.
-- sei_stats.warehouse fills each from its reader (sei_stats.inputs, the catalog, schemas/rules.yaml).

CREATE TABLE ref.buckets (code VARCHAR, label VARCHAR);
COMMENT ON TABLE ref.buckets IS 'Where a received line ends, exactly one each (sei_stats.vocabulary)';
COMMENT ON COLUMN ref.buckets.code IS 'Bucket: accepted, rejected, superseded, duplicate, not_a_return, held or out_of_scope';
COMMENT ON COLUMN ref.buckets.label IS '中文名称';

CREATE TABLE ref.severities (code VARCHAR, label VARCHAR);
COMMENT ON TABLE ref.severities IS 'What a line failing a rule becomes (sei_stats.vocabulary)';
COMMENT ON COLUMN ref.severities.code IS 'Severity: reject, hold, warn, not_a_return or duplicate';
COMMENT ON COLUMN ref.severities.label IS '中文名称';

CREATE TABLE ref.levels (code VARCHAR, label VARCHAR);
COMMENT ON TABLE ref.levels IS 'What a rule confronts (sei_stats.vocabulary)';
COMMENT ON COLUMN ref.levels.code IS 'Level: field, record, cross-record, cross-period or cross-source';
COMMENT ON COLUMN ref.levels.label IS '中文名称';

CREATE TABLE ref.decisions (code VARCHAR, label VARCHAR);
COMMENT ON TABLE ref.decisions IS 'A reviewer''s decision on a hold or warn finding (sei_stats.vocabulary)';
COMMENT ON COLUMN ref.decisions.code IS 'Decision: accept, reject or correct';
COMMENT ON COLUMN ref.decisions.label IS '中文名称';

CREATE TABLE ref.prior_sources (code VARCHAR, label VARCHAR);
COMMENT ON TABLE ref.prior_sources IS 'Where the prior (上年同期) a line''s growth is computed on comes from (sei_stats.vocabulary)';
COMMENT ON COLUMN ref.prior_sources.code IS 'reported, last_year_return, last_year_annual (December: last year''s annual report), new_unit, new_product, stratum_growth or not_available';
COMMENT ON COLUMN ref.prior_sources.label IS '中文名称';

CREATE TABLE ref.frame_sources (code VARCHAR, label VARCHAR);
COMMENT ON TABLE ref.frame_sources IS 'How a unit entered the year''s survey frame (sei_stats.vocabulary)';
COMMENT ON COLUMN ref.frame_sources.code IS 'roster, not_on_roster (reported without being on the roster) or derived (a year without a roster)';
COMMENT ON COLUMN ref.frame_sources.label IS '中文名称';

CREATE TABLE ref.measures (code VARCHAR, label VARCHAR, first_division VARCHAR, last_division VARCHAR);
COMMENT ON TABLE ref.measures IS 'What a line''s output_ytd measures, set by its unit''s industry division in the survey frame (sei_stats.vocabulary): never added together; divisions in no range (01–05, 47–50) are unclassified';
COMMENT ON COLUMN ref.measures.code IS 'industry (工业总产值, industrial output) or services (营业收入, services revenue)';
COMMENT ON COLUMN ref.measures.label IS '中文名称';
COMMENT ON COLUMN ref.measures.first_division IS 'First GB/T 4754-2017 division (2 digits) of the measure';
COMMENT ON COLUMN ref.measures.last_division IS 'Last GB/T 4754-2017 division (2 digits) of the measure, inclusive';

CREATE TABLE ref.platform_levels (code VARCHAR, label VARCHAR);
COMMENT ON TABLE ref.platform_levels IS 'The level an innovation platform was recognised at (sei_stats.vocabulary)';
COMMENT ON COLUMN ref.platform_levels.code IS 'national, provincial or municipal';
COMMENT ON COLUMN ref.platform_levels.label IS '中文名称';

CREATE TABLE ref.designations (code VARCHAR, label VARCHAR);
COMMENT ON TABLE ref.designations IS 'A designation an enterprise holds, counted by the plan''s targets (sei_stats.vocabulary)';
COMMENT ON COLUMN ref.designations.code IS 'leading (龙头企业) or innovative_leader (创新型领军企业)';
COMMENT ON COLUMN ref.designations.label IS '中文名称';

CREATE TABLE ref.rules (name VARCHAR, level VARCHAR, severity VARCHAR, engine VARCHAR, field VARCHAR, decisions VARCHAR[],
                        zh VARCHAR, en VARCHAR);
COMMENT ON TABLE ref.rules IS 'Every validation rule (schemas/rules.yaml)';
COMMENT ON COLUMN ref.rules.name IS 'Rule name';
COMMENT ON COLUMN ref.rules.level IS 'field, record, cross-record, cross-period or cross-source (ref.levels)';
COMMENT ON COLUMN ref.rules.severity IS 'reject, hold, warn, not_a_return or duplicate (ref.severities)';
COMMENT ON COLUMN ref.rules.engine IS 'Where it runs: pandera or python (landing), sql (over the landed months) or frame (the per-year step over the survey frame)';
COMMENT ON COLUMN ref.rules.decisions IS 'The decisions a reviewer may take on its findings (ref.decisions)';
COMMENT ON COLUMN ref.rules.field IS 'Field judged (empty: the whole line)';
COMMENT ON COLUMN ref.rules.zh IS '描述';
COMMENT ON COLUMN ref.rules.en IS 'Description';

CREATE TABLE ref.rule_params (rule VARCHAR, param VARCHAR, value DOUBLE);
COMMENT ON TABLE ref.rule_params IS 'The parameters of the rules in force: schemas/rules.yaml, with config/quality.yaml''s overrides';
COMMENT ON COLUMN ref.rule_params.rule IS 'Rule name (ref.rules)';
COMMENT ON COLUMN ref.rule_params.param IS 'Parameter name; its unit is in schemas/rules.yaml';
COMMENT ON COLUMN ref.rule_params.value IS 'Value in force';

CREATE TABLE ref.settings (section VARCHAR, name VARCHAR, value DOUBLE);
COMMENT ON TABLE ref.settings IS 'The other settings in force: src/sei_stats/defaults.yaml, with config/quality.yaml''s overrides and the data folder''s config/settings.yaml over both';
COMMENT ON COLUMN ref.settings.section IS 'imputation, checks, runs, calendar or disclosure';
COMMENT ON COLUMN ref.settings.name IS 'Setting name; its unit is in defaults.yaml';
COMMENT ON COLUMN ref.settings.value IS 'Value in force; a yes/no setting (calendar.january_reported) as 1 yes, 0 no';

CREATE TABLE ref.roster (credit_code VARCHAR, enterprise_name VARCHAR, district_code VARCHAR, zone_id VARCHAR,
                         industry_code VARCHAR, area VARCHAR, active_from DATE, active_to DATE, year BIGINT);
COMMENT ON TABLE ref.roster IS 'The survey roster (调查单位名录): the year''s frame of units, each live in the months of its window (raw/roster/YYYY.csv)';
COMMENT ON COLUMN ref.roster.credit_code IS 'Enterprise (统一社会信用代码)';
COMMENT ON COLUMN ref.roster.enterprise_name IS 'Enterprise name';
COMMENT ON COLUMN ref.roster.district_code IS 'District (GB/T 2260)';
COMMENT ON COLUMN ref.roster.zone_id IS 'Functional zone (catalog/zones.csv), empty when none';
COMMENT ON COLUMN ref.roster.industry_code IS 'Industry class (GB/T 4754-2017)';
COMMENT ON COLUMN ref.roster.area IS 'The plan''s area the enterprise mainly belongs to';
COMMENT ON COLUMN ref.roster.active_from IS 'First month the unit is live (first day); NULL: from January';
COMMENT ON COLUMN ref.roster.active_to IS 'Last month the unit is live (first day), e.g. the month it closed; NULL: to December';
COMMENT ON COLUMN ref.roster.year IS 'Year the roster applies to';

CREATE TABLE ref.reviews (credit_code VARCHAR, product VARCHAR, rule VARCHAR, decision VARCHAR, field VARCHAR,
                          corrected_value DECIMAL(18, 3), reviewer VARCHAR, note VARCHAR, period DATE, report VARCHAR,
                          review_file VARCHAR, line_number INTEGER);
COMMENT ON TABLE ref.reviews IS 'Reviewers'' decisions (raw/reviews/YYYY-MM.csv or .xlsx on a month; raw/reviews/YYYY.csv or .xlsx on the annual report of a year)';
COMMENT ON COLUMN ref.reviews.credit_code IS 'Enterprise (统一社会信用代码)';
COMMENT ON COLUMN ref.reviews.product IS 'Product code, or name where the line has none; empty for a decision on a whole unit (imputed_too_long)';
COMMENT ON COLUMN ref.reviews.field IS 'For correct: the field corrected, output_ytd or output_ytd_prior';
COMMENT ON COLUMN ref.reviews.rule IS 'Rule decided on';
COMMENT ON COLUMN ref.reviews.decision IS 'accept, reject or correct';
COMMENT ON COLUMN ref.reviews.corrected_value IS 'For correct: the value that replaces the reported one in that field, 千元';
COMMENT ON COLUMN ref.reviews.reviewer IS 'Who decided';
COMMENT ON COLUMN ref.reviews.note IS 'Note';
COMMENT ON COLUMN ref.reviews.period IS 'Report period: first day of the month; for the annual report, its year''s December (YYYY-12-01, the span 1–12月 it covers)';
COMMENT ON COLUMN ref.reviews.report IS 'The report decided on: monthly (raw/reviews/YYYY-MM.csv) or annual (the annual report, 年报: raw/reviews/YYYY.csv); December''s and the annual report''s decisions share a period and never mix';
COMMENT ON COLUMN ref.reviews.review_file IS 'The review file';
COMMENT ON COLUMN ref.reviews.line_number IS 'Line of the decision in its review file (the header is line 1; in an .xlsx workbook, its row)';

CREATE TABLE ref.plan (plan_id VARCHAR, title VARCHAR, document VARCHAR, baseline_year BIGINT, target_year BIGINT);
COMMENT ON TABLE ref.plan IS 'The plans tracked, one row each (catalog/targets.yaml)';
COMMENT ON COLUMN ref.plan.plan_id IS 'Plan identifier';
COMMENT ON COLUMN ref.plan.title IS 'The plan''s title';
COMMENT ON COLUMN ref.plan.document IS 'The document that issued the plan (文号)';
COMMENT ON COLUMN ref.plan.baseline_year IS 'Year average annual growth is measured from; the plan''s years are baseline_year+1 … target_year';
COMMENT ON COLUMN ref.plan.target_year IS 'Year the plan''s targets are set for';

CREATE TABLE ref.targets (plan_id VARCHAR, title VARCHAR, indicator VARCHAR, label VARCHAR, target_value DOUBLE,
                          unit VARCHAR, comparison VARCHAR, tolerance DOUBLE, baseline_year BIGINT, target_year BIGINT,
                          designation VARCHAR, measure VARCHAR);
COMMENT ON TABLE ref.targets IS 'The plans'' targets, one row per plan and target (catalog/targets.yaml)';
COMMENT ON COLUMN ref.targets.plan_id IS 'Plan identifier (ref.plan)';
COMMENT ON COLUMN ref.targets.title IS 'The plan''s title';
COMMENT ON COLUMN ref.targets.indicator IS 'Indicator the target is set on: output_value, avg_growth_since_baseline, gdp_share, or a count of the registries (raw/registry/): new_platforms, leading_enterprises, innovative_leaders';
COMMENT ON COLUMN ref.targets.label IS 'The target in the plan''s words';
COMMENT ON COLUMN ref.targets.target_value IS 'Target value, in unit';
COMMENT ON COLUMN ref.targets.unit IS '亿元 for output value; fraction for rates; 个 (platforms) or 家 (enterprises) for counts';
COMMENT ON COLUMN ref.targets.comparison IS 'at_least (突破, 达到或超过: reached at ≥ target_value) or about (左右: reached at ≥ target_value − tolerance; exceeding is never a miss)';
COMMENT ON COLUMN ref.targets.tolerance IS 'How far below target_value an about target is still reached, in unit (0.005 = 0.5 percentage point for a rate); 0 for at_least';
COMMENT ON COLUMN ref.targets.baseline_year IS 'Baseline year of the plan';
COMMENT ON COLUMN ref.targets.target_year IS 'Year the target is set for';
COMMENT ON COLUMN ref.targets.designation IS 'For a count of designated enterprises, the designation counted (ref.designations); NULL otherwise';
COMMENT ON COLUMN ref.targets.measure IS 'For output_value and avg_growth_since_baseline, the measure judged (ref.measures): industry (工业总产值, the default) or services (营业收入), never the two added; NULL otherwise';

-- The registries of the plan's other targets (raw/registry/): internal, they name enterprises.
CREATE TABLE ref.registry_platforms (name VARCHAR, level VARCHAR, kind VARCHAR, area VARCHAR, field VARCHAR,
                                     host_credit_code VARCHAR, recognised_date DATE, source VARCHAR);
COMMENT ON TABLE ref.registry_platforms IS 'INTERNAL (names its host): the innovation platforms recognised, one row each (raw/registry/platforms.csv); counted by the target new_platforms';
COMMENT ON COLUMN ref.registry_platforms.name IS 'Platform name';
COMMENT ON COLUMN ref.registry_platforms.level IS 'Level it was recognised at: national, provincial or municipal (ref.platform_levels)';
COMMENT ON COLUMN ref.registry_platforms.kind IS 'Kind of platform, e.g. 工程研究中心, 企业技术中心, 技术创新中心, 国家地方联合创新平台';
COMMENT ON COLUMN ref.registry_platforms.area IS 'The plan''s area (领域)';
COMMENT ON COLUMN ref.registry_platforms.field IS 'The plan''s field (产业), empty when none';
COMMENT ON COLUMN ref.registry_platforms.host_credit_code IS 'Host unit (统一社会信用代码)';
COMMENT ON COLUMN ref.registry_platforms.recognised_date IS 'Date recognised (a month given as YYYY-MM: its first day)';
COMMENT ON COLUMN ref.registry_platforms.source IS 'The document that recognised it';

CREATE TABLE ref.registry_enterprises (credit_code VARCHAR, enterprise_name VARCHAR, designation VARCHAR, area VARCHAR,
                                       field VARCHAR, recognised_date DATE, source VARCHAR, withdrawn_date DATE);
COMMENT ON TABLE ref.registry_enterprises IS 'INTERNAL (enterprise-level): the enterprises designated 龙头企业 or 创新型领军企业, one row per enterprise and designation (raw/registry/enterprises.csv); counted by the targets leading_enterprises and innovative_leaders';
COMMENT ON COLUMN ref.registry_enterprises.credit_code IS 'Enterprise (统一社会信用代码)';
COMMENT ON COLUMN ref.registry_enterprises.enterprise_name IS 'Enterprise name';
COMMENT ON COLUMN ref.registry_enterprises.designation IS 'leading (龙头企业) or innovative_leader (创新型领军企业) (ref.designations)';
COMMENT ON COLUMN ref.registry_enterprises.area IS 'The plan''s area (领域)';
COMMENT ON COLUMN ref.registry_enterprises.field IS 'The plan''s field (产业), empty when none';
COMMENT ON COLUMN ref.registry_enterprises.recognised_date IS 'Date designated (a month given as YYYY-MM: its first day)';
COMMENT ON COLUMN ref.registry_enterprises.source IS 'The document that designated it';
COMMENT ON COLUMN ref.registry_enterprises.withdrawn_date IS 'Date the designation was withdrawn (a month: its first day); NULL while held';

-- Every vintage of GDP and of the rates as read; in_force marks the one the figures use (sei_stats.inputs).
CREATE TABLE ref.gdp (year BIGINT, quarter BIGINT, gdp_ytd DOUBLE, vintage VARCHAR, released DATE, in_force BOOLEAN);
COMMENT ON TABLE ref.gdp IS 'City GDP cumulative from Q1 (raw/gdp.csv), 亿元: one row per year, quarter and vintage; shares are computed on the row in_force (WHERE in_force: one row per year and quarter)';
COMMENT ON COLUMN ref.gdp.year IS 'Calendar year';
COMMENT ON COLUMN ref.gdp.quarter IS 'Quarter 1–4';
COMMENT ON COLUMN ref.gdp.gdp_ytd IS 'GDP cumulative from Q1 to the quarter end, 亿元';
COMMENT ON COLUMN ref.gdp.vintage IS 'Vintage as the file names it (e.g. preliminary, final, census_revised); NULL for the file''s one unnamed vintage';
COMMENT ON COLUMN ref.gdp.released IS 'Day the vintage was released; NULL when not given (an unnamed vintage: the earliest)';
COMMENT ON COLUMN ref.gdp.in_force IS 'True for the latest released vintage of the year and quarter: the one every GDP share is computed on';

-- Exact rates keep value added (千元 × rate) an exact DECIMAL sum, so reruns give identical totals.
CREATE TABLE ref.va_rates (year BIGINT, industry_division VARCHAR, va_rate DECIMAL(9, 6), vintage VARCHAR, released DATE,
                           in_force BOOLEAN);
COMMENT ON TABLE ref.va_rates IS 'Value-added rates by year and GB/T 4754 division (raw/va_rates.csv): every row as read, one per year, division and vintage';
COMMENT ON COLUMN ref.va_rates.year IS 'Calendar year';
COMMENT ON COLUMN ref.va_rates.industry_division IS 'GB/T 4754-2017 division (2 digits)';
COMMENT ON COLUMN ref.va_rates.va_rate IS 'Value added / output value, fraction';
COMMENT ON COLUMN ref.va_rates.vintage IS 'Vintage as the file names it (e.g. provisional, final); NULL for the file''s one unnamed vintage';
COMMENT ON COLUMN ref.va_rates.released IS 'Day the vintage was released; NULL when not given (an unnamed vintage: the earliest)';
COMMENT ON COLUMN ref.va_rates.in_force IS 'True for the rows of the year''s latest released vintage (all its divisions): the rates value added uses; a division it lacks takes the latest earlier year''s rate in force (fact.sei_lines.va_rate_basis)';

CREATE TABLE ref.catalog (code VARCHAR, kind VARCHAR, name VARCHAR, area VARCHAR, field VARCHAR, key_field BOOLEAN,
                          nbs_code VARCHAR, valid_from VARCHAR, valid_to VARCHAR, nbs_edition VARCHAR,
                          nbs_verified VARCHAR, source VARCHAR, verified VARCHAR);
COMMENT ON TABLE ref.catalog IS 'The guidance catalog (catalog/products.csv) that classifies lines';
COMMENT ON COLUMN ref.catalog.code IS 'Product code (统计用产品分类目录) or industry code (GB/T 4754-2017), a prefix';
COMMENT ON COLUMN ref.catalog.kind IS 'product or industry';
COMMENT ON COLUMN ref.catalog.name IS 'Entry name';
COMMENT ON COLUMN ref.catalog.area IS 'The plan''s area (领域)';
COMMENT ON COLUMN ref.catalog.field IS 'The plan''s field (产业)';
COMMENT ON COLUMN ref.catalog.key_field IS 'One of the plan''s six key fields';
COMMENT ON COLUMN ref.catalog.nbs_code IS 'Code in NBS 战略性新兴产业分类(2018)';
COMMENT ON COLUMN ref.catalog.valid_from IS 'First month the entry applies (YYYY-MM)';
COMMENT ON COLUMN ref.catalog.valid_to IS 'Last month the entry applies (YYYY-MM), empty when open';
COMMENT ON COLUMN ref.catalog.nbs_edition IS 'Edition of the national classification the entry''s window follows (docs/catalog.md)';
COMMENT ON COLUMN ref.catalog.nbs_verified IS 'true when the link to the national category is confirmed in a public copy';
COMMENT ON COLUMN ref.catalog.source IS 'Where the code comes from';
COMMENT ON COLUMN ref.catalog.verified IS 'Checked against a public copy of the national document';

CREATE TABLE ref.districts (code VARCHAR, name VARCHAR, kind VARCHAR, note VARCHAR);
COMMENT ON TABLE ref.districts IS 'Dalian''s county-level divisions (GB/T 2260)';
COMMENT ON COLUMN ref.districts.code IS 'GB/T 2260 code';
COMMENT ON COLUMN ref.districts.name IS 'Name';
COMMENT ON COLUMN ref.districts.kind IS 'Kind of division';
COMMENT ON COLUMN ref.districts.note IS 'Note';

CREATE TABLE ref.zones (zone_id VARCHAR, name VARCHAR, kind VARCHAR, districts VARCHAR, parent_zone VARCHAR,
                        note VARCHAR, source VARCHAR, verified VARCHAR);
COMMENT ON TABLE ref.zones IS 'The functional zones (功能区) the plan names (catalog/zones.csv; empty without the file)';
COMMENT ON COLUMN ref.zones.zone_id IS 'Zone id, as the roster''s zone_id';
COMMENT ON COLUMN ref.zones.name IS 'Zone name';
COMMENT ON COLUMN ref.zones.kind IS 'Kind of zone';
COMMENT ON COLUMN ref.zones.districts IS 'GB/T 2260 codes of the districts the zone lies in, separated by |';
COMMENT ON COLUMN ref.zones.parent_zone IS 'Zone this one lies in, empty when none';
COMMENT ON COLUMN ref.zones.note IS 'Note';
COMMENT ON COLUMN ref.zones.source IS 'Where the zone''s location comes from';
COMMENT ON COLUMN ref.zones.verified IS 'true when confirmed in a public copy';

CREATE TABLE ref.nbs_categories (code VARCHAR, level VARCHAR, name VARCHAR, parent VARCHAR);
COMMENT ON TABLE ref.nbs_categories IS 'NBS 战略性新兴产业分类(2018): 9 level-1 and 40 level-2 categories';
COMMENT ON COLUMN ref.nbs_categories.code IS 'Category code (d or d.d)';
COMMENT ON COLUMN ref.nbs_categories.level IS '1 or 2';
COMMENT ON COLUMN ref.nbs_categories.name IS 'Category name';
COMMENT ON COLUMN ref.nbs_categories.parent IS 'Level-1 code of a level-2 category';

CREATE TABLE ref.input_versions (input VARCHAR, version VARCHAR);
COMMENT ON TABLE ref.input_versions IS 'The version (content hash of its files) of every reference input this publish read (sei_stats.inputs)';
COMMENT ON COLUMN ref.input_versions.input IS 'Reference input: gdp, va_rates, roster, reviews, registry_platforms or registry_enterprises';
COMMENT ON COLUMN ref.input_versions.version IS 'First 16 hex digits of the SHA-256 of its files'' names and bytes; absent when it has no file';

-- Filled after the analysts' tables are stored (sei_stats.labels, from sql/column_labels.csv).
CREATE TABLE ref.column_labels (schema_name VARCHAR, table_name VARCHAR, column_name VARCHAR, label VARCHAR);
COMMENT ON TABLE ref.column_labels IS 'The Chinese label of every column of the analysts'' file (sei.duckdb), one row per column of every relation it stores: the heading documents and exports print (sql/column_labels.csv); the unit in full-width parentheses: （亿元）, （比率） a fraction (0.05 is 5%), （个） units, （条） lines, （见计量单位） the row''s unit column, （按指标单位） the indicator''s unit';
COMMENT ON COLUMN ref.column_labels.schema_name IS 'Schema of the relation in sei.duckdb: ref, mart, mart_current_catalog or vintage';
COMMENT ON COLUMN ref.column_labels.table_name IS 'Relation (stored table) in sei.duckdb';
COMMENT ON COLUMN ref.column_labels.column_name IS 'Column name, as stored';
COMMENT ON COLUMN ref.column_labels.label IS 'Chinese label, with its unit in full-width parentheses where it has one: the relation''s own label, else the column name''s';
