"""The coverage report of the guidance catalog (`sei-stats catalog report`).

`coverage_report(catalog_dir)` reads catalog/ and returns plain text, headed in Chinese and
English: entries per area and field, how many link to verified national codes, which products
the plan names are still not covered, which entries are coarse ("other" codes) and may
over-classify, and the series break between the two editions of the national classification.
Every figure is computed from the files; run `schemas.catalog.validate_catalog` first, the report
assumes a valid catalog.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from sei_stats import period as periods
from sei_stats.catalog import AREAS, read_products
from sei_stats.terminal import render_table


def _read(catalog_dir: Path, name: str) -> pd.DataFrame:
    frame = pd.read_csv(Path(catalog_dir) / name, dtype=str, keep_default_na=False, encoding="utf-8")
    return frame.apply(lambda s: s.str.strip())


def _split(cell: str) -> list[str]:
    return [part.strip() for part in str(cell).split("|") if part.strip()]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: list[str], rows: list[list[object]], width: int | None = None) -> list[str]:
    """The lines of an aligned table (sei_stats.terminal): at most ``width`` columns, or one line per row."""
    return render_table(pd.DataFrame(rows, columns=header, dtype=object), width=width).splitlines()


def _month(text: object) -> int | None:
    if text is None or pd.isna(text) or text == "":
        return None
    return periods.index(str(text)[:7])


def _valid_in(products: pd.DataFrame, as_of: str) -> pd.Series:
    month = _month(as_of)
    start = products["valid_from"].map(_month)
    end = products["valid_to"].map(_month)
    return (start <= month) & (end.isna() | (end >= month))


def coarse_reason(code: str, kind: str, name: str) -> str | None:
    """Why an entry may over-classify ('other' / residual codes, whole groups), or None."""
    if "其他" in name or "未列明" in name:
        return "'other' category (名称含 其他/未列明)"
    if kind == "industry":
        if len(code) <= 3:
            return f"whole {'group' if len(code) == 3 else 'division'} (行业{'中类' if len(code) == 3 else '大类'})"
        if code.endswith("9"):
            return "residual class (小类代码以 9 结尾)"
    if kind == "product":
        if any(code[i:i + 2] == "99" for i in range(2, len(code), 2)):
            return "residual product level (产品代码某层为 99)"
        if len(code) < 10:
            return f"product category at {len(code)} digits, not a 10-digit product"
    return None


def coverage_report(catalog_dir: Path, as_of: str | None = None, width: int | None = None) -> str:
    """The catalog's coverage as plain text; `as_of` (YYYY-MM) picks the catalog version, default the latest;
    its tables at most ``width`` columns (None: one line per row)."""
    catalog_dir = Path(catalog_dir)
    products = read_products(catalog_dir)
    fields = _read(catalog_dir, "fields.csv")
    secondary = _read(catalog_dir, "secondary_fields.csv")
    partial = _read(catalog_dir, "nbs_partial.csv")
    plan = _read(catalog_dir, "plan_products.csv")
    editions = _read(catalog_dir, "editions.csv")
    nbs = _read(catalog_dir, "nbs-sei-2018-categories.csv")
    offices = _read(catalog_dir, "offices.csv")
    zones = _read(catalog_dir, "zones.csv")
    enterprises = _read(catalog_dir, "key_enterprises.csv")
    for extra in ("nbs_edition", "nbs_verified", "verified", "source"):
        if extra not in products.columns:
            products[extra] = ""

    if as_of is None:
        as_of = max(products["valid_from"]) if len(products) else "2017-01"
    current = products[_valid_in(products, as_of)]
    nbs_level2 = set(nbs.loc[nbs["level"] == "2", "code"])
    field_of = dict(zip(fields["field_id"], fields["name"]))
    out: list[str] = []

    def heading(zh: str, en: str) -> None:
        out.extend(["", f"{zh} / {en}", "=" * (_width(zh) + len(en) + 3)])

    out.append("战略性新兴产业指导目录覆盖报告 / Guidance catalog coverage report")
    out.append(f"catalog: {catalog_dir}")
    out.append(f"version shown (as of): {as_of}  — entries valid in that month")

    # 1 overview --------------------------------------------------------------------------------
    heading("概况", "Overview")
    kinds = current["kind"].value_counts()
    places = int((fields["kind"] == "place").sum())
    out.append(f"entries in force: {len(current)} (industry {int(kinds.get('industry', 0))}, "
               f"product {int(kinds.get('product', 0))}); rows in all windows: {len(products)}")
    out.append(f"fields: {len(fields)} items of section 三 ({len(fields) - places} product fields, {places} places); "
               f"key fields: {', '.join(fields.loc[fields['key_field'] == 'true', 'name'])}")
    changed = int((offices["successor"] != offices["office"]).sum())
    out.append(f"responsible offices: {len(offices)} ({changed} renamed or merged in the 2018–2019 reform); "
               f"named enterprises and institutions: {len(enterprises)}; zones: {len(zones)}")
    out.append(f"secondary memberships: {len(secondary)}; industries only partly SEI (no industry entry): {len(partial)}")

    # 2 per area and field -------------------------------------------------------------------------
    heading("按领域统计", "Entries per area and field")
    covered = _plan_coverage(plan, current, fields, secondary, partial)
    rows = []
    for area in AREAS:
        for _, f in fields[fields["area"] == area].iterrows():
            mine = current[current["field"] == f["name"]]
            named = covered[covered["field_id"] == f["field_id"]]
            missing = int((named["status"] == "missing").sum())
            rows.append([area, f["name"], "key" if f["key_field"] == "true" else "", f["kind"],
                         int((mine["kind"] == "industry").sum()), int((mine["kind"] == "product").sum()),
                         int((secondary["field"] == f["name"]).sum()), len(named),
                         "" if f["kind"] == "place" else missing])
        in_area = current[current["area"] == area]
        rows.append([area, "(total)", "", "", int((in_area["kind"] == "industry").sum()),
                     int((in_area["kind"] == "product").sum()), "", "", ""])
    out += _table(["area 领域", "field 细分领域", "key", "kind", "industry", "product", "secondary",
                   "named products", "missing"], rows, width)

    # 3 national links ---------------------------------------------------------------------------
    heading("国家标准链接", "Links to national codes")
    level = current["nbs_code"].map(lambda c: len(str(c).split(".")))
    in_table = current["nbs_code"].isin(nbs_level2)
    out.append(f"entries whose own code is confirmed in a public copy (verified): "
               f"{int((current['verified'] == 'true').sum())} of {len(current)}; unverified: "
               f"{int((current['verified'] != 'true').sum())}")
    out.append(f"nbs_code at level 2 and found in the national table: {int(in_table.sum())}; "
               f"level 3 (unverified unless confirmed): {int((level == 3).sum())}; "
               f"other: {int((~in_table & (level != 3)).sum())}")
    out.append(f"entries whose SEI category link itself is confirmed (nbs_verified): "
               f"{int((current['nbs_verified'] == 'true').sum())} of {len(current)}")
    per_nbs = current.groupby("nbs_code").size()
    names = dict(zip(nbs["code"], nbs["name"]))
    out += _table(["nbs_code", "national category 国家分类", "entries"],
                  [[c, names.get(c, "(not in table)"), int(n)] for c, n in per_nbs.items()], width)
    out.append("")
    out.append("editions of the national classification (国家分类版本) over all rows:")
    ed_rows = []
    for _, e in editions.iterrows():
        rows_e = products[products["nbs_edition"] == e["edition"]]
        ed_rows.append([e["edition"], e["name"], f"{e['first_year']}..{e['last_year'] or 'open'}", len(rows_e)])
    out += _table(["edition", "name", "years", "rows"], ed_rows, width)
    if len(editions) > 1:
        out.append("series break (口径变化): figures before and after the switch of edition are classified under "
                   "different national editions; compare them with care (docs/catalog.md).")

    # 4 plan products still missing --------------------------------------------------------------
    heading("规划点名产品覆盖", "Products the plan names")
    status = covered["status"].value_counts()
    out.append(f"named: {len(covered)}; covered by a product entry: {int(status.get('product entry', 0))}; "
               f"by a whole-industry entry: {int(status.get('industry entry', 0))}; "
               f"missing: {int(status.get('missing', 0))}; at places (counted by zone): {int(status.get('place', 0))}")
    missing = covered[covered["status"] == "missing"]
    out.append("")
    out.append("still missing (尚未覆盖) — need 统计用产品分类目录 codes or an industry decision:")
    out += _table(["field 细分领域", "product 产品", "industry", "why"],
                  [[field_of.get(r.field_id, r.field_id), r.product, r.industry_code, r.why]
                   for r in missing.itertuples()], width)
    elsewhere = covered[covered["why"].str.startswith("covered by")]
    if len(elsewhere):
        out.append("")
        out.append("covered by an entry of another field with no secondary membership (check the field):")
        out += _table(["field", "product", "entry", "note"],
                      [[field_of.get(r.field_id, r.field_id), r.product, r.entry, r.why]
                       for r in elsewhere.itertuples()], width)

    # 5 coarse entries ---------------------------------------------------------------------------
    heading("粗口径条目", "Coarse entries that may over-classify")
    coarse = [[r.code, r.kind, r.name, r.field, reason] for r in current.itertuples()
              if (reason := coarse_reason(str(r.code), r.kind, r.name))]
    out += _table(["code", "kind", "name", "field", "why"], coarse, width) if coarse else ["none"]

    # 6 partial industries -----------------------------------------------------------------------
    heading("部分属于战略性新兴产业的行业", "Industries only partly SEI (* mark)")
    marks = partial["mark"].value_counts()
    out.append(f"confirmed * marks: {int(marks.get('confirmed', 0))}; presumed: {int(marks.get('presumed', 0))} — "
               "no industry entry; their SEI products are to be listed as product entries")
    out += _table(["industry", "name", "nbs_code", "mark", "field", "SEI part"],
                  [[r.industry_code, r.industry_name, r.nbs_code, r.mark, field_of.get(r.field_id, r.field_id),
                    r.sei_part] for r in partial.itertuples()], width)
    out.append("")
    return "\n".join(out)


def _plan_coverage(plan: pd.DataFrame, current: pd.DataFrame, fields: pd.DataFrame,
                   secondary: pd.DataFrame, partial: pd.DataFrame) -> pd.DataFrame:
    """Each named product with status (product entry / industry entry / place / missing), entry and why."""
    kind_of = dict(zip(fields["field_id"], fields["kind"]))
    name_of = dict(zip(fields["field_id"], fields["name"]))
    products = current[current["kind"] == "product"]
    industries = current[current["kind"] == "industry"]
    partial_codes = dict(zip(partial["industry_code"], partial["mark"]))
    memberships = {(r.code, r.kind, r.field) for r in secondary.itertuples()}
    result = []
    for r in plan.itertuples():
        field = name_of.get(r.field_id, "")
        codes = [c for c in _split(r.product_codes) if c in set(products["code"])]
        entry, status, why = "", "missing", ""
        if kind_of.get(r.field_id) == "place":
            status, why = "place", "output of the place's enterprises"
        elif codes:
            entry, status = "|".join(codes), "product entry"
        elif r.industry_code:
            match = industries[industries["code"].map(lambda c: str(r.industry_code).startswith(str(c)))]
            if len(match):
                hit = match.iloc[0]
                entry, status = str(hit["code"]), "industry entry"
                if hit["field"] != field and (hit["code"], "industry", field) not in memberships:
                    why = f"covered by {hit['code']} of {hit['field']}"
            elif r.industry_code in partial_codes:
                why = f"industry only partly SEI ({partial_codes[r.industry_code]} * mark): needs product codes"
            else:
                why = "its industry has no entry (not known to be SEI)"
        else:
            why = "no industry class determined"
        result.append({"field_id": r.field_id, "product": r.product, "industry_code": r.industry_code,
                       "entry": entry, "status": status, "why": why})
    return pd.DataFrame(result, columns=["field_id", "product", "industry_code", "entry", "status", "why"])
