-- The GDP share on every vintage of GDP: a revision of GDP (final 核实, a census revision) shows as a
-- revision of the share, not as growth. Money in 亿元.

CREATE VIEW mart.gdp_share_vintages AS
WITH quarter_ends AS (  -- value added to each landed quarter end (Q4: the year)
    SELECT period, year(period) AS year, month(period) // 3 AS quarter, value_added
    FROM mart.indicators_monthly
    WHERE month(period) IN (3, 6, 9, 12)
), shares AS (
    SELECT q.year, q.quarter, q.period, g.vintage, g.released, g.in_force, q.value_added, g.gdp_ytd,
           q.value_added / g.gdp_ytd AS gdp_share
    FROM quarter_ends AS q
    JOIN ref.gdp AS g ON g.year = q.year AND g.quarter = q.quarter
)
SELECT year, quarter, period, vintage, released, in_force, value_added, gdp_ytd, gdp_share,
       lag(vintage) OVER w                  AS previous_vintage,
       gdp_ytd - lag(gdp_ytd) OVER w        AS gdp_revision,
       gdp_share - lag(gdp_share) OVER w    AS share_revision
FROM shares
WINDOW w AS (PARTITION BY year, quarter ORDER BY released NULLS FIRST)
ORDER BY year, quarter, released NULLS FIRST;

COMMENT ON VIEW mart.gdp_share_vintages IS 'SEI value added / GDP at each landed quarter end (Q4: the year) on every vintage of GDP (ref.gdp), oldest first: the one in force is the share mart.indicators_monthly and mart.indicators_annual publish; the others show what a revision of GDP did to the share. Money in 亿元, shares as fractions.';
COMMENT ON COLUMN mart.gdp_share_vintages.year IS 'Calendar year';
COMMENT ON COLUMN mart.gdp_share_vintages.quarter IS 'Quarter 1–4; figures cumulative from Q1 (4: the year)';
COMMENT ON COLUMN mart.gdp_share_vintages.period IS 'Report period of the quarter end: first day of month 3, 6, 9 or 12';
COMMENT ON COLUMN mart.gdp_share_vintages.vintage IS 'GDP vintage (ref.gdp.vintage, e.g. preliminary, final, census_revised); NULL for the file''s unnamed vintage';
COMMENT ON COLUMN mart.gdp_share_vintages.released IS 'Day the GDP vintage was released; NULL when not given (the earliest)';
COMMENT ON COLUMN mart.gdp_share_vintages.in_force IS 'True for the latest released vintage: the GDP the published gdp_share uses';
COMMENT ON COLUMN mart.gdp_share_vintages.value_added IS 'SEI value added this year to the quarter end, 亿元 (mart.indicators_monthly.value_added: the same on every vintage)';
COMMENT ON COLUMN mart.gdp_share_vintages.gdp_ytd IS 'City GDP cumulative to the quarter end in this vintage, 亿元';
COMMENT ON COLUMN mart.gdp_share_vintages.gdp_share IS 'value_added / gdp_ytd, fraction';
COMMENT ON COLUMN mart.gdp_share_vintages.previous_vintage IS 'The vintage released before this one for the same quarter; NULL for the first';
COMMENT ON COLUMN mart.gdp_share_vintages.gdp_revision IS 'gdp_ytd − the previous vintage''s, 亿元; NULL for the first';
COMMENT ON COLUMN mart.gdp_share_vintages.share_revision IS 'gdp_share − the previous vintage''s: the revision in share points, fraction (0.01 = 1 percentage point); NULL for the first';
