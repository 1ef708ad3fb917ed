"""Thin assets: each calls one library function and reports what it did."""


import warnings

import dagster as dg
import duckdb
import pandera.pandas as pa

from dagster_shared.utils.warnings import BetaWarning

from sei_stats import headline, inputs, relations
from sei_stats import period as periods
from sei_stats.calendar import calendar_in_force
from sei_stats.publish import open_detail, publish, release_time
from sei_stats.roster import roster_codes
from sei_stats.catalog import read_districts, read_products, validate_catalog_unless_passed
from sei_stats.classify import entries_valid_in
from sei_stats.land import catalog_version, land_annual, land_month, stale_annual_years
from sei_stats.read import PathNote, ReturnFileError, scan_annual
from sei_stats.reclassify import reclassify_history
from sei_stats.terminal import markdown_table
from sei_stats.vocabulary import LANDING_BUCKETS
from sei_stats.schemas.returns import accepted_lines_schema

from .partitions import annual_in_partitions, monthly_partitions
from .resources import SeiData

class LandingConfig(dg.Config):
    """lenient: a period folder's subfolders and files that are no return are warnings, not errors."""

    lenient: bool = False


# DuckDB files take one writer at a time: every asset that writes one runs in this pool (limit 1).
DUCKDB_POOL = "sei_duckdb"

PUBLISHED = relations.published_relations()
LINEAGE = relations.lineage()


def _asset_key(relation: str) -> dg.AssetKey:
    return dg.AssetKey(relation.split("."))


def _reference_asset(item: inputs.ReferenceInput) -> dg.SourceAsset:
    """A reference input as an observable source asset: its data version is the content hash of its files."""
    @dg.observable_source_asset(name=item.name, key_prefix=["reference"], group_name="reference",
                                description=f"Reference input: {item.description}.")
    def _observe(sei_data: SeiData) -> dg.DataVersion:
        return dg.DataVersion(item.version(sei_data.paths()))
    return _observe


with warnings.catch_warnings():  # observable source assets are beta in Dagster 1.13; their API is what we use
    warnings.simplefilter("ignore", BetaWarning)
    REFERENCE_ASSETS = [_reference_asset(item) for item in inputs.INPUTS]


def _mart_deps(relation: relations.Relation) -> list:
    """What a published relation is computed from: the landed months, the reference inputs it reads
    (directly or through the fact views), and the published relations it reads."""
    read = LINEAGE[relation.key]
    deps: list = ["monthly_returns", "annual_returns", "reclassified_history"]
    deps += [dg.AssetKey(["reference", i.name]) for i in inputs.INPUTS if f"ref.{i.name}" in read]
    deps += [_asset_key(r.key) for r in PUBLISHED if r.key in relation.reads]
    return deps


@dg.asset(
    group_name="reference",
    kinds={"csv"},
    description="The guidance catalog (data/catalog/), validated by schemas/catalog.py before any month is classified.",
)
def guidance_catalog(context: dg.AssetExecutionContext, sei_data: SeiData) -> dg.MaterializeResult:
    paths = sei_data.paths()
    # A full guidance catalog (with its field table and side tables) passes every rule of schemas/catalog.py;
    # a minimal one (products.csv, targets, districts: the data contract) passes the loader's checks.
    full = (paths.catalog / "fields.csv").exists()
    judged_now = full and validate_catalog_unless_passed(paths.catalog, paths.catalog_passed)
    products = read_products(paths.catalog)
    latest = products["valid_from"].max()
    in_force = entries_valid_in(products, latest)
    return dg.MaterializeResult(metadata={
        "catalog_version": catalog_version(paths.catalog),
        "entries_in_force": len(in_force),
        "entries_by_area": dg.MetadataValue.json(in_force["area"].value_counts().to_dict()),
        "entries_by_kind": dg.MetadataValue.json(in_force["kind"].value_counts().to_dict()),
        "as_of": latest,
        "validation": ("products.csv contract only (minimal catalog)" if not full else "every rule of schemas/catalog.py"
                       + ("" if judged_now else ": passed before, files and code unchanged since")),
    })


