-- National reporting: SEI output by the NBS 战略性新兴产业分类(2018) category of each matched entry's own nbs_code
-- (never by an area-to-category mapping: the plan's areas do not map one to one).
CREATE VIEW mart.output_by_nbs_category AS
SELECT l.period,
       split_part(l.nbs_code, '.', 1)                                                        AS nbs_level1_code,
       c1.name                                                                               AS nbs_level1_name,
       regexp_extract(l.nbs_code, '^\d+\.\d+')                                               AS nbs_code,
       c2.name                                                                               AS nbs_name,
       string_agg(DISTINCT l.nbs_edition, ',' ORDER BY l.nbs_edition)                        AS nbs_editions,
       coalesce(sum(l.output_ytd) FILTER (WHERE l.measure = 'industry'), 0) / 100000                      AS output_ytd,
       sum(l.output_ytd) FILTER (WHERE l.measure = 'industry' AND l.output_ytd_prior IS NOT NULL) / 100000 AS output_comparable,
       sum(l.output_ytd_prior) FILTER (WHERE l.measure = 'industry') / 100000                           AS output_ytd_prior,
       sum(l.output_ytd) FILTER (WHERE l.measure = 'industry' AND l.output_ytd_prior IS NOT NULL)
           / nullif(sum(l.output_ytd_prior) FILTER (WHERE l.measure = 'industry'), 0) - 1               AS growth,
       count(DISTINCT l.credit_code) FILTER (WHERE l.measure = 'industry')                              AS n_enterprises,
       coalesce(sum(l.output_ytd) FILTER (WHERE l.measure = 'industry' AND l.imputed), 0) / 100000        AS output_imputed,
       coalesce(sum(l.output_ytd) FILTER (WHERE l.measure = 'industry' AND l.imputed), 0)
           / nullif(sum(l.output_ytd) FILTER (WHERE l.measure = 'industry'), 0)                         AS imputed_share,
       coalesce(sum(l.output_ytd) FILTER (WHERE l.measure = 'services'), 0) / 100000                      AS services_revenue,
       sum(l.output_ytd) FILTER (WHERE l.measure = 'services' AND l.output_ytd_prior IS NOT NULL) / 100000 AS services_revenue_comparable,
       sum(l.output_ytd_prior) FILTER (WHERE l.measure = 'services') / 100000                           AS services_revenue_prior,
       sum(l.output_ytd) FILTER (WHERE l.measure = 'services' AND l.output_ytd_prior IS NOT NULL)
           / nullif(sum(l.output_ytd_prior) FILTER (WHERE l.measure = 'services'), 0) - 1               AS services_revenue_growth,
       count(DISTINCT l.credit_code) FILTER (WHERE l.measure = 'services')                              AS n_services_enterprises,
       coalesce(sum(l.output_ytd) FILTER (WHERE l.measure = 'services' AND l.imputed), 0) / 100000        AS services_revenue_imputed
FROM fact.sei_lines AS l
LEFT JOIN ref.nbs_categories AS c1 ON c1.code = split_part(l.nbs_code, '.', 1)
LEFT JOIN ref.nbs_categories AS c2 ON c2.code = regexp_extract(l.nbs_code, '^\d+\.\d+')
GROUP BY ALL;

COMMENT ON VIEW mart.output_by_nbs_category IS 'SEI industrial output and, apart, services revenue by national category (NBS 战略性新兴产业分类(2018), level 2) for each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.output_by_nbs_category.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.output_by_nbs_category.nbs_level1_code IS 'National level-1 category code (1–9)';
COMMENT ON COLUMN mart.output_by_nbs_category.nbs_level1_name IS 'National level-1 category name';
COMMENT ON COLUMN mart.output_by_nbs_category.nbs_code IS 'National level-2 category code (d.d); level-3 entries roll up to it';
COMMENT ON COLUMN mart.output_by_nbs_category.nbs_name IS 'National level-2 category name';
COMMENT ON COLUMN mart.output_by_nbs_category.nbs_editions IS 'Editions the matched entries follow (2012 trial before 2019, 2018 after): a series break';
COMMENT ON COLUMN mart.output_by_nbs_category.output_ytd IS 'Industrial output (工业总产值) this year to date, 亿元 (0 for a category with services only)';
COMMENT ON COLUMN mart.output_by_nbs_category.output_comparable IS 'Output of the lines with a prior (all unless the same month a year earlier is not in the warehouse), 亿元';
COMMENT ON COLUMN mart.output_by_nbs_category.output_ytd_prior IS 'Same period last year over this period''s scope of units, 亿元';
COMMENT ON COLUMN mart.output_by_nbs_category.growth IS 'Comparable-basis growth (同比): output_comparable / output_ytd_prior − 1, fraction';
COMMENT ON COLUMN mart.output_by_nbs_category.n_enterprises IS 'Industrial enterprises behind output_ytd (单位数)';
COMMENT ON COLUMN mart.output_by_nbs_category.output_imputed IS 'Part of output_ytd imputed, 亿元';
COMMENT ON COLUMN mart.output_by_nbs_category.imputed_share IS 'Share of output_ytd imputed, fraction';
COMMENT ON COLUMN mart.output_by_nbs_category.services_revenue IS 'Services revenue (营业收入) this year to date, 亿元; never added to output_ytd';
COMMENT ON COLUMN mart.output_by_nbs_category.services_revenue_comparable IS 'Services revenue of the lines with a prior, 亿元';
COMMENT ON COLUMN mart.output_by_nbs_category.services_revenue_prior IS 'Services revenue of the same period last year over this period''s scope of units, 亿元';
COMMENT ON COLUMN mart.output_by_nbs_category.services_revenue_growth IS 'Comparable-basis growth of services revenue, fraction';
COMMENT ON COLUMN mart.output_by_nbs_category.n_services_enterprises IS 'Service enterprises behind services_revenue (单位数)';
COMMENT ON COLUMN mart.output_by_nbs_category.services_revenue_imputed IS 'Part of services_revenue imputed, 亿元';
