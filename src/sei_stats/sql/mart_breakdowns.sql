-- SEI output by the plan's areas, its fields, districts and functional zones, each report period (cumulative
-- 1–X月): one aggregation over grouping sets, so every breakdown mart shows the same measure columns computed
-- the same way. Money in 亿元 = 千元 / 100000. Industrial output and services revenue are never added.

CREATE VIEW fact.unit_zones AS
-- the roster's zone of each unit for the year (a derived frame has no roster: no zone); one per unit
SELECT year, credit_code, min(nullif(zone_id, '')) AS zone_id
FROM ref.roster
GROUP BY year, credit_code;

COMMENT ON VIEW fact.unit_zones IS 'The functional zone of each unit of a year''s roster (one per unit): what puts a line in a zone.';
COMMENT ON COLUMN fact.unit_zones.year IS 'Year of the roster';
COMMENT ON COLUMN fact.unit_zones.credit_code IS 'Unified social credit code of the unit (GB 32100-2015)';
COMMENT ON COLUMN fact.unit_zones.zone_id IS 'Functional zone of the unit (ref.roster.zone_id), NULL for units in no zone';

CREATE VIEW fact.sei_lines_zoned AS
SELECT l.*, z.zone_id
FROM fact.sei_lines AS l
LEFT JOIN fact.unit_zones AS z ON z.year = l.year AND z.credit_code = l.credit_code;

COMMENT ON VIEW fact.sei_lines_zoned IS 'fact.sei_lines with the roster''s functional zone of each unit: what the breakdowns and the disclosure control (fact.sei_enterprise_cells) read. Money in 千元.';
COMMENT ON COLUMN fact.sei_lines_zoned.zone_id IS 'Functional zone of the unit (ref.roster.zone_id), NULL for units in no zone or without a roster';

-- Each enterprise's value in each published cell: what the sensitivity rules of the disclosure control read
-- (sei_stats.protection). One row per period, measure, enterprise and finest cell (area, field, district, zone).
CREATE VIEW fact.sei_enterprise_cells AS
SELECT period, measure, credit_code, area, field, district_code, zone_id, sum(output_ytd) AS value
FROM fact.sei_lines_zoned
GROUP BY ALL;

COMMENT ON VIEW fact.sei_enterprise_cells IS 'Each enterprise''s SEI output (industry) or services revenue (services) by period and finest published cell (area, field, district, zone): the input of the disclosure rules. Money in 千元.';
COMMENT ON COLUMN fact.sei_enterprise_cells.zone_id IS 'Functional zone of the unit (ref.roster.zone_id), NULL for units in no zone or without a roster';
COMMENT ON COLUMN fact.sei_enterprise_cells.value IS 'The enterprise''s output_ytd in the cell (industrial output or services revenue by measure), 千元';