# The landing of a month that is no report period (January, unless calendar.january_reported): the metadata key
# of the observation that says why nothing landed.
SKIPPED = "skipped"


@dg.asset(
    partitions_def=monthly_partitions,
    deps=[guidance_catalog, dg.AssetKey(["reference", inputs.ROSTER.name])],  # the roster excuses pilot credit codes
    group_name="returns",
    # No pool: landing writes one Parquet file and no DuckDB file (land.py's DuckDB is in memory), so months land in
    # parallel (pipelines/jobs.py land_months); the publish (warehouse_marts) keeps the DuckDB writers' pool.
    kinds={"pandas", "parquet"},
    description="A month's returns read, validated (pandera), corrected and classified, landed as one Parquet file. "
                "A month that is no report period (January unless calendar.january_reported) lands nothing.",
    output_required=False,  # a month that is no report period materializes nothing: what follows it is skipped
    check_specs=[
        dg.AssetCheckSpec("accepted_lines_match_contract", asset="monthly_returns",
                          description="Every landed accepted line passes the pandera contract of accepted lines."),
        dg.AssetCheckSpec("every_line_in_one_bucket", asset="monthly_returns",
                          description="Every received line is in exactly one bucket, read back from the landed file."),
    ],
)
def monthly_returns(context: dg.AssetExecutionContext, config: LandingConfig, sei_data: SeiData):
    paths = sei_data.paths()
    calendar = calendar_in_force(paths)
    if not calendar.is_reported(context.partition_key):
        yield from _not_a_report_period(context, calendar.not_reported(context.partition_key))
        return
    landed, metadata, checks = land_and_check_month(paths, context.partition_key, lenient=config.lenient)
    context.log.info(f"{landed.period}: {landed.rows_received} lines received, {landed.buckets}")
    yield dg.MaterializeResult(metadata=metadata)
    yield from checks


def land_and_check_month(paths, period: str, *, lenient: bool = False) -> tuple:
    """Land ``period`` and say what monthly_returns reports of it: the LandedMonth, its materialization's metadata and
    its checks' results. The asset and the parallel landing job (pipelines/jobs.py, land_months) report the same."""
    landed = land_month(paths, period, lenient=lenient)
    metadata = {
        "path": dg.MetadataValue.path(str(landed.path)),
        "landing_id": landed.landing_id,
        "reused": landed.reused,  # its inputs unchanged: the current landing kept (sei_stats.land.landing_inputs)
        "notes": dg.MetadataValue.json(landed.notes),
        "files": dg.MetadataValue.json(landed.files),
        "rows_received": landed.rows_received,
        **{f"rows_{bucket}": n for bucket, n in landed.buckets.items()},
        "rows_unclassified": landed.rows_unclassified,
        "rules_failed": dg.MetadataValue.json(landed.rules_failed),
        "catalog_version": landed.catalog_version,
    }
    schema = accepted_lines_schema(set(read_districts(paths.catalog)["code"]),
                                   roster_codes(paths, periods.year(period)))
    checked, error, counts = _judge_landing(landed.path, schema)
    contract = dg.AssetCheckResult(check_name="accepted_lines_match_contract", passed=error is None,
                                   metadata={"rows_checked": checked} | ({"error": error[:2000]} if error else {}))
    buckets = dg.AssetCheckResult(
        check_name="every_line_in_one_bucket",
        passed=sum(counts.values()) == landed.rows_received and set(counts) <= set(LANDING_BUCKETS),
        metadata={"received": landed.rows_received, **counts},
    )
    return landed, metadata, [contract, buckets]


