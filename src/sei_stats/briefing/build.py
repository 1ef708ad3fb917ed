"""Write a briefing: its document charts, then the same Briefing as .docx, .html and .xlsx, from the published
warehouse (opened read-only: a briefing never blocks a run, and never reads a half-published month)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import duckdb

from ..document_charts import render_document_charts
from ..config import DataPaths
from .. import period as periods
from .. import protection
from ..disclosure import DisclosureError, Rules
from ..processes import replace_with_text
from ..settings import load_settings
from .content import monthly_briefing
from .evaluation import annual_evaluation
from .document import Briefing

log = logging.getLogger(__name__)


class BriefingError(Exception):
    """A briefing cannot be written: no warehouse, or the period is not published."""


def write_monthly(paths: DataPaths, period: str) -> list[Path]:
    """output/briefings/YYYY-MM/: brief-YYYY-MM.docx, .html and .xlsx, and the charts they show (charts/)."""
    period = periods.parse(period)
    return _write(paths, paths.briefings / period, period, lambda con, charts: monthly_briefing(
        con, period, catalog_dir=paths.catalog, charts=charts, simulated=paths.simulated), period=period)


def write_annual(paths: DataPaths, year: int) -> list[Path]:
    """output/briefings/YYYY/: evaluation-YYYY.docx, .html and .xlsx, and the charts they show (charts/)."""
    return _write(paths, paths.briefings / str(year), str(year), lambda con, charts: annual_evaluation(
        con, year, catalog_dir=paths.catalog, charts=charts, simulated=paths.simulated), year=year)


def _write(paths: DataPaths, out: Path, name: str, build, **when) -> list[Path]:
    if not paths.warehouse.exists():
        raise BriefingError(f"no warehouse at {paths.warehouse}: run `sei-stats materialize` first")
    template = paths.brief_template if paths.brief_template.exists() else None
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        key = _content_key(con, paths, name, template)
        kept = _kept_files(out, key)
        if kept is not None:  # written from this very publish, by this code: audited then, nothing to write again
            log.info("briefing %s: kept, the publish and the code are those it was written from", name)
            return kept
        audited = when.get("period") or periods.december(when["year"])
        try:  # the audit first: a document whose tables could reveal one enterprise is never written
            protection.check_release(con, audited, Rules.from_settings(load_settings(data=paths)),
                                     passed=paths.release_audits)
        except DisclosureError as err:
            raise BriefingError(f"{name}: {err}") from err
        except duckdb.CatalogException as err:
            raise BriefingError(f"{name}: the warehouse has no disclosure pattern (mart.disclosure): publish it again "
                                f"(sei-stats materialize --period …) ({err})") from err
        try:
            charts = render_document_charts(con, out / "charts", simulated=paths.simulated, **when)
            briefing: Briefing = build(con, charts)
        except (LookupError, ValueError) as err:
            raise BriefingError(f"{name}: {err}") from err
    # python-docx and openpyxl (1 s to import) only when a briefing is written, not when it is kept
    from .docx_writer import write_docx
    from .html_writer import write_html
    from .xlsx_writer import write_xlsx

    # written apart, then moved into place: a killed run never leaves a half-written document under its name
    building = out / f".{os.getpid()}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    try:
        written = [write_docx(briefing, building / f"{briefing.file_stem}.docx", template),
                   write_html(briefing, building / f"{briefing.file_stem}.html"),
                   write_xlsx(briefing, building / f"{briefing.file_stem}.xlsx")]
        files = [out / f.name for f in written]
        (out / KEY_FILE).unlink(missing_ok=True)  # the files change: their old key goes first
        for done, target in zip(written, files):
            os.replace(done, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    log.info("briefing %s: %s", name, ", ".join(str(f) for f in files))
    files += [f for c in charts for f in (Path(c.png), Path(c.svg))]
    _record_key(out, key, files)
    return files


# out/.briefing.json: the content key of the briefing in ``out`` and its files, written after them.
KEY_FILE = ".briefing.json"


def _content_key(con: duckdb.DuckDBPyConnection, paths: DataPaths, name: str, template: Path | None) -> str:
    """What a briefing is made from: the publish (its id names every figure it reads), the period or year, the
    code, the simulated flag, the settings (the disclosure rules), the Word template and the catalog folder
    (the text names the offices responsible for each key field from it, publish or not)."""
    from ..vintages import code_version

    publish_id = con.execute("SELECT max(publish_id) FROM ref.publish").fetchone()[0]
    parts = [publish_id, name, code_version(), paths.simulated]
    parts += [f.read_bytes() for f in (paths.settings_yaml, template) if f is not None and f.is_file()]
    catalog = sorted(f for f in paths.catalog.rglob("*") if f.is_file()) if paths.catalog.is_dir() else []
    parts += [(f.relative_to(paths.catalog).as_posix(), f.read_bytes()) for f in catalog]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _kept_files(out: Path, key: str) -> list[Path] | None:
    record = out / KEY_FILE
    if not record.is_file():
        return None
    kept = json.loads(record.read_text(encoding="utf-8"))
    files = [out / f for f in kept["files"]]
    return files if kept["key"] == key and all(f.is_file() for f in files) else None


def _record_key(out: Path, key: str, files: list[Path]) -> None:
    replace_with_text(out / KEY_FILE, json.dumps({"key": key, "files": [f.relative_to(out).as_posix() for f in files]}))
