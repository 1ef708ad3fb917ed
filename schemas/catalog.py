"""pandera contracts for the guidance catalog (指导目录) in catalog/ and its side tables.

`validate_catalog(catalog_dir)` checks every file of docs/catalog.md: each row against its own
table (pandera, one named check per rule) and then the rules across rows and files (one primary
entry per code and kind in any month, whole-year windows, editions, the plan's 29 items and six
key fields, the national tables). It raises `CatalogValidationError` listing every failure as
``file: line N: rule: message`` (line 1 is the header); `catalog_failures` returns them as data.

The plan's structure (six areas, the numbered items of section 三, the six key fields of
section 二) is fixed by the plan document 大政办发〔2017〕133号, so it is written here as
constants; everything else is read from the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from sei_stats import period as periods
from sei_stats.vocabulary import AREAS, PRODUCT_COLUMNS, CatalogError

# Section 三 of the plan: (一)…(六) are the six areas in AREAS order, with this many numbered items.
PLAN_ITEMS: dict[str, int] = {"一": 5, "二": 7, "三": 4, "四": 3, "五": 6, "六": 4}
SECTION_AREA = dict(zip(PLAN_ITEMS, AREAS))
# Section 二: the six key fields, in the plan's own spelling.
KEY_FIELDS = ("集成电路", "储能产业", "智能装备", "通用航空", "大数据", "基因检测与干细胞")

FILES = {
    "products": "products.csv",
    "fields": "fields.csv",
    "zones": "zones.csv",
    "offices": "offices.csv",
    "field_offices": "field_offices.csv",
    "key_enterprises": "key_enterprises.csv",
    "secondary": "secondary_fields.csv",
    "partial": "nbs_partial.csv",
    "plan_products": "plan_products.csv",
    "gbt": "gbt4754-2017-classes.csv",
    "editions": "editions.csv",
    "nbs": "nbs-sei-2018-categories.csv",
    "districts": "districts.csv",
}
COLUMNS = {
    "products": (*PRODUCT_COLUMNS, "nbs_edition", "nbs_verified", "source", "verified"),
    "fields": ("field_id", "name", "aliases", "area", "key_field", "kind", "seed_section", "seed_title", "zones", "note"),
    "zones": ("zone_id", "name", "kind", "districts", "parent_zone", "note", "source", "verified"),
    "offices": ("office", "full_name", "kind", "successor", "successor_date", "zone_id", "district_code",
                "source", "verified", "note"),
    "field_offices": ("field_id", "office", "position"),
    "key_enterprises": ("field_id", "name", "role", "position"),
    "secondary": ("code", "kind", "field", "note"),
    "partial": ("industry_code", "industry_name", "nbs_code", "mark", "field_id", "sei_part", "source"),
    "plan_products": ("field_id", "product", "seed_section", "industry_code", "product_codes", "note"),
    "gbt": ("code", "level", "name", "copies"),
    "editions": ("edition", "name", "first_year", "last_year", "note", "source"),
    "nbs": ("code", "level", "name", "parent"),
    "districts": ("code", "name"),
}

BOOL = ("true", "false")
ZONE_KINDS = ("functional-zone", "industrial-base", "programme-site")
OFFICE_KINDS = ("city-department", "zone-committee", "district-government")
ROLES = ("重点企业", "重点机构", "文中点名")
MARKS = ("confirmed", "presumed")

INDUSTRY_CODE = re.compile(r"^\d{3,4}$")  # GB/T 4754-2017 group or class
PRODUCT_CODE = re.compile(r"^\d{2}(\d{2}){0,4}$")  # 统计用产品分类目录: 2 to 10 digits, two a level
NBS_CODE = re.compile(r"^\d\.\d+(\.\d+)?$")  # level 2 (d.d) or level 3 (d.d.d)
MONTH = re.compile(f"^{periods.PATTERN}$")
JANUARY = re.compile(r"^\d{4}-01$")
DECEMBER = re.compile(r"^\d{4}-12$")
SECTION = re.compile(r"^三\(([一二三四五六])\)(\d+)$")
FIELD_ID = re.compile(r"^f\d{3}$")
ZONE_ID = re.compile(r"^[a-z0-9-]+$")


@dataclass(frozen=True)
class Failure:
    """One broken rule: the file, the line (1 = header; None = the file as a whole), the rule, what."""

    file: str
    line: int | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: line {self.line}" if self.line is not None else self.file
        return f"{where}: {self.rule}: {self.message}"


class CatalogValidationError(CatalogError):
    """The catalog breaks at least one rule; `failures` lists them all."""

    def __init__(self, catalog_dir: Path, failures: list[Failure]):
        self.failures = failures
        shown = "\n".join(f"  {f}" for f in failures[:50])
        more = f"\n  … and {len(failures) - 50} more" if len(failures) > 50 else ""
        super().__init__(f"{catalog_dir}: {len(failures)} catalog rule(s) broken:\n{shown}{more}")


def validate_catalog(catalog_dir: Path) -> None:
    """Check every catalog file; raise CatalogValidationError naming file, line and rule of each failure."""
    failures = catalog_failures(catalog_dir)
    if failures:
        raise CatalogValidationError(Path(catalog_dir), failures)


def read_table(catalog_dir: Path, key: str) -> pd.DataFrame:
    """One catalog file as stripped text (codes keep their leading zeros; empty cells are '')."""
    frame = pd.read_csv(Path(catalog_dir) / FILES[key], dtype=str, keep_default_na=False, encoding="utf-8")
    return frame.apply(lambda s: s.str.strip())


def line(index: int) -> int:
    """The file line of a row (the header is line 1)."""
    return int(index) + 2


def split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


# ---------------------------------------------------------------------------------------------
# Per-row rules (pandera)


def _rule(rule: str, message: str, fn, **kwargs) -> Check:
    return Check(fn, element_wise=True, name=rule, error=f"{rule}|{message}", **kwargs)


def _isin(rule: str, allowed, what: str) -> Check:
    allowed = tuple(allowed)
    return _rule(rule, f"{what} is not one of {', '.join(allowed)}", lambda v: v in allowed)


def _match(rule: str, pattern: re.Pattern, what: str, *, optional: bool = False) -> Check:
    return _rule(rule, what, lambda v: (optional and v == "") or bool(pattern.match(v)))


def _required(rule: str = "required") -> Check:
    return _rule(rule, "is empty", lambda v: v != "")


def _text(*checks: Check) -> Column:
    return Column(str, checks=list(checks))


def _schemas(districts: set[str]) -> dict[str, DataFrameSchema]:
    def known_districts(cell: str) -> bool:
        return all(code in districts for code in split(cell))

    return {
        "products": DataFrameSchema({
            "code": _text(_match("code_format", re.compile(r"^\d{2,10}$"), "is not a code of digits")),
            "kind": _text(_isin("kind_allowed", ("product", "industry"), "kind")),
            "name": _text(_required("name_required")),
            "area": _text(_isin("area_allowed", AREAS, "area")),
            "field": _text(_required("field_required")),
            "key_field": _text(_isin("key_field_format", BOOL, "key_field")),
            "nbs_code": _text(_match("nbs_code_format", NBS_CODE, "is not a level-2 (d.d) or level-3 (d.d.d) code")),
            "valid_from": _text(_match("valid_from_january", JANUARY, "does not start a year (YYYY-01)")),
            "valid_to": _text(_match("valid_to_december", DECEMBER, "does not end a year (YYYY-12, or empty = open)",
                                     optional=True)),
            "nbs_edition": _text(_required("nbs_edition_required")),
            "nbs_verified": _text(_isin("nbs_verified_format", BOOL, "nbs_verified")),
            "source": _text(_required("source_required")),
            "verified": _text(_isin("verified_format", BOOL, "verified")),
        }),
        "fields": DataFrameSchema({
            "field_id": _text(_match("field_id_format", FIELD_ID, "is not f + three digits")),
            "name": _text(_required("name_required")),
            "area": _text(_isin("area_allowed", AREAS, "area")),
            "key_field": _text(_isin("key_field_format", BOOL, "key_field")),
            "kind": _text(_isin("field_kind_allowed", ("product", "place"), "kind")),
            "seed_section": _text(_match("seed_section_format", SECTION, "is not 三(一)1 … 三(六)n")),
            "seed_title": _text(_required("seed_title_required")),
        }),
        "zones": DataFrameSchema({
            "zone_id": _text(_match("zone_id_format", ZONE_ID, "is not lowercase letters, digits and -")),
            "name": _text(_required("name_required")),
            "kind": _text(_isin("zone_kind_allowed", ZONE_KINDS, "kind")),
            "districts": _text(_rule("district_in_dalian", "has a code that is not one of Dalian's ten districts",
                                     known_districts)),
            "source": _text(_required("source_required")),
            "verified": _text(_isin("verified_format", BOOL, "verified")),
        }),
        "offices": DataFrameSchema({
            "office": _text(_required("office_required")),
            "kind": _text(_isin("office_kind_allowed", OFFICE_KINDS, "kind")),
            "successor": _text(_required("successor_required")),
            "successor_date": _text(_match("successor_date_format", MONTH, "is not YYYY-MM", optional=True)),
            "district_code": _text(_rule("district_in_dalian", "is not one of Dalian's ten districts",
                                         lambda v: v == "" or v in districts)),
            "source": _text(_required("source_required")),
            "verified": _text(_isin("verified_format", BOOL, "verified")),
        }),
        "field_offices": DataFrameSchema({
            "office": _text(_required("office_required")),
            "position": _text(_match("position_format", re.compile(r"^[1-9]\d*$"), "is not a positive integer")),
        }),
        "key_enterprises": DataFrameSchema({
            "name": _text(_required("name_required")),
            "role": _text(_isin("role_allowed", ROLES, "role")),
            "position": _text(_match("position_format", re.compile(r"^[1-9]\d*$"), "is not a positive integer")),
        }),
        "secondary": DataFrameSchema({
            "kind": _text(_isin("kind_allowed", ("product", "industry"), "kind")),
            "note": _text(_required("note_required")),
        }),
        "partial": DataFrameSchema({
            "industry_code": _text(_match("industry_code_format", re.compile(r"^\d{4}$"), "is not a 4-digit class")),
            "nbs_code": _text(_match("nbs_code_format", re.compile(r"^\d\.\d+$"), "is not a level-2 code (d.d)")),
            "mark": _text(_isin("mark_allowed", MARKS, "mark")),
            "sei_part": _text(_required("sei_part_required")),
            "source": _text(_required("source_required")),
        }),
        "plan_products": DataFrameSchema({
            "product": _text(_required("product_required")),
            "industry_code": _text(_match("industry_code_format", INDUSTRY_CODE, "is not a 3- or 4-digit code",
                                          optional=True)),
        }),
        "gbt": DataFrameSchema({
            "code": _text(_match("code_format", INDUSTRY_CODE, "is not a 3- or 4-digit code")),
            "level": _text(_isin("level_allowed", ("group", "class"), "level")),
            "name": _text(_required("name_required")),
        }),
        "editions": DataFrameSchema({
            "edition": _text(_required("edition_required")),
            "name": _text(_required("name_required")),
            "first_year": _text(_match("year_format", re.compile(r"^\d{4}$"), "is not a year")),
            "last_year": _text(_match("year_format", re.compile(r"^\d{4}$"), "is not a year (or empty = open)",
                                      optional=True)),
        }),
    }


def _pandera_failures(file: str, frame: pd.DataFrame, schema: DataFrameSchema) -> list[Failure]:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        out = []
        for case in err.failure_cases.itertuples():
            rule, _, message = str(case.check).partition("|")
            value = "" if pd.isna(case.failure_case) else str(case.failure_case)
            row = None if pd.isna(case.index) else line(case.index)
            out.append(Failure(file, row, rule, f"{case.column} {value!r} {message}".strip()))
        return out
    return []


# ---------------------------------------------------------------------------------------------
# Rules across rows and files


def catalog_failures(catalog_dir: Path) -> list[Failure]:
    """Every broken rule of the catalog in catalog_dir, in file order."""
    catalog_dir = Path(catalog_dir)
    tables: dict[str, pd.DataFrame] = {}
    failures: list[Failure] = []
    for key, name in FILES.items():
        path = catalog_dir / name
        if not path.exists():
            failures.append(Failure(name, None, "file_present", "the file is missing"))
            continue
        frame = read_table(catalog_dir, key)
        missing = [c for c in COLUMNS[key] if c not in frame.columns]
        if missing:
            failures.append(Failure(name, 1, "columns_present", f"missing columns {', '.join(missing)}"))
            continue
        tables[key] = frame
    if failures:
        return failures  # cross-file rules need every file

    districts = set(tables["districts"]["code"])
    for key, schema in _schemas(districts).items():
        failures += _pandera_failures(FILES[key], tables[key], schema)
    for check in (_fields_rules, _products_rules, _zone_office_rules, _side_rules):
        failures += check(tables)
    return failures


def _duplicates(file: str, frame: pd.DataFrame, columns: list[str], rule: str) -> list[Failure]:
    dup = frame[frame.duplicated(columns, keep="first")]
    return [Failure(file, line(i), rule, f"{'/'.join(columns)} {'/'.join(frame.loc[i, columns])!r} repeats an earlier line")
            for i in dup.index]


def _fields_rules(t: dict[str, pd.DataFrame]) -> list[Failure]:
    f, file = t["fields"], FILES["fields"]
    out = _duplicates(file, f, ["field_id"], "field_id_unique") + _duplicates(file, f, ["name"], "name_unique")
    out += _duplicates(file, f, ["seed_section"], "seed_section_unique")
    owner: dict[str, int] = {}
    for i, row in f.iterrows():
        for spelling in [row["name"], *split(row["aliases"])]:
            if spelling in owner and owner[spelling] != i:
                out.append(Failure(file, line(i), "spelling_unique",
                                   f"{spelling!r} is already a name or alias on line {line(owner[spelling])}"))
            owner.setdefault(spelling, i)
        m = SECTION.match(row["seed_section"])
        if m and row["area"] in AREAS and SECTION_AREA.get(m.group(1)) != row["area"]:
            out.append(Failure(file, line(i), "area_matches_section",
                               f"{row['seed_section']} belongs to {SECTION_AREA[m.group(1)]}, not {row['area']}"))
        zones = split(row["zones"])
        if row["kind"] == "place" and not zones:
            out.append(Failure(file, line(i), "place_has_zone", f"place {row['name']!r} names no zone"))
        for z in zones:
            if z not in set(t["zones"]["zone_id"]):
                out.append(Failure(file, line(i), "zone_known", f"zone {z!r} is not in {FILES['zones']}"))
    present = set(f["seed_section"])
    for section, count in PLAN_ITEMS.items():
        for n in range(1, count + 1):
            item = f"三({section}){n}"
            if item not in present:
                out.append(Failure(file, None, "plan_item_present", f"item {item} of section 三 has no field"))
    for item in sorted(present):
        m = SECTION.match(item)
        if m and not 1 <= int(m.group(2)) <= PLAN_ITEMS[m.group(1)]:
            out.append(Failure(file, line(f.index[f["seed_section"] == item][0]), "plan_item_exists",
                               f"section 三 has no item {item}"))
    spelled = {s: i for i, row in f.iterrows() for s in [row["name"], *split(row["aliases"])]}
    for key in KEY_FIELDS:
        if key not in spelled:
            out.append(Failure(file, None, "key_field_present", f"key field {key!r} (section 二) has no field"))
        elif f.at[spelled[key], "key_field"] != "true":
            out.append(Failure(file, line(spelled[key]), "key_field_flagged", f"key field {key!r} has key_field false"))
    keyed = {spelled[k] for k in KEY_FIELDS if k in spelled}
    for i in f.index[(f["key_field"] == "true") & ~f.index.isin(keyed)]:
        out.append(Failure(file, line(i), "key_field_flagged",
                           f"{f.at[i, 'name']!r} is not one of the six key fields of section 二"))
    return out


def _windows(frame: pd.DataFrame) -> pd.DataFrame:
    """valid_from/valid_to as month numbers (open = far future) for rows whose window parses."""
    def month(text: str, open_value: int) -> int | None:
        if text == "":
            return open_value
        if not MONTH.match(text):
            return None
        return periods.index(text)
    return pd.DataFrame({"start": [month(v, -1) for v in frame["valid_from"]],
                         "end": [month(v, 10**9) for v in frame["valid_to"]]}, index=frame.index)


def _products_rules(t: dict[str, pd.DataFrame]) -> list[Failure]:
    p, file = t["products"], FILES["products"]
    fields = t["fields"].set_index("name")
    nbs = set(t["nbs"]["code"])
    gbt = dict(zip(t["gbt"]["code"], t["gbt"]["name"]))
    editions = t["editions"].set_index("edition")
    partial = set(t["partial"]["industry_code"])
    out: list[Failure] = []
    win = _windows(p)
    for i, row in p.iterrows():
        ln, code, kind = line(i), row["code"], row["kind"]
        if kind == "industry" and not INDUSTRY_CODE.match(code):
            out.append(Failure(file, ln, "code_format", f"industry code {code!r} is not a 3- or 4-digit GB/T 4754-2017 code"))
        if kind == "product" and not PRODUCT_CODE.match(code):
            out.append(Failure(file, ln, "code_format", f"product code {code!r} is not 2 to 10 digits, two a level"))
        if row["field"] and row["field"] not in fields.index:
            out.append(Failure(file, ln, "field_known", f"field {row['field']!r} is not a canonical name in {FILES['fields']}"))
        elif row["field"]:
            fld = fields.loc[row["field"]]
            if fld["kind"] != "product":
                out.append(Failure(file, ln, "field_is_product",
                                   f"{row['field']!r} is a place: its output is its enterprises', it takes no entries"))
            if row["area"] in AREAS and fld["area"] != row["area"]:
                out.append(Failure(file, ln, "area_matches_field", f"field {row['field']!r} is in {fld['area']}, not {row['area']}"))
            if row["key_field"] in BOOL and fld["key_field"] != row["key_field"]:
                out.append(Failure(file, ln, "key_field_matches_field",
                                   f"key_field {row['key_field']} but field {row['field']!r} has {fld['key_field']}"))
        nbs_code = row["nbs_code"]
        if NBS_CODE.match(nbs_code):
            level2 = ".".join(nbs_code.split(".")[:2])
            if level2 not in nbs:
                rule = "nbs_code_in_national_table" if level2 == nbs_code else "nbs_parent_in_national_table"
                out.append(Failure(file, ln, rule, f"{level2!r} is not a level-2 code of {FILES['nbs']}"))
        if win.at[i, "start"] is not None and win.at[i, "end"] is not None and win.at[i, "end"] < win.at[i, "start"]:
            out.append(Failure(file, ln, "window_order", f"valid_to {row['valid_to']} is before valid_from {row['valid_from']}"))
        edition = row["nbs_edition"]
        if edition and edition not in editions.index:
            out.append(Failure(file, ln, "nbs_edition_known", f"edition {edition!r} is not in {FILES['editions']}"))
        elif edition and JANUARY.match(row["valid_from"]):
            first, last = editions.at[edition, "first_year"], editions.at[edition, "last_year"]
            start_year = periods.year(row["valid_from"])
            end_year = periods.year(row["valid_to"]) if DECEMBER.match(row["valid_to"]) else None
            if first.isdigit() and start_year < int(first) or last.isdigit() and (end_year is None or end_year > int(last)):
                out.append(Failure(file, ln, "window_in_edition",
                                   f"window {row['valid_from']}..{row['valid_to'] or 'open'} is not within the years "
                                   f"of edition {edition} ({first}..{last or 'open'})"))
        if kind == "industry" and row["verified"] == "true" and gbt.get(code) != row["name"]:
            what = "is not in" if code not in gbt else f"is named {gbt[code]!r} in"
            out.append(Failure(file, ln, "verified_in_reference", f"verified industry {code} {what} {FILES['gbt']}"))
        if kind == "industry":
            covered = sorted(c for c in partial if c.startswith(code))
            if covered:
                out.append(Failure(file, ln, "partial_industry_not_entry",
                                   f"industry {code} would count all of {', '.join(covered)}, only partly SEI "
                                   f"({FILES['partial']}): list its SEI products instead"))
    # one primary entry per code and kind in any month: windows of the same code and kind never overlap
    for (code, kind), group in p.groupby(["code", "kind"], sort=False):
        rows = [(win.at[i, "start"], win.at[i, "end"], i) for i in group.index
                if win.at[i, "start"] is not None and win.at[i, "end"] is not None]
        rows.sort()
        for (s1, e1, i1), (s2, e2, i2) in zip(rows, rows[1:]):
            if s2 <= e1:
                out.append(Failure(file, line(i2), "one_primary_entry",
                                   f"{kind} {code} overlaps the window on line {line(i1)}: two primary entries in "
                                   f"{p.at[i2, 'valid_from']}"))
    return out


def _zone_office_rules(t: dict[str, pd.DataFrame]) -> list[Failure]:
    z, zf = t["zones"], FILES["zones"]
    out = _duplicates(zf, z, ["zone_id"], "zone_id_unique")
    ids = set(z["zone_id"])
    for i, row in z.iterrows():
        if row["parent_zone"] and row["parent_zone"] not in ids:
            out.append(Failure(zf, line(i), "parent_zone_known", f"parent {row['parent_zone']!r} is not a zone"))
        if row["parent_zone"] == row["zone_id"]:
            out.append(Failure(zf, line(i), "parent_zone_known", "a zone cannot be its own parent"))
        if not split(row["districts"]) and not row["parent_zone"]:
            out.append(Failure(zf, line(i), "zone_located", "names neither districts nor a parent zone"))
    o, of = t["offices"], FILES["offices"]
    out += _duplicates(of, o, ["office"], "office_unique")
    for i, row in o.iterrows():
        if row["zone_id"] and row["zone_id"] not in ids:
            out.append(Failure(of, line(i), "zone_known", f"zone {row['zone_id']!r} is not in {zf}"))
    fo, fof = t["field_offices"], FILES["field_offices"]
    field_ids, offices = set(t["fields"]["field_id"]), set(o["office"])
    out += _duplicates(fof, fo, ["field_id", "office"], "field_office_unique")
    for i, row in fo.iterrows():
        if row["field_id"] not in field_ids:
            out.append(Failure(fof, line(i), "field_known", f"field_id {row['field_id']!r} is not in {FILES['fields']}"))
        if row["office"] and row["office"] not in offices:
            out.append(Failure(fof, line(i), "office_known", f"office {row['office']!r} is not in {of}"))
    for i, row in t["fields"].iterrows():
        if row["field_id"] not in set(fo["field_id"]):
            out.append(Failure(FILES["fields"], line(i), "field_has_office",
                               f"{row['name']!r} has no responsible office in {fof}"))
    return out


def _side_rules(t: dict[str, pd.DataFrame]) -> list[Failure]:
    out: list[Failure] = []
    fields = t["fields"]
    field_ids = set(fields["field_id"])
    by_name = fields.set_index("name")
    p = t["products"]
    gbt = dict(zip(t["gbt"]["code"], t["gbt"]["name"]))
    nbs = set(t["nbs"]["code"])

    ke, kef = t["key_enterprises"], FILES["key_enterprises"]
    out += _duplicates(kef, ke, ["field_id", "name"], "key_enterprise_unique")
    out += [Failure(kef, line(i), "field_known", f"field_id {v!r} is not in {FILES['fields']}")
            for i, v in ke["field_id"].items() if v not in field_ids]

    s, sf = t["secondary"], FILES["secondary"]
    out += _duplicates(sf, s, ["code", "kind", "field"], "secondary_unique")
    for i, row in s.iterrows():
        primary = set(p.loc[(p["code"] == row["code"]) & (p["kind"] == row["kind"]), "field"])
        if not primary:
            out.append(Failure(sf, line(i), "secondary_has_primary",
                               f"{row['kind']} {row['code']} has no primary entry in {FILES['products']}"))
        if row["field"] not in by_name.index:
            out.append(Failure(sf, line(i), "field_known", f"field {row['field']!r} is not a canonical name"))
        elif by_name.at[row["field"], "kind"] != "product":
            out.append(Failure(sf, line(i), "field_is_product", f"{row['field']!r} is a place"))
        if row["field"] in primary:
            out.append(Failure(sf, line(i), "secondary_not_primary",
                               f"{row['field']!r} is already the primary field of {row['kind']} {row['code']}"))

    q, qf = t["partial"], FILES["partial"]
    out += _duplicates(qf, q, ["industry_code"], "industry_code_unique")
    for i, row in q.iterrows():
        if row["industry_code"] not in gbt:
            out.append(Failure(qf, line(i), "industry_in_reference", f"{row['industry_code']!r} is not in {FILES['gbt']}"))
        elif gbt[row["industry_code"]] != row["industry_name"]:
            out.append(Failure(qf, line(i), "industry_in_reference",
                               f"{row['industry_code']} is named {gbt[row['industry_code']]!r} in {FILES['gbt']}"))
        if re.match(r"^\d\.\d+$", row["nbs_code"]) and row["nbs_code"] not in nbs:
            out.append(Failure(qf, line(i), "nbs_code_in_national_table", f"{row['nbs_code']!r} is not in {FILES['nbs']}"))
        if row["field_id"] not in field_ids:
            out.append(Failure(qf, line(i), "field_known", f"field_id {row['field_id']!r} is not in {FILES['fields']}"))

    pp, ppf = t["plan_products"], FILES["plan_products"]
    out += _duplicates(ppf, pp, ["field_id", "product"], "plan_product_unique")
    sections = dict(zip(fields["field_id"], fields["seed_section"]))
    products = set(p.loc[p["kind"] == "product", "code"])
    for i, row in pp.iterrows():
        if row["field_id"] not in field_ids:
            out.append(Failure(ppf, line(i), "field_known", f"field_id {row['field_id']!r} is not in {FILES['fields']}"))
        elif sections[row["field_id"]] != row["seed_section"]:
            out.append(Failure(ppf, line(i), "seed_section_matches_field",
                               f"{row['seed_section']} is not the item of {row['field_id']} ({sections[row['field_id']]})"))
        if row["industry_code"] and row["industry_code"] not in gbt:
            out.append(Failure(ppf, line(i), "industry_in_reference", f"{row['industry_code']!r} is not in {FILES['gbt']}"))
        for code in split(row["product_codes"]):
            if code not in products:
                out.append(Failure(ppf, line(i), "product_code_known",
                                   f"product code {code!r} has no product entry in {FILES['products']}"))

    g, gf = t["gbt"], FILES["gbt"]
    out += _duplicates(gf, g, ["code"], "code_unique")
    for i, row in g.iterrows():
        if INDUSTRY_CODE.match(row["code"]) and row["level"] != ("group" if len(row["code"]) == 3 else "class"):
            out.append(Failure(gf, line(i), "level_matches_code", f"{row['code']} is not a {row['level']}"))

    e, ef = t["editions"], FILES["editions"]
    out += _duplicates(ef, e, ["edition"], "edition_unique")
    spans = []
    for i, row in e.iterrows():
        if row["first_year"].isdigit():
            last = int(row["last_year"]) if row["last_year"].isdigit() else 9999
            if last < int(row["first_year"]):
                out.append(Failure(ef, line(i), "year_order", "last_year is before first_year"))
            spans.append((int(row["first_year"]), last, i))
    spans.sort()
    for (_, l1, i1), (f2, _, i2) in zip(spans, spans[1:]):
        if f2 <= l1:
            out.append(Failure(ef, line(i2), "editions_not_overlapping", f"overlaps the edition on line {line(i1)}"))
    return out