def _judge_landing(path, schema) -> tuple[int, str | None, dict[str, int]]:
    """A landed file's accepted lines checked against ``schema`` (how many; the error, None when they pass) and its
    lines by bucket. Only the accepted lines' contract columns are read, through Arrow: the national month read
    whole with .df() took 17.6 s and 6.2 GB, the peak of its whole materialize; these take 3.9 s and 1.2 GB."""
    with duckdb.connect() as con:
        landed = con.read_parquet(str(path))
        accepted = (landed.filter("status = 'accepted'").select(", ".join(schema.columns))
                    .to_arrow_table().to_pandas())
        counts = {bucket: int(n) for bucket, n in landed.aggregate("status, count(*)", "status").fetchall()}
    try:
        schema.validate(accepted, lazy=True)
        return len(accepted), None, counts
    except pa.errors.SchemaErrors as error:  # reported, not raised, so the check shows why
        return len(accepted), str(error), counts


def _not_a_report_period(context: dg.AssetExecutionContext, why: str):
    """A partition that is no report period: nothing is read or landed, an observation and a log line say why,
    and the checks pass on the nothing landed (rows_checked 0). Nothing materializes, so the run publishes nothing."""
    note = f"{context.partition_key}: {why}; nothing landed"
    context.log.info(note)
    context.log_event(dg.AssetObservation(asset_key=context.asset_key, partition=context.partition_key,
                                          metadata={SKIPPED: note}))
    yield from skipped_checks(note)


def skipped_checks(note: str) -> list:
    """The landing checks of a month that is no report period: passed, on 0 lines, saying why."""
    return [dg.AssetCheckResult(check_name=check, passed=True, metadata={"rows_checked": 0, SKIPPED: note})
            for check in ("accepted_lines_match_contract", "every_line_in_one_bucket")]


class AnnualConfig(dg.Config):
    """years: the annual reports to land (YYYY), each landed anew (its current landing kept when nothing it reads
    changed: sei_stats.land.landing_inputs); none: every year folder of raw/annual/ whose
    files are newer than its current landing (or never landed). lenient: as LandingConfig, and a misnamed entry of
    raw/annual/ is a warning, not an error."""

    years: list[str] = []
    lenient: bool = False


# Not partitioned: the years come with raw/annual/'s folders, which a static partition set would list by hand (and
# a new year would change the graph). The asset lands the years asked (config) or, by default, every year whose
# files changed since its landing, so a run from the UI or the sensor never lands an unchanged report again.
@dg.asset(
    deps=[guidance_catalog, dg.AssetKey(["reference", inputs.ROSTER.name])],  # the roster excuses pilot credit codes
    group_name="returns",
    # No pool: as monthly_returns, it writes Parquet files and no DuckDB file.
    kinds={"pandas", "parquet"},
    description="The annual reports (年报, raw/annual/YYYY/) read, validated, corrected and classified like a month, each "
                "landed as one Parquet file landed/annual/YYYY/<landing id>.parquet (period: the year's December). "
                "By default every year whose files are newer than its landing; config years: exactly those.",
    check_specs=[
        dg.AssetCheckSpec("accepted_lines_match_contract", asset="annual_returns",
                          description="Every landed accepted annual line passes the pandera contract of accepted lines."),
        dg.AssetCheckSpec("every_line_in_one_bucket", asset="annual_returns",
                          description="Every received annual line is in exactly one bucket, read back from the landed file."),
    ],
)
def annual_returns(context: dg.AssetExecutionContext, config: AnnualConfig, sei_data: SeiData):
    paths = sei_data.paths()
    notes: list[str] = []
    if config.years:
        years = sorted({periods.parse_year(y) for y in config.years})
    else:
        scan = scan_annual(paths.annual)
        problems = [*scan.problems, *(PathNote(paths.annual / y, "a year whose December is outside the Dagster partitions, "
                                               "so its annual report cannot be landed") for y in scan.years
                                      if not annual_in_partitions(y))]
        if problems and not config.lenient:
            first, more = problems[0], len(problems) - 1
            raise ReturnFileError(first.path, f"{first.what}" + (f" (and {more} more under {paths.annual})" if more else "")
                                  + "; no annual report is landed (config lenient lands the years and warns of these)")
        notes = [f"warning: {p}" for p in problems] + [str(n) for n in scan.ignored]
        years = sorted(y for y in stale_annual_years(paths) if annual_in_partitions(y))
    landed = {}
    for year in years:  # a year that fails fails the run; the years landed before it stand (nothing is published here)
        landed[year] = land_annual(paths, year, lenient=config.lenient)
        context.log.info(f"annual report {year}: {landed[year].rows_received} lines received, {landed[year].buckets}")
    if not years:
        context.log.info(f"no annual report to land: every year of {paths.annual} is landed as its files stand")
    yield dg.MaterializeResult(metadata=annual_metadata(landed, notes))
    yield from _annual_checks(paths, landed)


