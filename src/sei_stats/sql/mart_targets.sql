-- The plans' targets (catalog/targets.yaml), every one judged on its own target year once that year is
-- complete; before, on the latest complete year of the plan: output, growth and share with a compound
-- projection to the target year, the registries' counts (raw/registry/) against a linear path to it.
CREATE VIEW mart.target_progress AS
WITH a AS (
    -- each year's figures once per measure (ref.measures): a target reads one of them, never the two added
    SELECT year, 'industry' AS measure, output_value, output_growth, gdp_share, basis FROM mart.indicators_annual
    UNION ALL
    SELECT year, 'services', services_revenue, services_revenue_growth, gdp_share, basis FROM mart.indicators_annual
), t AS (
    SELECT t.plan_id, t.indicator, t.label, t.target_year, t.target_value, t.unit, t.comparison, t.tolerance,
           t.designation, p.baseline_year, coalesce(t.measure, 'industry') AS measure,
           t.indicator IN ('new_platforms', 'leading_enterprises', 'innovative_leaders') AS is_count,
           -- reached when the printed value is ≥ the threshold: at_least the value itself, about its value − tolerance
           t.target_value - CASE WHEN t.comparison = 'about' THEN t.tolerance ELSE 0 END AS threshold,
           -- as documents print it: 亿元 to 0.1, a rate to 0.1 percentage point, a count whole
           CASE WHEN t.unit = '亿元' THEN 1 WHEN t.unit IN ('个', '家') THEN 0 ELSE 3 END AS digits,
           EXISTS (SELECT 1 FROM a WHERE a.year = t.target_year) AS final,
           (SELECT max(year) FROM a) AS latest_year,
           (SELECT max(year) FROM a WHERE a.year > p.baseline_year AND a.year < t.target_year) AS latest_in_plan
    FROM ref.targets AS t JOIN ref.plan AS p USING (plan_id)
), reading AS (
    -- the year a target is read on: its target year once complete; before, the latest complete year of
    -- the plan; none when a later year is complete but the target year is not
    SELECT *, CASE WHEN final THEN target_year WHEN latest_year > target_year THEN NULL ELSE latest_in_plan END AS year
    FROM t
), calendar AS (
    SELECT range AS year FROM range((SELECT min(baseline_year) + 1 FROM reading),
                                    (SELECT greatest(max(target_year), coalesce(max(latest_year), 0)) + 1 FROM reading))
), chain AS (
    -- comparable growth chained over the plan's own years up to the year read (baseline_year+1 … year)
    SELECT r.plan_id, r.indicator,
           product(1 + a.output_growth) AS growth_index,
           count(a.output_growth) AS years_linked,
           min(CASE WHEN a.output_growth IS NULL THEN c.year END) AS first_gap
    FROM reading AS r JOIN calendar AS c ON c.year > r.baseline_year AND c.year <= r.year
    LEFT JOIN a ON a.year = c.year AND a.measure = r.measure
    GROUP BY r.plan_id, r.indicator
), registry AS (
    -- the registries' counts at the end of the year read and of the baseline year: platforms recognised
    -- since the baseline year (新建: none at the baseline), enterprises holding the designation (培育)
    SELECT r.plan_id, r.indicator,
           CASE WHEN r.indicator = 'new_platforms' THEN 'registry_platforms' ELSE 'registry_enterprises' END AS registry,
           CASE WHEN r.indicator = 'new_platforms'
                THEN (SELECT count(*) FROM ref.registry_platforms AS g
                      WHERE year(g.recognised_date) > r.baseline_year AND year(g.recognised_date) <= r.year)
                ELSE (SELECT count(*) FROM ref.registry_enterprises AS e
                      WHERE e.designation = r.designation AND year(e.recognised_date) <= r.year
                        AND coalesce(year(e.withdrawn_date) > r.year, true)) END AS count_read,
           CASE WHEN r.indicator = 'new_platforms' THEN 0
                ELSE (SELECT count(*) FROM ref.registry_enterprises AS e
                      WHERE e.designation = r.designation AND year(e.recognised_date) <= r.baseline_year
                        AND coalesce(year(e.withdrawn_date) > r.baseline_year, true)) END AS count_base
    FROM reading AS r
    WHERE r.is_count
), registry_read AS (
    -- a registry without its file is absent (ref.input_versions): its counts cannot be judged
    SELECT g.*, v.version = 'absent' AS registry_absent
    FROM registry AS g LEFT JOIN ref.input_versions AS v ON v.input = g.registry
), figures AS (
    SELECT r.*,
           CASE WHEN ch.years_linked = r.year - r.baseline_year
                THEN power(ch.growth_index, 1.0 / (r.year - r.baseline_year)) - 1 END AS avg_growth,
           ch.first_gap, gap_year.year IS NOT NULL AS gap_year_landed,
           cur.output_value, cur.gdp_share, cur.basis, base.year AS base_landed, base.gdp_share AS base_share,
           g.registry, g.registry_absent, g.count_read, g.count_base
    FROM reading AS r
    LEFT JOIN chain AS ch USING (plan_id, indicator)
    LEFT JOIN a AS gap_year ON gap_year.year = ch.first_gap AND gap_year.measure = r.measure
    LEFT JOIN a AS cur ON cur.year = r.year AND cur.measure = r.measure
    LEFT JOIN a AS base ON base.year = r.baseline_year AND base.measure = r.measure
    LEFT JOIN registry_read AS g USING (plan_id, indicator)
), valued AS (
    SELECT *,
           CASE indicator WHEN 'output_value' THEN output_value WHEN 'gdp_share' THEN gdp_share
                          WHEN 'avg_growth_since_baseline' THEN avg_growth
                          ELSE CASE WHEN year IS NOT NULL AND NOT registry_absent THEN count_read END END AS actual_value,
           -- a count before its target year: the linear path from the baseline year's end (0 platforms new
           -- since it; the enterprises then designated) to the target, read at the year read
           CASE WHEN is_count AND NOT final
                THEN count_base + (target_value - count_base) * (year - baseline_year) / (target_year - baseline_year)
                END AS path_value,
           -- the annual rate of the projection: output at its average growth since the baseline, the GDP
           -- share at its own average change since the baseline year; growth as it is
           CASE indicator WHEN 'output_value' THEN avg_growth
                          WHEN 'gdp_share' THEN power(gdp_share / base_share, 1.0 / (year - baseline_year)) - 1
                          WHEN 'avg_growth_since_baseline' THEN 0 END AS rate,
           -- why a figure is missing, the first missing thing first
           CASE
               WHEN is_count AND registry_absent
                   THEN format('no registry: raw/registry/{} is absent', CASE registry WHEN 'registry_platforms'
                                                                          THEN 'platforms.csv' ELSE 'enterprises.csv' END)
               WHEN year IS NULL AND latest_year > target_year
                   THEN format('target year {} not complete (its December not landed)', target_year)
               WHEN year IS NULL
                   THEN format('no complete year of the plan ({}–{}) yet', baseline_year + 1, target_year)
               WHEN is_count THEN NULL
               WHEN indicator = 'gdp_share' AND gdp_share IS NULL THEN format('no GDP share for {} (GDP missing)', year)
               WHEN first_gap IS NOT NULL AND NOT gap_year_landed
                   THEN format('{} not complete (its December not landed): no growth to chain over {}–{}', first_gap, baseline_year + 1, year)
               WHEN first_gap IS NOT NULL
                   THEN format('no comparable growth for {}: no growth to chain over {}–{}', first_gap, baseline_year + 1, year)
           END AS chain_reason,
           CASE
               WHEN base_landed IS NULL THEN format('baseline year {} not complete (its December not landed)', baseline_year)
               WHEN base_share IS NULL THEN format('no GDP share for the baseline year {} (GDP missing)', baseline_year)
           END AS base_reason
    FROM figures
), judged AS (
    SELECT *,
           CASE WHEN final THEN actual_value
                -- a count goes on along its line from the baseline year's end, not compounded
                WHEN is_count THEN count_base + (actual_value - count_base) * (target_year - baseline_year) / (year - baseline_year)
                ELSE actual_value * power(1 + rate, target_year - year) END AS projected_value,
           round(actual_value, digits) >= threshold - 1e-9 AS reached,
           CASE
               WHEN actual_value IS NULL THEN coalesce(chain_reason, 'no figure')
               WHEN final OR round(actual_value, digits) >= threshold - 1e-9 THEN NULL
               WHEN indicator = 'output_value' AND rate IS NULL THEN chain_reason
               WHEN indicator = 'gdp_share' AND rate IS NULL THEN base_reason
           END AS reason
    FROM valued
)
SELECT plan_id, indicator, label, target_year, target_value, actual_value, unit,
       actual_value - target_value AS gap,
       projected_value,
       make_date(year, 12, 1) AS as_of,
       CASE
           WHEN reason IS NOT NULL THEN 'cannot judge'
           WHEN final THEN CASE WHEN reached THEN 'met' ELSE 'missed' END
           WHEN indicator <> 'avg_growth_since_baseline' AND reached THEN 'met'
           WHEN is_count THEN CASE WHEN actual_value >= path_value - 1e-9 THEN 'on track' ELSE 'behind' END
           WHEN round(projected_value, digits) >= threshold - 1e-9 THEN 'on track'
           ELSE 'behind'
       END AS status,
       final,
       reason,
       CASE
           WHEN reason IS NOT NULL THEN NULL
           WHEN final OR is_count OR (indicator <> 'avg_growth_since_baseline' AND reached) THEN round(actual_value, digits)
           ELSE round(projected_value, digits)
       END AS judged_value,
       comparison,
       tolerance,
       CASE WHEN is_count AND reason IS NULL THEN count_base END AS baseline_value,
       CASE WHEN reason IS NULL THEN path_value END AS path_value,
       CASE WHEN indicator IN ('output_value', 'avg_growth_since_baseline') THEN measure END AS measure,
       CASE WHEN NOT is_count AND reason IS NULL THEN basis END AS basis,
       CASE WHEN indicator IN ('output_value', 'avg_growth_since_baseline')
            THEN CASE measure WHEN 'industry' THEN '按工业总产值考核，不含服务业营业收入 (judged on industrial output; services revenue is not added)'
                              ELSE '按服务业营业收入考核，不含工业总产值 (judged on services revenue; industrial output is not added)' END
            WHEN indicator = 'gdp_share' THEN '增加值含工业与服务业，各按本行业增加值率 (value added of both, each by its own rates)'
       END AS note