-- Stored, a year's rows kept with its facts (sei_stats.year_step): the five breakdown marts read it, so the lines
-- are summed once per changed year, not once per mart and publish (national month: 5 × 1.2 s). It reads
-- fact.figure_lines, not fact.sei_lines: no sum here uses the value-added rates sei_lines joins, so a revision of the
-- rates does not recompute a kept year.
CREATE TABLE fact.sei_breakdowns AS
WITH lines AS (
    SELECT l.period, l.credit_code, l.area, l.field, l.key_field, l.district_code, z.zone_id, l.measure, l.imputed,
           l.output_ytd, l.prior AS output_ytd_prior
    FROM fact.figure_lines AS l
    LEFT JOIN fact.unit_zones AS z ON z.year = year(l.period) AND z.credit_code = l.credit_code
    WHERE l.is_sei
)
SELECT CASE WHEN grouping(field) = 0 THEN 'field'
            WHEN grouping(area) = 0 AND grouping(district_code) = 0 THEN 'area_district'
            WHEN grouping(area) = 0 THEN 'area'
            WHEN grouping(district_code) = 0 THEN 'district' ELSE 'zone' END                             AS breakdown,
       period, area, field, key_field, district_code, zone_id,
       coalesce(sum(output_ytd) FILTER (WHERE measure = 'industry'), 0) / 100000                         AS output_ytd,
       sum(output_ytd) FILTER (WHERE measure = 'industry' AND output_ytd_prior IS NOT NULL) / 100000    AS output_comparable,
       sum(output_ytd_prior) FILTER (WHERE measure = 'industry') / 100000                              AS output_ytd_prior,
       sum(output_ytd) FILTER (WHERE measure = 'industry' AND output_ytd_prior IS NOT NULL)
           / nullif(sum(output_ytd_prior) FILTER (WHERE measure = 'industry'), 0) - 1                  AS growth,
       count(DISTINCT credit_code) FILTER (WHERE measure = 'industry')                                 AS n_enterprises,
       coalesce(sum(output_ytd) FILTER (WHERE measure = 'industry' AND imputed), 0) / 100000           AS output_imputed,
       coalesce(sum(output_ytd) FILTER (WHERE measure = 'industry' AND imputed), 0)
           / nullif(sum(output_ytd) FILTER (WHERE measure = 'industry'), 0)                            AS imputed_share,
       coalesce(sum(output_ytd) FILTER (WHERE measure = 'services'), 0) / 100000                         AS services_revenue,
       sum(output_ytd) FILTER (WHERE measure = 'services' AND output_ytd_prior IS NOT NULL) / 100000    AS services_revenue_comparable,
       sum(output_ytd_prior) FILTER (WHERE measure = 'services') / 100000                              AS services_revenue_prior,
       sum(output_ytd) FILTER (WHERE measure = 'services' AND output_ytd_prior IS NOT NULL)
           / nullif(sum(output_ytd_prior) FILTER (WHERE measure = 'services'), 0) - 1                  AS services_revenue_growth,
       count(DISTINCT credit_code) FILTER (WHERE measure = 'services')                                 AS n_services_enterprises,
       coalesce(sum(output_ytd) FILTER (WHERE measure = 'services' AND imputed), 0) / 100000           AS services_revenue_imputed
FROM lines
GROUP BY GROUPING SETS ((period, area), (period, area, field, key_field), (period, district_code), (period, zone_id),
                        (period, area, district_code));

COMMENT ON TABLE fact.sei_breakdowns IS 'SEI output and services revenue of each report period by area, field, district and zone (breakdown), one aggregation for the breakdown marts. Money in 亿元.';
COMMENT ON COLUMN fact.sei_breakdowns.breakdown IS 'What the row breaks the total down by: area, field (with its area), district, area and district, or zone';
COMMENT ON COLUMN fact.sei_breakdowns.output_ytd IS 'Industrial output (工业总产值) this year to date, 亿元 (0 for a group with services only)';
COMMENT ON COLUMN fact.sei_breakdowns.output_comparable IS 'Output of the lines with a prior (all unless the same month a year earlier is not in the warehouse), 亿元';
COMMENT ON COLUMN fact.sei_breakdowns.output_ytd_prior IS 'Same period last year over this period''s scope of units, 亿元';
COMMENT ON COLUMN fact.sei_breakdowns.growth IS 'Comparable-basis growth (同比): output_comparable / output_ytd_prior − 1, fraction';
COMMENT ON COLUMN fact.sei_breakdowns.n_enterprises IS 'Industrial enterprises behind output_ytd (单位数), imputed ones included; an enterprise in two areas counts in both';
COMMENT ON COLUMN fact.sei_breakdowns.output_imputed IS 'Part of output_ytd imputed, 亿元';
COMMENT ON COLUMN fact.sei_breakdowns.imputed_share IS 'Share of output_ytd imputed, fraction';
COMMENT ON COLUMN fact.sei_breakdowns.services_revenue IS 'Services revenue (营业收入) this year to date, 亿元; never added to output_ytd';
COMMENT ON COLUMN fact.sei_breakdowns.services_revenue_comparable IS 'Services revenue of the lines with a prior, 亿元';
COMMENT ON COLUMN fact.sei_breakdowns.services_revenue_prior IS 'Services revenue of the same period last year over this period''s scope of units, 亿元';
COMMENT ON COLUMN fact.sei_breakdowns.services_revenue_growth IS 'Comparable-basis growth of services revenue, fraction';
COMMENT ON COLUMN fact.sei_breakdowns.n_services_enterprises IS 'Service enterprises behind services_revenue (单位数)';
COMMENT ON COLUMN fact.sei_breakdowns.services_revenue_imputed IS 'Part of services_revenue imputed, 亿元';
COMMENT ON COLUMN fact.sei_breakdowns.zone_id IS 'Functional zone of the units (ref.roster.zone_id), NULL for units in no zone or without a roster';