def annual_metadata(landed: dict, notes: list[str]) -> dict:
    """The metadata of annual_returns' materialization over the years ``landed`` (year -> LandedMonth); the parallel
    landing job (pipelines/jobs.py) reports a year it lands with the same."""
    return {
        "years_landed": dg.MetadataValue.json(list(landed)),
        "notes": dg.MetadataValue.json(notes),
        "rows_received": sum(item.rows_received for item in landed.values()),
        "landings": dg.MetadataValue.json({year: {
            "path": str(item.path), "landing_id": item.landing_id, "reused": item.reused, "files": item.files,
            "notes": item.notes,
            "rows_received": item.rows_received, **{f"rows_{bucket}": n for bucket, n in item.buckets.items()},
            "rows_unclassified": item.rows_unclassified, "rules_failed": item.rules_failed,
            "catalog_version": item.catalog_version} for year, item in landed.items()}),
    }


def _annual_checks(paths, landed: dict):
    """The landing checks of monthly_returns over every annual report landed by the run (each by its year's roster)."""
    errors, checked, received, counts = [], 0, 0, {}
    bucketed = True
    districts = set(read_districts(paths.catalog)["code"])
    for year, item in landed.items():
        year_checked, error, year_counts = _judge_landing(item.path, accepted_lines_schema(districts, roster_codes(paths, int(year))))
        checked += year_checked
        if error:
            errors.append(f"{year}: {error}")
        bucketed &= sum(year_counts.values()) == item.rows_received and set(year_counts) <= set(LANDING_BUCKETS)
        received += item.rows_received
        for bucket, n in year_counts.items():
            counts[bucket] = counts.get(bucket, 0) + n
    contract = {"rows_checked": checked} | ({"error": "\n".join(errors)[:2000]} if errors else {})
    yield dg.AssetCheckResult(check_name="accepted_lines_match_contract", passed=not errors, metadata=contract)
    yield dg.AssetCheckResult(check_name="every_line_in_one_bucket", passed=bucketed,
                              metadata={"received": received, **counts})


@dg.asset(
    deps=["monthly_returns", guidance_catalog],
    group_name="warehouse",
    kinds={"parquet"},
    description="Every landed month classified again under the catalog in force at the latest month (like-for-like series).",
)
def reclassified_history(context: dg.AssetExecutionContext, sei_data: SeiData) -> dg.MaterializeResult:
    done = reclassify_history(sei_data.paths())
    return dg.MaterializeResult(metadata={
        "as_of": done.as_of, "catalog_version": done.catalog_version,
        "months": len(done.periods), "lines_classified_differently": done.changed_lines,
    })


class PublishConfig(dg.Config):
    """as_of: the release date (YYYY-MM-DD) of a backfill of past months; empty: the figures are released now."""

    as_of: str = ""


