"""The words every part of sei-stats shares: buckets, severities, rule levels, review decisions.

Each is a code with its Chinese label, in its one home. Published as ref.* tables, so the marts,
the reports and the terminal use the same words. Part of the shared core: imports nothing else
of sei_stats, so the contracts in schemas/ may use it.
"""

from __future__ import annotations

# Where every received line ends, exactly one each (docs/data-contract.md).
ACCEPTED, REJECTED, SUPERSEDED = "accepted", "rejected", "superseded"
DUPLICATE, NOT_A_RETURN, HELD = "duplicate", "not_a_return", "held"
OUT_OF_SCOPE = "out_of_scope"
BUCKET_LABELS = {
    ACCEPTED: "接受",
    REJECTED: "剔除",
    SUPERSEDED: "被更正替代",
    DUPLICATE: "重复行",
    NOT_A_RETURN: "非报表行",
    HELD: "待审暂缓",
    OUT_OF_SCOPE: "不在调查范围",
}
BUCKETS = tuple(BUCKET_LABELS)
# The buckets landing gives; out_of_scope is decided at publish, by the survey frame.
LANDING_BUCKETS = tuple(b for b in BUCKETS if b != OUT_OF_SCOPE)

# What a failing line becomes (schemas/rules.yaml: severity).
SEVERITY_LABELS = {
    "reject": "剔除",
    "hold": "暂缓待审",
    "warn": "警示",
    NOT_A_RETURN: "非报表行",
    DUPLICATE: "重复行",
}
SEVERITIES = tuple(SEVERITY_LABELS)

# What a rule confronts (after Statistics Netherlands' validate).
LEVEL_LABELS = {
    "field": "字段",
    "record": "记录",
    "cross-record": "跨记录",
    "cross-period": "跨期",
    "cross-source": "跨来源",
}
LEVELS = tuple(LEVEL_LABELS)

# Where a rule runs: at landing (pandera, python), over the landed months (sql), or in the per-year
# step that imputes over the survey frame (frame: sei_stats.scope).
ENGINES = ("pandera", "python", "sql", "frame")

# Where the prior (上年同期) a line's growth is computed on comes from (docs/data-contract.md, growth).
PRIOR_SOURCE_LABELS = {
    "reported": "企业填报",
    "last_year_return": "上年同期报表",
    "last_year_annual": "上年年报",
    "new_unit": "新增单位(上年同期为0)",
    "new_product": "新增产品(上年同期为0)",
    "stratum_growth": "按层增速推算",
    "not_available": "无上年同期资料",
}
PRIOR_SOURCES = tuple(PRIOR_SOURCE_LABELS)

# How a unit of the survey frame entered it.
FRAME_SOURCE_LABELS = {
    "roster": "调查单位名录",
    "not_on_roster": "名录外报送单位",
    "derived": "由报表推定(无名录)",
}
FRAME_SOURCES = tuple(FRAME_SOURCE_LABELS)

# A reviewer's decision on a hold or warn finding (raw/reviews/).
DECISION_LABELS = {"accept": "接受", "reject": "剔除", "correct": "更正"}
DECISIONS = tuple(DECISION_LABELS)

# What a line's output_ytd measures, set by its unit's industry (the survey frame's) for the year: in GB/T
# 4754-2017 divisions 06–46 工业总产值 (industrial output), in 51–97 营业收入 (services revenue). The two are
# different measures, published side by side and never added. Divisions 01–05 (agriculture) and 47–50
# (construction) are neither: the guidance catalog has no SEI entry there, so their lines are unclassified.
MEASURE_LABELS = {"industry": "工业总产值", "services": "营业收入"}
MEASURES = tuple(MEASURE_LABELS)
MEASURE_DIVISIONS = {"industry": ("06", "46"), "services": ("51", "97")}  # first and last division, inclusive


def measure_of(industry_code: object) -> str | None:
    """The measure a line of a unit in this GB/T 4754 industry reports (None for divisions 01–05 and 47–50)."""
    division = str(industry_code or "")[:2]
    if len(division) != 2 or not division.isdigit():
        return None
    return next((m for m, (first, last) in MEASURE_DIVISIONS.items() if first <= division <= last), None)


# The plan's six areas, in its own words and order (section 三).
AREAS = ("新一代信息技术", "高端装备与新材料", "新能源与新能源汽车", "生物健康", "节能环保", "文化创意")

# The registries of the plan's other targets (raw/registry/): the level an innovation platform was
# recognised at, and the designations an enterprise may hold (section 一: 龙头企业30家, 创新型领军企业100家).
PLATFORM_LEVEL_LABELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
PLATFORM_LEVELS = tuple(PLATFORM_LEVEL_LABELS)
DESIGNATION_LABELS = {"leading": "龙头企业", "innovative_leader": "创新型领军企业"}
DESIGNATIONS = tuple(DESIGNATION_LABELS)

# The columns every guidance catalog (catalog/products.csv) has.
PRODUCT_COLUMNS = ("code", "kind", "name", "area", "field", "key_field", "nbs_code", "valid_from", "valid_to")


class CatalogError(ValueError):
    """Reference data in catalog/ that breaks its contract."""


# Every vocabulary as (name, codes with labels, what it means): published as ref.<name>.
VOCABULARIES = {
    "buckets": (BUCKET_LABELS, "Where a received line ends, exactly one each"),
    "severities": (SEVERITY_LABELS, "What a line failing a rule becomes"),
    "levels": (LEVEL_LABELS, "What a rule confronts: a field, a record, records, periods or sources"),
    "decisions": (DECISION_LABELS, "A reviewer's decision on a hold or warn finding"),
    "prior_sources": (PRIOR_SOURCE_LABELS, "Where the prior (上年同期) a line's growth is computed on comes from"),
    "frame_sources": (FRAME_SOURCE_LABELS, "How a unit entered the year's survey frame (名录库)"),
    "platform_levels": (PLATFORM_LEVEL_LABELS, "The level an innovation platform was recognised at (raw/registry/platforms.csv)"),
    "designations": (DESIGNATION_LABELS, "A designation an enterprise holds (raw/registry/enterprises.csv)"),
    "measures": (MEASURE_LABELS, "What a line's output_ytd measures, by its unit's industry division (MEASURE_DIVISIONS)"),
}