CREATE VIEW mart.output_by_field AS
SELECT period, area, field, key_field, * EXCLUDE (breakdown, period, area, field, key_field, district_code, zone_id)
FROM fact.sei_breakdowns
WHERE breakdown = 'field';

COMMENT ON VIEW mart.output_by_field IS 'SEI industrial output and, apart, services revenue by the plan''s fields (the six key fields flagged) for each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.output_by_field.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.output_by_field.area IS 'The plan''s area (领域) the field belongs to';
COMMENT ON COLUMN mart.output_by_field.field IS 'The plan''s field (产业方向, catalog/fields.csv), as the catalog entry that classified the line names it';
COMMENT ON COLUMN mart.output_by_field.key_field IS 'true for the plan''s six key fields (重点领域)';

CREATE VIEW mart.output_by_district AS
SELECT b.period, b.district_code, d.name AS district_name,
       b.* EXCLUDE (breakdown, period, area, field, key_field, district_code, zone_id)
FROM fact.sei_breakdowns AS b
LEFT JOIN ref.districts AS d ON d.code = b.district_code
WHERE b.breakdown = 'district';

COMMENT ON VIEW mart.output_by_district IS 'SEI industrial output and, apart, services revenue by district (the frame''s district of each unit) for each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.output_by_district.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.output_by_district.district_code IS 'District (GB/T 2260) the survey frame fixes for the unit''s year';
COMMENT ON COLUMN mart.output_by_district.district_name IS 'District name (ref.districts)';

CREATE VIEW mart.output_by_zone AS
SELECT b.period, b.zone_id, z.name AS zone_name,
       b.* EXCLUDE (breakdown, period, area, field, key_field, district_code, zone_id)
FROM fact.sei_breakdowns AS b
LEFT JOIN ref.zones AS z ON z.zone_id = b.zone_id
WHERE b.breakdown = 'zone' AND b.zone_id IS NOT NULL;

COMMENT ON VIEW mart.output_by_zone IS 'SEI industrial output and, apart, services revenue by functional zone (功能区) of the roster, each report period, cumulative 1–X月; units in no zone, and years without a roster, are in no row. Money in 亿元.';
COMMENT ON COLUMN mart.output_by_zone.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.output_by_zone.zone_id IS 'Functional zone (ref.zones; the roster''s zone_id)';
COMMENT ON COLUMN mart.output_by_zone.zone_name IS 'Zone name (ref.zones)';

CREATE VIEW mart.output_by_area_district AS
SELECT b.period, b.area, b.district_code, d.name AS district_name,
       b.* EXCLUDE (breakdown, period, area, field, key_field, district_code, zone_id)
FROM fact.sei_breakdowns AS b
LEFT JOIN ref.districts AS d ON d.code = b.district_code
WHERE b.breakdown = 'area_district';

COMMENT ON VIEW mart.output_by_area_district IS 'SEI industrial output and, apart, services revenue by the plan''s area and district (the cross table whose margins are mart.output_by_area and mart.output_by_district), each report period, cumulative 1–X月. Money in 亿元.';
COMMENT ON COLUMN mart.output_by_area_district.period IS 'Report period: first day of the month; figures cumulative from January';
COMMENT ON COLUMN mart.output_by_area_district.area IS 'The plan''s area (领域)';
COMMENT ON COLUMN mart.output_by_area_district.district_code IS 'District (GB/T 2260) the survey frame fixes for the unit''s year';
COMMENT ON COLUMN mart.output_by_area_district.district_name IS 'District name (ref.districts)';