@dg.multi_asset(
    # One asset per relation the SQL of sei_stats publishes (mart.*, qa.*), described by its COMMENT.
    specs=[dg.AssetSpec(_asset_key(r.key), description=r.description, deps=_mart_deps(r), group_name="warehouse",
                        kinds={"duckdb"}, metadata={"sql": f"src/sei_stats/sql/{r.file}"})
           for r in PUBLISHED],
    pool=DUCKDB_POOL,
)
def warehouse_marts(context: dg.AssetExecutionContext, config: PublishConfig, sei_data: SeiData):
    """Publish both files (built, verified, then moved into place) and report each published relation."""
    published = publish(sei_data.paths(), released=release_time(config.as_of))
    context.log.info(f"publish {published.publish_id} kept: its inputs are unchanged" if published.kept else
                     f"published {published.publish_id}: {published.path} and {published.detail} "
                     f"over {len(published.periods)} landed months")
    for note in published.notes:
        context.log.warning(note)
    landed = f"{published.periods[0]}..{published.periods[-1]} ({len(published.periods)})"
    with duckdb.connect(str(published.path), read_only=True) as con:
        columns = column_schemas(con)
        for relation in PUBLISHED:
            metadata = {"publish_id": published.publish_id, "landed_periods": landed, "kept": published.kept}
            if relation.key in published.tables:  # a stored mart: small, read back for the preview the UI shows
                mart = con.execute(f"SELECT * FROM {relation.key}").df()
                metadata |= {"warehouse": dg.MetadataValue.path(str(published.path)), "dagster/row_count": len(mart),
                             "dagster/column_schema": columns[relation.key],
                             "preview": dg.MetadataValue.md(markdown_table(
                                 mart.sort_values(mart.columns[0], ascending=False).head(10)))}
            else:  # qa.*: names enterprises, so the UI gets its row count only (counted by the publish)
                metadata |= {"warehouse": dg.MetadataValue.path(str(published.detail)),
                             "dagster/row_count": published.rows[relation.key]}
            yield dg.MaterializeResult(asset_key=_asset_key(relation.key), metadata=metadata)


def column_schemas(con: duckdb.DuckDBPyConnection) -> dict[str, dg.TableSchema]:
    """Each stored mart's columns in the analysts' file (schema.table -> TableSchema), each described by its Chinese
    label (ref.column_labels) and its COMMENT: "工业总产值（亿元） — SEI industrial output …"."""
    rows = con.execute("SELECT c.schema_name || '.' || c.table_name, c.column_name, c.data_type, "
                       "coalesce(l.label, c.column_name), coalesce(c.comment, '') FROM duckdb_columns() c "
                       "LEFT JOIN ref.column_labels l USING (schema_name, table_name, column_name) "
                       "WHERE c.schema_name = 'mart' AND c.database_name = current_database() "
                       "ORDER BY c.schema_name, c.table_name, c.column_index").fetchall()
    columns: dict[str, list[dg.TableColumn]] = {}
    for key, name, data_type, label, comment in rows:
        columns.setdefault(key, []).append(dg.TableColumn(name, data_type, description=f"{label} — {comment}"))
    return {key: dg.TableSchema(columns=cols) for key, cols in columns.items()}


@dg.asset(
    deps=[dg.AssetKey(["mart", name]) for name in ("indicators_annual", "target_progress", "target_path", "output_by_area")],
    group_name="briefing",
    kinds={"matplotlib"},
    description="Briefing charts (PNG 300 dpi and SVG) under output/charts/, with a CJK font.",
)
def briefing_charts(context: dg.AssetExecutionContext, sei_data: SeiData):
    from sei_stats import charts  # matplotlib (2 s) is imported by the assets that draw, not by every run

    paths = sei_data.paths()
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        # A chart is drawn again only when its data, the simulated flag or the drawing code changed.
        rendered = charts.render_charts(con, paths.charts, simulated=paths.simulated)
        table = headline.headline_table(con)
    redrawn = sorted({p.stem for p in rendered.written})
    unchanged = sorted({p.stem for p in rendered.kept})
    context.log.info(f"{len(rendered.paths)} chart files in {paths.charts}: "
                     f"{len(redrawn)} charts redrawn, {len(unchanged)} unchanged")
    return dg.MaterializeResult(metadata={
        "charts": dg.MetadataValue.json([str(p) for p in rendered.paths]),
        "redrawn": dg.MetadataValue.json(redrawn),
        "unchanged": dg.MetadataValue.json(unchanged),
        "summary": f"{len(redrawn)} redrawn, {len(unchanged)} unchanged",
        "headline": dg.MetadataValue.md(markdown_table(table)),
        "simulated": paths.simulated,
    })