FROM judged
ORDER BY target_year, plan_id, indicator;

COMMENT ON VIEW mart.target_progress IS 'Every target of every plan (catalog/targets.yaml): judged on its target year''s figure once that year is complete, before on the latest complete year of the plan: output, growth and share with a compound projection to the target year, the counts of the registries (raw/registry/) against a linear path to it.';
COMMENT ON COLUMN mart.target_progress.plan_id IS 'The plan (ref.plan)';
COMMENT ON COLUMN mart.target_progress.indicator IS 'output_value, avg_growth_since_baseline, gdp_share, or a count: new_platforms (innovation platforms recognised since the baseline year), leading_enterprises or innovative_leaders (enterprises holding the designation at the year''s end)';
COMMENT ON COLUMN mart.target_progress.label IS 'The target in the plan''s words';
COMMENT ON COLUMN mart.target_progress.target_year IS 'Year the target is set for';
COMMENT ON COLUMN mart.target_progress.target_value IS 'Target, in unit';
COMMENT ON COLUMN mart.target_progress.actual_value IS 'Value in as_of''s year, unrounded, in unit: the target year once complete, else the latest complete year of the plan; average growth chained over the plan''s own years (baseline_year+1 … that year); a count at that year''s end (raw/registry/)';
COMMENT ON COLUMN mart.target_progress.unit IS '亿元 for output value; fraction for growth and share; 个 (platforms) or 家 (enterprises) for counts';
COMMENT ON COLUMN mart.target_progress.gap IS 'actual_value − target_value, in unit (negative: short of the target)';
COMMENT ON COLUMN mart.target_progress.projected_value IS 'Projection to the target year: output at its average annual growth since the baseline, the GDP share at its own average annual change since the baseline year (compound); growth as is; a count along the line from baseline_value through actual_value (linear); equal to actual_value once the target year is complete. In unit';
COMMENT ON COLUMN mart.target_progress.as_of IS 'Report period of the figure judged: December (1–12月) of the target year once complete, else of the latest complete year of the plan; NULL when there is none';
COMMENT ON COLUMN mart.target_progress.status IS 'met (judged_value reached the target: at_least ≥ target_value, about ≥ target_value − tolerance; before the target year all but growth), missed (target year complete, not reached), on track / behind (the projection reaches the target or not; a count: actual_value ≥ path_value or not), or cannot judge (see reason)';
COMMENT ON COLUMN mart.target_progress.final IS 'true once the target year is complete: the status is judged on the target year''s own figure and later years do not change it';
COMMENT ON COLUMN mart.target_progress.reason IS 'Why the target cannot be judged (a year or the baseline year missing, a registry absent); NULL otherwise';
COMMENT ON COLUMN mart.target_progress.judged_value IS 'The value the status compared, rounded as documents print it (亿元 to 0.1, fractions to 0.001 = 0.1 percentage point, counts whole): actual_value when final, already met or a count, else projected_value; in unit';
COMMENT ON COLUMN mart.target_progress.comparison IS 'at_least (突破, 达到或超过) or about (左右), from ref.targets';
COMMENT ON COLUMN mart.target_progress.tolerance IS 'How far below target_value an about target is still reached, in unit (ref.targets)';
COMMENT ON COLUMN mart.target_progress.baseline_value IS 'For a count: its value at the end of the baseline year, where its linear path starts (0 for platforms new since the baseline; the enterprises then holding the designation); NULL otherwise or when it cannot be judged. In unit';
COMMENT ON COLUMN mart.target_progress.path_value IS 'For a count before its target year: the linear path from baseline_value at the baseline year to target_value at the target year, read at as_of''s year; on track when actual_value ≥ path_value. NULL otherwise. In unit';
COMMENT ON COLUMN mart.target_progress.measure IS 'For output_value and avg_growth_since_baseline, the measure judged (ref.targets.measure): industry (工业总产值) unless targets.yaml says services (营业收入); NULL otherwise';
COMMENT ON COLUMN mart.target_progress.basis IS 'The figure of record of the year read (mart.indicators_annual.basis): annual_report (年报) or december_quick (1–12月快报); NULL for counts and when the target cannot be judged';
COMMENT ON COLUMN mart.target_progress.note IS 'What the figure judged covers, in Chinese and English: the measure of an output or growth target; the GDP share''s value added of both measures';