class BriefingConfig(dg.Config):
    periods: list[str] = []  # report periods (YYYY-MM); none: the run's partition, else the latest published


def _briefing_periods(context: dg.AssetExecutionContext, config: BriefingConfig, paths) -> list[str]:
    if config.periods:
        return [periods.parse(p) for p in config.periods]
    partition = context.run.tags.get("dagster/partition")  # the monthly job's month
    if partition:
        return [partition]
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        latest = con.execute("SELECT strftime(max(period), '%Y-%m') FROM mart.indicators_monthly").fetchone()[0]
    return [latest] if latest else []


@dg.asset(
    deps=[dg.AssetKey(["mart", name]) for name in ("indicators_monthly", "target_progress", "target_path", "output_by_area",
                                                   "output_by_field", "output_by_district", "output_by_zone",
                                                   "data_quality")],
    group_name="briefing",
    kinds={"docx", "html", "xlsx"},
    description="The monthly briefing (统计快报) of the run's month (else the latest published): Word, HTML and Excel "
                "under output/briefings/YYYY-MM/, with its charts drawn for the page.",
)
def monthly_briefing(context: dg.AssetExecutionContext, config: BriefingConfig, sei_data: SeiData):
    from sei_stats.briefing.build import write_monthly

    paths = sei_data.paths()
    written = {}
    for period in _briefing_periods(context, config, paths):
        written[period] = [str(f) for f in write_monthly(paths, period)]
        context.log.info(f"briefing {period}: {len(written[period])} files in {paths.briefings / period}")
    return dg.MaterializeResult(metadata={
        "periods": dg.MetadataValue.json(sorted(written)),
        "files": dg.MetadataValue.json(written),
        "simulated": paths.simulated,
    })


@dg.asset(
    deps=[dg.AssetKey(["mart", name]) for name in ("data_quality", "rule_results")] + [dg.AssetKey(["qa", "review_queue"])],
    group_name="briefing",
    kinds={"html"},
    description="The monthly data-quality report (internal: enterprise-level) under output/quality/, one HTML file a month.",
)
def quality_reports(context: dg.AssetExecutionContext, sei_data: SeiData):
    from sei_stats import quality_report  # matplotlib, as for the charts

    paths = sei_data.paths()
    with open_detail(paths) as con:  # the report names enterprises: it reads the internal file
        # The marts from the analysts' file of the same publish (stored tables; views in the internal file);
        # a page is rewritten only when what it shows changed.
        rendered = quality_report.render_all_quality_reports(con, paths.quality, simulated=paths.simulated,
                                                             marts=paths.warehouse)
    summary = f"{len(rendered.written)} redrawn, {len(rendered.kept)} unchanged"
    context.log.info(f"{len(rendered.paths)} quality reports in {paths.quality}: {summary}")
    return dg.MaterializeResult(metadata={
        "reports": len(rendered.paths), "redrawn": len(rendered.written), "unchanged": len(rendered.kept),
        "summary": summary,
        "redrawn_periods": dg.MetadataValue.json([p.stem.removeprefix("quality_") for p in rendered.written]),
        "latest": dg.MetadataValue.path(str(rendered.paths[-1])) if rendered.paths else ""})
