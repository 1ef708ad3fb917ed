"""The demo city: seeded, Dalian-like monthly SEI returns, roster, GDP and value-added rates (模拟数据).

``generate`` writes ``raw/returns/YYYY-MM/*.csv|*.xlsx``, ``raw/roster/YYYY.csv``, ``raw/gdp.csv``,
``raw/va_rates.csv`` and ``raw/SIMULATED.txt`` into a data directory whose ``catalog/`` it reads.
Everything except gdp.csv (the city's published GDP) is simulated. The same seed writes the same
CSV bytes.

The returns follow docs/data-contract.md and deliberately exercise it: mixed encodings and header
languages, an .xlsx file now and then, a few bad lines (one reject fault each), one corrected
resubmission, and the data-quality faults of schemas/rules.yaml at known rates (FAULTS: total and
repeated header rows, duplicates, unit errors, cross-period slips, growth outliers, pilot credit
codes) plus non-response of roster enterprises. No line carries two faults; DemoSummary counts them.
Fault magnitudes follow the thresholds of config/quality.yaml.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sei_stats.catalog import AREAS, read_districts, read_products
from sei_stats.config import REPO_ROOT, DataPaths
from sei_stats.credit_code import CHARSET, check_character

# --- the city's published figures and the calibration targets -------------------------------

# Dalian's published annual GDP, 亿元 (after the 2016 and 2019 revisions).
PUBLISHED_GDP = {2016: 6810.2, 2017: 7363.9, 2018: 7668.5, 2019: 7001.7, 2020: 7030.4}
# Cumulative share of the year's GDP reached by the end of Q1..Q4.
GDP_QUARTER_SHARE = (0.22, 0.47, 0.73, 1.00)

ANCHOR_YEAR = 2017
SEI_OUTPUT_ANCHOR = (2950e5, 3050e5)  # 千元: SEI output in December of 2017, about 3000亿元
SEI_GROWTH = (0.105, 0.12)  # total SEI output growth a year (comparable growth runs about a point lower)
VA_RATE_MEAN = 0.272  # output-weighted mean value-added rate of SEI lines: GDP share ≈ 11% (2017) → 16% (2020)
NON_SEI_SHARE = 0.08  # enterprises on the form whose lines the catalog does not classify
BAD_LINE_RATE = 0.003
BORN_SHARE, DEATH_SHARE, DECIMAL_SHARE = 0.10, 0.03, 0.12
NEW_PRODUCT_SHARE = 0.15
PRIOR_NOISE_SHARE = 0.08
PRIOR_NOISE_SD, PRIOR_NOISE_CAP = 0.015, 0.045  # reporting noise of a prior: ±1.5%, never beyond ±4.5%
PRIOR_NOISE_FLOOR = 50  # 千元: smaller priors carry no noise (rounding to whole 千元 is noise enough)

# Monthly shares of a year's output: January and February are small (Spring Festival), December
# is large (year-end push). Sums to 1.
SEASON = np.array([0.066, 0.058, 0.085, 0.083, 0.085, 0.088, 0.082, 0.083, 0.088, 0.084, 0.088, 0.110])

# --- the city's shape ------------------------------------------------------------------------

# Weight of each district in the enterprise count: 金州区 (incl. 开发区), 甘井子区 and 沙河口区
# (高新区) dominate; the island county 长海县 has few industrial enterprises.
DISTRICT_WEIGHTS = {
    "210213": 0.24, "210211": 0.19, "210204": 0.15, "210202": 0.06, "210203": 0.05,
    "210212": 0.08, "210214": 0.07, "210224": 0.01, "210281": 0.09, "210283": 0.06,
}
AREA_WEIGHTS = {
    "高端装备与新材料": 0.33, "新一代信息技术": 0.21, "新能源与新能源汽车": 0.10,
    "生物健康": 0.14, "节能环保": 0.14, "文化创意": 0.08,
}
# The few giants: (area, name keywords tried in order, district, share of 2017 SEI output, name).
GIANTS = (
    ("新一代信息技术", ("集成电路制造", "集成电路"), "210213", 0.10, "英芯集成电路（大连）有限公司"),
    ("新能源与新能源汽车", ("整车", "汽车"), "210213", 0.03, "大连远航新能源汽车有限公司"),
    ("新能源与新能源汽车", ("电池",), "210213", 0.02, "大连恒能动力电池有限公司"),
    ("高端装备与新材料", ("机器人",), "210211", 0.02, "大连智擎机器人股份有限公司"),
    ("生物健康", ("药",), "210204", 0.015, "大连康源生物制药股份有限公司"),
    ("高端装备与新材料", ("飞机", "航空"), "210212", 0.012, "大连北辰航空装备有限公司"),
)
# GB/T 4754-2017 manufacturing classes of each area, for product-catalog enterprises whose product
# code does not start with a class.
AREA_CLASSES = {
    "新一代信息技术": ("3911", "3921", "3976", "3982"),
    "高端装备与新材料": ("3421", "3720", "3737", "3240"),
    "新能源与新能源汽车": ("3415", "3825", "3670"),
    "生物健康": ("2710", "2770", "3589"),
    "节能环保": ("3411", "3463", "3591"),
    "文化创意": ("2319", "2462"),
}
# Industries on the form that are not SEI, with their products.
NON_SEI_CLASSES = {
    "1713": ("棉印染布", "印染加工"), "3311": ("钢结构件", "金属结构件"), "2438": ("金银饰品", "珠宝首饰"),
    "3130": ("热轧钢材", "冷轧钢板"), "1331": ("豆油", "花生油"), "2511": ("汽油", "柴油", "航空煤油"),
    "3360": ("电镀加工", "热处理加工"), "2231": ("瓦楞纸板", "纸箱"), "3021": ("混凝土预制件", "水泥管"),
    "1952": ("皮鞋", "皮靴"),
}
# Product names for an industry entry of the catalog: (keywords all in the entry's name, names),
# the first match wins, so specific keywords come before general ones.
PRODUCT_LEXICON = (
    (("集成电路", "设计"), ("集成电路设计服务", "芯片设计服务", "IP核授权服务")),
    (("集成电路",), ("集成电路晶圆", "存储芯片", "集成电路封装测试", "功率半导体器件")),
    (("半导体", "设备"), ("刻蚀设备", "晶圆清洗设备", "半导体检测设备")),
    (("基础软件",), ("操作系统软件", "数据库软件", "中间件")),
    (("支撑软件",), ("开发工具软件", "测试工具软件", "软件开发平台")),
    (("软件",), ("应用软件", "工业控制软件", "嵌入式软件", "软件定制开发服务")),
    (("数据",), ("互联网数据服务", "数据中心托管服务", "云计算服务", "数据处理服务")),
    (("信息处理",), ("信息处理服务", "数据存储服务", "容灾备份服务")),
    (("物联网",), ("物联网系统集成服务", "物联网平台服务", "物联网运维服务")),
    (("传感器",), ("压力传感器", "温度传感器", "MEMS传感器")),
    (("可穿戴",), ("智能手表", "智能手环", "智能眼镜")),
    (("车载",), ("车载智能终端", "车载导航设备", "行车记录仪")),
    (("无人飞行器",), ("工业级无人机", "消费级无人机")),
    (("服务消费", "机器人"), ("服务机器人", "教育机器人", "清洁机器人")),
    (("智能消费",), ("智能家居设备", "智能音箱")),
    (("特殊作业", "机器人"), ("水下机器人", "巡检机器人", "消防机器人")),
    (("机器人",), ("工业机器人", "焊接机器人", "搬运机器人", "机器人控制系统")),
    (("增材",), ("金属3D打印设备", "增材制造装备", "3D打印服务")),
    (("航空航天器修理",), ("飞机维修服务", "航空发动机维修服务")),
    (("飞机",), ("通用飞机", "无人机", "飞机结构件")),
    (("航空", "设备"), ("航空零部件", "机载设备", "航空地面设备")),
    (("航空", "服务"), ("通用航空作业服务", "航空器租赁服务", "飞行培训服务")),
    (("海洋工程",), ("海洋平台", "海工辅助船", "海洋工程模块")),
    (("钻探",), ("深海钻井设备", "水下采油树", "钻探设备配件")),
    (("高铁",), ("高铁转向架", "高铁制动装置", "高铁车辆配件")),
    (("轨道交通",), ("地铁车辆", "城轨车辆配件", "轨道交通信号设备")),
    (("电子专用材料",), ("电子化学品", "半导体材料", "溅射靶材")),
    (("陶瓷",), ("结构陶瓷", "电子陶瓷", "陶瓷基板")),
    (("锂",), ("锂离子动力电池", "储能锂电池", "锂电池模组")),
    (("电池",), ("液流电池", "燃料电池", "电池管理系统")),
    (("风能",), ("风力发电机组", "风电叶片", "风电齿轮箱")),
    (("风力发电",), ("风电上网电量",)),
    (("核力发电",), ("核电上网电量",)),
    (("整车",), ("纯电动乘用车", "纯电动客车", "插电式混合动力汽车")),
    (("环境保护", "设备"), ("污水处理设备", "除尘设备", "脱硫脱硝设备", "固废处理设备")),
    (("监测", "仪器"), ("水质在线监测仪", "烟气在线监测系统", "环境空气监测仪")),
    (("药剂",), ("水处理剂", "脱硝催化剂", "絮凝剂")),
    (("水污染",), ("污水治理服务", "水环境综合治理服务")),
    (("大气",), ("烟气治理服务", "VOCs治理服务")),
    (("固体废物",), ("固废处置服务", "垃圾焚烧处理服务")),
    (("危险废物",), ("危险废物处置服务", "医疗废物处置服务", "废矿物油再生")),
    (("土壤",), ("土壤修复服务", "场地调查评估服务")),
    (("环境保护监测",), ("环境监测服务", "污染源检测服务")),
    (("污水处理",), ("污水处理服务", "再生水")),
    (("海水淡化",), ("淡化海水", "浓盐水综合利用")),
    (("金属废料",), ("废钢加工", "废有色金属回收", "报废汽车拆解")),
    (("非金属", "废"), ("废塑料再生颗粒", "废橡胶再生料", "废玻璃再生料")),
    (("基因",), ("重组蛋白药物", "疫苗", "单克隆抗体")),
    (("生物药品",), ("生物制剂", "血液制品", "诊断试剂")),
    (("生物技术",), ("基因检测服务", "干细胞储存服务", "生物技术咨询")),
    (("医疗",), ("医学影像设备", "监护仪", "体外诊断设备", "放射治疗设备")),
    (("动漫",), ("动漫制作服务", "网络游戏", "数字内容服务")),
    (("游戏",), ("网络游戏", "手机游戏运营")),
    (("数字出版",), ("数字出版物", "电子书", "数字期刊")),
    (("数字内容",), ("数字内容制作服务", "虚拟现实内容")),
    (("工业设计",), ("工业设计服务", "产品外观设计", "设计咨询服务")),
    (("专业设计",), ("平面设计服务", "展览设计服务", "装饰设计服务")),
)
NAME_CHARS = "华恒瑞鑫海远泰达盛宏兴德通信嘉明星辰锐航凯睿博创联港滨融益丰源汇晟昊腾跃诚元正东北金光龙舜禹天宇新洋"
NAME_TRADES = {
    "新一代信息技术": ("科技", "电子", "信息技术", "软件", "数据科技", "微电子"),
    "高端装备与新材料": ("机械", "装备", "智能装备", "精密机械", "新材料", "重工"),
    "新能源与新能源汽车": ("新能源", "动力科技", "储能科技", "汽车科技", "电源"),
    "生物健康": ("生物科技", "医药", "制药", "医疗器械", "健康科技"),
    "节能环保": ("环保科技", "环境工程", "节能科技", "资源再生"),
    "文化创意": ("文化传媒", "创意设计", "动漫", "数字科技"),
    None: ("实业", "工贸", "制造", "工业"),
}
# District codes of neighbouring cities (and 普兰店's code before 2015), for bad lines.
NOT_DALIAN = ("210102", "210282", "210302", "211002")
NOT_NUMBERS = ("abc", "不详", "12.3456")

# --- the form ------------------------------------------------------------------------------

COLUMNS = ("period", "credit_code", "enterprise_name", "district_code", "industry_code",
           "product_code", "product_name", "output_ytd", "output_ytd_prior")
CHINESE = {
    "period": "报告期", "credit_code": "统一社会信用代码", "enterprise_name": "单位详细名称",
    "district_code": "行政区划代码", "industry_code": "行业代码", "product_code": "产品代码",
    "product_name": "产品名称", "output_ytd": "本年累计产值", "output_ytd_prior": "上年同期累计产值",
}
# The column order some offices' software exports (the contract lets order vary).
ALT_ORDER = ("credit_code", "enterprise_name", "period", "district_code", "industry_code",
             "product_code", "product_name", "output_ytd_prior", "output_ytd")
RULES = ("credit_code_check", "district_in_dalian", "output_ytd_non_negative", "output_ytd_numeric",
         "output_ytd_missing", "required", "period_matches_folder")
CORRECTION_STEM = "99_更正"
CORRECTION_PERIOD = "2019-06"

# --- data-quality faults and non-response ---------------------------------------------------

QUALITY_YAML = REPO_ROOT / "config" / "quality.yaml"
# The data-quality rules of schemas/rules.yaml the demo plants, keys of DemoSummary.faults.
FAULTS = ("total_row", "repeated_header", "exact_duplicate", "conflicting_duplicate", "unit_error_suspected",
          "ytd_below_previous_month", "prior_differs_from_last_year", "growth_outlier", "credit_code_check_roster")
TOTAL_NAMES = ("合计", "小计")  # enterprise_name of a total row; 小计 on about a quarter of them
TOTAL_ROW_FILE_SHARE = 0.15  # regular files that end with a total row
PAGED_FILE_SHARE = 0.10  # regular files exported page by page, the header repeated at every page
PAGE_SIZES = (50, 100, 200)  # data rows per page of a paged export
EXACT_DUPLICATE_RATE = 0.0005  # extra identical copies, per line
CONFLICTING_DUPLICATE_RATE = 0.0002  # second lines with another value (two lines each), per line
UNIT_ERROR_RATE = 0.0002  # enterprise-months in 元 instead of 千元, per line
UNIT_FACTOR = 1000  # 元 entered as 千元
YTD_BELOW_RATE = 0.0004  # lines below their own previous month, per line
YTD_BELOW_DROP = (0.05, 0.20)  # … by this much
PRIOR_DIFFERS_RATE = 0.0006  # lines whose prior is not what they reported a year earlier, per line
GROWTH_OUTLIER_RATE = 0.0001  # big new contracts, per line; each lifts a line from its month to December
PILOT_CODE_SHARE = 0.003  # roster enterprises whose 2015 pilot code fails the check character
NONRESPONSE_RATE = 0.02  # roster enterprise-months without a return
MIN_COMPARED = 100  # 千元: cross-period faults are planted on values at least this large (rounding stays noise)


@dataclass(frozen=True)
class DemoSummary:
    """What generate() wrote: the city's size, months, line counts, bad lines, the correction and the faults.

    ``lines_written`` counts every row below a file's header (total rows and repeated headers too).
    ``bad_lines`` counts the lines each reject rule (RULES) finds. ``faults`` counts, for each
    data-quality rule (FAULTS), the lines it finds: for exact_duplicate the extra copies (the first
    line counts), for conflicting_duplicate both lines. ``nonresponse`` maps every month 'YYYY-MM' to
    the number of roster enterprises (raw/roster/YYYY.csv) without a return that month.
    """

    n_enterprises: int
    months: list[str]
    lines_written: int
    bad_lines: dict[str, int]
    correction: dict[str, object]
    files_by_encoding: dict[str, int]
    faults: dict[str, int]
    nonresponse: dict[str, int]


def generate(data_dir: Path, *, seed: int = 20171109, n_enterprises: int = 2000,
             start: str = "2017-01", end: str = "2020-12") -> DemoSummary:
    """Write the demo city's returns, GDP, value-added rates and SIMULATED marker into data_dir/raw/."""
    paths = DataPaths(Path(data_dir))
    months = _months(start, end)
    years = list(range(int(start[:4]) - 1, int(end[:4]) + 1))
    missing = [y for y in years if y not in PUBLISHED_GDP]
    if missing:
        raise ValueError(f"no published GDP for {missing}: the demo city covers {min(PUBLISHED_GDP) + 1}-{max(PUBLISHED_GDP)}")
    quality = read_quality(QUALITY_YAML)
    # The first six streams are the city's as before; the others draw the roster and the faults.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(11)]
    catalog = read_products(paths.catalog)
    entries = _drawable_entries(catalog, months)
    districts = read_districts(paths.catalog)
    enterprises = _enterprises(streams[0], entries, catalog, districts, n_enterprises, years)
    enterprises = _roster_details(streams[6], enterprises, paths.catalog)
    lines = _product_lines(streams[1], enterprises, entries, catalog, years)
    sei = _sei_in_december(catalog, enterprises, lines, years, months)
    annual = _annual_output(streams[2], enterprises, lines, years, sei)
    absent = _nonresponse(streams[7], enterprises, months, quality)
    rows = _good_rows(streams[3], streams[8], enterprises, lines, annual, sei, years, months, districts, absent, quality)
    rows = _add_line_faults(streams[9], rows, lines, months, quality)
    rows, correction = _add_correction(streams[4], rows, months)
    rows, bad_lines = _add_bad_lines(streams[5], rows, months, set(districts["code"]))
    tags = Counter(rows["tag"])
    paths.raw.mkdir(parents=True, exist_ok=True)
    files_by_encoding, not_returns = _write_returns(paths.returns, rows, months, streams[10])
    _write_roster(paths.raw / "roster", enterprises, years[1:])
    _write_gdp(paths.gdp_csv, years)
    _write_va_rates(paths.va_rates_csv, streams[2], enterprises, lines, annual * sei, years)
    _write_marker(paths.raw / "SIMULATED.txt", seed, len(enterprises), start, end)
    return DemoSummary(
        n_enterprises=len(enterprises),
        months=months,
        lines_written=len(rows) + sum(not_returns.values()),
        bad_lines=bad_lines,
        correction=correction,
        files_by_encoding=files_by_encoding,
        faults={f: int(not_returns.get(f, 0) + tags.get(f, 0)) for f in FAULTS},
        nonresponse={m: int(n) for m, n in zip(months, absent.sum(axis=0))},
    )


def read_quality(path: Path = QUALITY_YAML) -> dict[str, float]:
    """The thresholds of config/quality.yaml the demo's fault magnitudes follow, by key."""
    from .settings import load_settings

    return {k: float(v) for k, v in load_settings(path).flat().items()}


# --- calendar ------------------------------------------------------------------------------


def _months(start: str, end: str) -> list[str]:
    """The report periods start..end as 'YYYY-MM'."""
    pattern = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
    for label, value in (("start", start), ("end", end)):
        if not pattern.match(value):
            raise ValueError(f"{label} {value!r} is not YYYY-MM")
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    first, last = int(start[:4]) * 12 + int(start[5:]) - 1, int(end[:4]) * 12 + int(end[5:]) - 1
    return [f"{k // 12}-{k % 12 + 1:02d}" for k in range(first, last + 1)]


def _previous_period(period: str) -> str:
    """The report period one month before ``period``."""
    k = int(period[:4]) * 12 + int(period[5:]) - 2
    return f"{k // 12}-{k % 12 + 1:02d}"


def _season(rng: np.random.Generator, year: int, n: int) -> np.ndarray:
    """Monthly shares of the year's output for n lines: the city's profile, each line a little off it."""
    profile = SEASON.copy()
    if year == 2020:  # the epidemic: half of February and a fifth of March lost, made up from April on
        lost = profile[1] * 0.5 + profile[2] * 0.2
        profile[1] *= 0.5
        profile[2] *= 0.8
        profile[3:] *= 1 + lost / profile[3:].sum()
    weights = profile * np.exp(rng.normal(0.0, 0.08, size=(n, 12)))
    return weights / weights.sum(axis=1, keepdims=True)


# --- the catalog ---------------------------------------------------------------------------


def _drawable_entries(catalog: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Catalog entries an enterprise can be drawn to: valid in some month of the range, one per kind and code."""
    valid_to = catalog["valid_to"].fillna("9999-12")
    usable = catalog[(catalog["valid_from"] <= months[-1]) & (valid_to >= months[0])]
    # Editions repeat a code with consecutive windows; one draw per code keeps the weights fair.
    return usable.drop_duplicates(["kind", "code"]).reset_index(drop=True)


def _valid_codes(catalog: pd.DataFrame, kind: str, period: str) -> set[str]:
    """Codes of one kind of catalog entry valid in report period ``period``."""
    valid_to = catalog["valid_to"].fillna("9999-12")
    valid = (catalog["kind"] == kind) & (catalog["valid_from"] <= period) & (valid_to >= period)
    return set(catalog.loc[valid, "code"])


def _has_prefix_in(code: str, codes: set[str]) -> bool:
    """True when some code of ``codes`` is a prefix of ``code``."""
    return any(code[:i] in codes for i in range(1, len(code) + 1))


def _sei_in_december(catalog: pd.DataFrame, enterprises: pd.DataFrame, lines: pd.DataFrame,
                     years: list[int], months: list[str]) -> np.ndarray:
    """Lines × years: True when the catalog classifies the line as SEI in that year's December (contract rule).

    Years the range only partly covers are judged at the range's nearest month: the year before the
    range (its prior values) by the first month's catalog, a last year ending early by its last month.
    """
    industry = enterprises["industry_code"].to_numpy()[lines["ent"].to_numpy()]
    sei = np.zeros((len(lines), len(years)), dtype=bool)
    for yi, year in enumerate(years):
        period = min(max(f"{year}-12", months[0]), months[-1])
        products, industries = _valid_codes(catalog, "product", period), _valid_codes(catalog, "industry", period)
        sei[:, yi] = [(bool(p) and _has_prefix_in(p, products)) or _has_prefix_in(i, industries)
                      for p, i in zip(lines["product_code"], industry)]
    return sei


def _industry_code_of(rng: np.random.Generator, entry: dict) -> str:
    """The 4-digit GB/T 4754 class an enterprise of this catalog entry reports."""
    code = entry["code"]
    if entry["kind"] == "industry":
        # A group (3 digits) or division (2) is the whole industry: report its first class.
        return (code + "1" * 4)[:4]
    if _looks_like_class(code[:4]):
        return code[:4]
    return str(rng.choice(AREA_CLASSES[entry["area"]]))


def _looks_like_class(code: str) -> bool:
    """True when ``code`` has the shape of a GB/T 4754-2017 class: division 01–97, group digit 1–9."""
    return len(code) == 4 and code.isdigit() and 1 <= int(code[:2]) <= 97 and code[2] != "0"


def _product_names_for(entry_name: str) -> tuple[str, ...]:
    """Product names that fit an industry entry of the catalog (one to four)."""
    for keywords, names in PRODUCT_LEXICON:
        if all(k in entry_name for k in keywords):
            return names
    if entry_name.endswith("制造") and len(entry_name) > 2:
        base = entry_name[:-2]
        return (base, f"{base}零部件", f"{base}配套件", f"其他{base}")
    if entry_name.endswith("服务") and len(entry_name) > 2:
        base = entry_name[:-2]
        return (entry_name, f"{base}咨询服务", f"{base}外包服务")
    return (entry_name, f"{entry_name}配套服务", f"其他{entry_name}")


# --- enterprises ---------------------------------------------------------------------------


def _cover_then_draw(rng: np.random.Generator, items: list[str], weights: dict[str, float], n: int) -> list[str]:
    """n items: each item once (when n allows), the rest drawn by weight, in shuffled order."""
    covered = list(items[: min(n, len(items))])
    p = np.array([weights.get(i, 0.03) for i in items])
    drawn = list(rng.choice(items, size=n - len(covered), p=p / p.sum()))
    return [str(x) for x in rng.permutation(np.array(covered + drawn, dtype=object))]


def _giants(entries: pd.DataFrame, district_codes: list[str]) -> list[dict]:
    """The few large enterprises (an IC fab in 金州区 etc.) whose catalog entry exists."""
    giants = []
    for area, keywords, district, share, name in GIANTS:
        in_area = entries[entries["area"] == area]
        match = next((row for k in keywords for _, row in in_area.iterrows() if k in row["name"]), None)
        if match is None:
            continue
        giants.append({"entry": int(match.name), "area": area, "share": share, "name": name,
                       "district": district if district in district_codes else district_codes[0]})
    return giants


def _enterprises(rng: np.random.Generator, entries: pd.DataFrame, catalog: pd.DataFrame, districts: pd.DataFrame,
                 n: int, years: list[int]) -> pd.DataFrame:
    """The enterprises on the form: district, area, catalog entry, class, name, credit code, size, life."""
    district_codes = sorted(districts["code"])
    giants = _giants(entries, district_codes)
    n_non = max(1, round(n * NON_SEI_SHARE))
    n_regular = n - len(giants) - n_non
    if n_regular < max(len(AREAS), len(district_codes)):
        raise ValueError(f"n_enterprises={n} is too small for a city with every area and district")
    areas = [a for a in AREAS if (entries["area"] == a).any()]
    pools = {a: _entry_pool(entries, a) for a in areas}
    records = [dict(g, giant=True, sei=True) for g in giants]
    for area in _cover_then_draw(rng, areas, AREA_WEIGHTS, n_regular):
        index, p = pools[area]
        records.append({"entry": int(rng.choice(index, p=p)), "area": area, "giant": False, "sei": True, "share": 0.0})
    non_sei = _non_sei_classes(catalog)
    for _ in range(n_non):
        records.append({"entry": -1, "area": None, "giant": False, "sei": False, "share": 0.0,
                        "industry_code": str(rng.choice(non_sei))})
    regular_districts = iter(_cover_then_draw(rng, district_codes, DISTRICT_WEIGHTS, n - len(giants)))
    entry_rows = entries.to_dict("records")
    for record in records:
        if not record["giant"]:
            record["district"] = next(regular_districts)
        if record["sei"]:
            record["industry_code"] = _industry_code_of(rng, entry_rows[record["entry"]])
    frame = pd.DataFrame(records)
    frame["name"] = _names(rng, frame)
    frame["credit_code"] = _credit_codes(rng, frame["district"])
    frame["size"] = _sizes(rng, frame)
    frame["birth"], frame["death"] = _lives(rng, frame, years)
    frame["decimals"] = np.where(frame["giant"], 0, (rng.random(len(frame)) < DECIMAL_SHARE).astype(int))
    # Returns list enterprises by district, then credit code.
    return frame.sort_values(["district", "credit_code"], kind="stable").reset_index(drop=True)


def _entry_pool(entries: pd.DataFrame, area: str) -> tuple[np.ndarray, np.ndarray]:
    """The catalog entries of an area and the chance an enterprise is drawn to each (key fields twice)."""
    in_area = entries["area"] == area
    weight = np.where(entries.loc[in_area, "key_field"].astype(bool), 2.0, 1.0)
    return entries.index[in_area].to_numpy(), weight / weight.sum()


def _non_sei_classes(catalog: pd.DataFrame) -> list[str]:
    """Classes of non-SEI enterprises that no industry entry of the catalog covers, in any window."""
    industry = set(catalog.loc[catalog["kind"] == "industry", "code"])
    classes = [c for c in NON_SEI_CLASSES if not _has_prefix_in(c, industry)]
    if not classes:
        raise ValueError("every non-SEI class of the demo city is in the catalog's industries")
    return classes


def _names(rng: np.random.Generator, frame: pd.DataFrame) -> list[str]:
    """Unique synthetic names: 大连 + a two-character trade name + trade + 有限公司 (giants keep theirs)."""
    taken = set(frame["name"].dropna()) if "name" in frame else set()
    names = []
    for record in frame.itertuples():
        if isinstance(getattr(record, "name", None), str):
            names.append(record.name)
            continue
        while True:
            brand = "".join(rng.choice(list(NAME_CHARS), size=2, replace=False))
            trade = str(rng.choice(NAME_TRADES[record.area if isinstance(record.area, str) else None]))
            style = rng.random()
            if style < 0.08:
                name = f"{brand}{trade}（大连）有限公司"
            else:
                name = f"大连{brand}{trade}{'股份有限公司' if style > 0.85 else '有限公司'}"
            if name not in taken:
                break
        taken.add(name)
        names.append(name)
    return names


def _credit_codes(rng: np.random.Generator, district: pd.Series) -> list[str]:
    """Unique GB 32100-2015 codes: '91' (enterprise) + district code + 9 characters + check character."""
    codes, taken = [], set()
    for code in district:
        while True:
            body = "91" + code + "".join(CHARSET[i] for i in rng.integers(0, len(CHARSET), 9))
            full = body + check_character(body)
            if full not in taken:
                break
        taken.add(full)
        codes.append(full)
    return codes


def _sizes(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    """Relative annual output of each enterprise: lognormal, giants at their share of SEI output."""
    z = np.clip(rng.normal(0.0, 1.0, len(frame)), -2.5, 3.5)
    size = np.exp(1.1 * z)
    regular_sei = (~frame["giant"] & frame["sei"]).to_numpy()
    shares = frame["share"].to_numpy(dtype=float)
    giant_total = regular_sei @ size * shares.sum() / (1 - shares.sum())
    return np.where(frame["giant"], shares / max(shares.sum(), 1e-9) * giant_total, size)


def _lives(rng: np.random.Generator, frame: pd.DataFrame, years: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Birth year (first year on the form, from January) and death key (year*12+1 of the first year off the form).

    Enterprises leave the form at the turn of a year, as the survey frame is drawn up once a year:
    the roster of a year lists exactly the enterprises on the form that year, so a roster
    enterprise without a return in some month is a non-respondent, never a closed business.
    """
    n, first, last = len(frame), years[1], years[-1]
    mortal = ~frame["giant"].to_numpy()
    born = mortal & (rng.random(n) < BORN_SHARE)
    birth = np.where(born, rng.integers(first, last + 1, n), first - 1)
    death_year = rng.integers(first, last + 1, n)
    # Off the form from death_year on; it must report in the range (the first year) to exist at all.
    dies = mortal & (rng.random(n) < DEATH_SHARE) & (death_year > birth) & (death_year > first)
    death = np.where(dies, death_year * 12 + 1, 10**9)
    return birth, death


def _roster_details(rng: np.random.Generator, enterprises: pd.DataFrame, catalog_dir: Path) -> pd.DataFrame:
    """The enterprises with their functional zone (``zone_id``) and ``pilot``: a 2015 pilot credit code.

    The zone is one of catalog/zones.csv's functional zones whose districts include the
    enterprise's (drawn when several do), else empty. A few long-standing enterprises kept the
    code of the 2015 pilot, whose check character fails GB 32100-2015: they are on the roster.
    """
    frame = enterprises.copy()
    zones = _functional_zones(catalog_dir)
    frame["zone_id"] = [str(rng.choice(zones[d])) if len(zones.get(d, ())) > 1 else "".join(zones.get(d, ()))
                        for d in frame["district"]]
    eligible = np.flatnonzero(~frame["giant"].to_numpy() & (frame["birth"] == frame["birth"].min()).to_numpy())
    n_pilot = min(len(eligible), max(1, round(len(frame) * PILOT_CODE_SHARE)))
    frame["pilot"] = False
    for e in sorted(rng.choice(eligible, size=n_pilot, replace=False)):
        code = frame.at[e, "credit_code"]
        wrong = CHARSET[(CHARSET.index(code[17]) + int(rng.integers(1, len(CHARSET)))) % len(CHARSET)]
        frame.at[e, "credit_code"] = code[:17] + wrong
        frame.at[e, "pilot"] = True
    return frame


def _functional_zones(catalog_dir: Path) -> dict[str, list[str]]:
    """District code -> ids of the functional zones of catalog/zones.csv that cover it (none without the file)."""
    path = Path(catalog_dir) / "zones.csv"
    if not path.exists():
        return {}
    zones = pd.read_csv(path, dtype=str, keep_default_na=False)
    covering: dict[str, list[str]] = {}
    for zone in zones[zones["kind"] == "functional-zone"].itertuples():
        for district in filter(None, zone.districts.split("|")):
            covering.setdefault(district, []).append(zone.zone_id)
    return {d: sorted(ids) for d, ids in covering.items()}


def _on_the_form(enterprises: pd.DataFrame, months: list[str]) -> np.ndarray:
    """Enterprises × months: True when the enterprise is on the form (and its year's roster) that month."""
    year = np.array([int(m[:4]) for m in months])
    key = year * 12 + np.array([int(m[5:]) for m in months])
    return (enterprises["birth"].to_numpy()[:, None] <= year[None, :]) & (key[None, :] < enterprises["death"].to_numpy()[:, None])


def _nonresponse(rng: np.random.Generator, enterprises: pd.DataFrame, months: list[str],
                 quality: dict[str, float]) -> np.ndarray:
    """Enterprises × months: True for a roster enterprise that sends no return that month (NONRESPONSE_RATE).

    Whole enterprise-months, never a giant's, never two months running (an enterprise that misses
    a month reports the next), never January of two years running for one enterprise, and in no
    month more than half of quality.yaml's max_nonresponse_rate of the roster.
    """
    alive = _on_the_form(enterprises, months)
    n_months = len(months)
    absent = np.zeros_like(alive)
    if n_months < 2:
        return absent
    candidates = alive[:, :-1] & alive[:, 1:] & ~enterprises["giant"].to_numpy()[:, None]
    cap = np.floor(0.5 * quality["max_nonresponse_rate"] * alive.sum(axis=0)).astype(int)
    january = np.array([m.endswith("-01") for m in months])
    target, count = round(NONRESPONSE_RATE * alive.sum()), np.zeros(n_months, dtype=int)
    for k in rng.permutation(np.flatnonzero(candidates)):
        if count.sum() >= target:
            break
        e, m = divmod(int(k), n_months - 1)
        if count[m] >= cap[m] or absent[e, m + 1] or (m > 0 and absent[e, m - 1]):
            continue
        if january[m] and ((m >= 12 and absent[e, m - 12]) or (m + 12 < n_months and absent[e, m + 12])):
            continue
        absent[e, m] = True
        count[m] += 1
    return absent


# --- product lines -------------------------------------------------------------------------


def _product_lines(rng: np.random.Generator, enterprises: pd.DataFrame, entries: pd.DataFrame,
                   catalog: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """1–3 product lines per enterprise: product code and name, first year on the form, share of output."""
    entry_rows = entries.to_dict("records")
    product_entries = [r for r in entry_rows if r["kind"] == "product"]
    by_field = {f: [r for r in product_entries if r["field"] == f] for f in entries["field"].unique()}
    catalog_products = set(catalog.loc[catalog["kind"] == "product", "code"])
    records = []
    for e, ent in enumerate(enterprises.to_dict("records")):
        k = int(rng.choice([2, 3])) if ent["giant"] else int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
        if not ent["sei"]:
            pairs = _non_sei_products(rng, ent["industry_code"], k, catalog_products)
        else:
            entry = entry_rows[ent["entry"]]
            pairs = _sei_products(rng, entry, by_field[entry["field"]], k)
        shares = rng.dirichlet(np.full(len(pairs), 2.0))
        for pos, ((code, name), share) in enumerate(zip(pairs, shares)):
            start = int(ent["birth"])
            if pos > 0 and not ent["giant"] and start + 1 <= years[-1] and rng.random() < NEW_PRODUCT_SHARE:
                start = int(rng.integers(max(start + 1, years[1]), years[-1] + 1))
                share *= 0.5  # a new product starts small
            records.append({"ent": e, "pos": pos, "product_code": code, "product_name": name,
                            "start": start, "share": share})
    return pd.DataFrame(records)


def _sei_products(rng: np.random.Generator, entry: dict, same_field: list[dict], k: int) -> list[tuple[str, str]]:
    """k distinct (product code, name) pairs of an SEI enterprise, from its catalog entry and the field's products."""
    if entry["kind"] == "product":
        pool = [entry] + [row for row in same_field if row["code"] != entry["code"]]
    elif same_field:
        pool = same_field
    else:
        names = _product_names_for(entry["name"])
        picked = rng.choice(len(names), size=min(k, len(names)), replace=False)
        return [("", names[i]) for i in picked]
    suffixes = rng.choice(np.arange(1, 90), size=k, replace=False)
    # A product entry's enterprise makes that product first; an industry's makes any of its field's.
    first = [pool[0]] if entry["kind"] == "product" else []
    chosen = first + [pool[int(i)] for i in rng.integers(0, len(pool), k - len(first))]
    return _distinct_names([(row["code"] + f"{s:02d}", row["name"]) for row, s in zip(chosen, suffixes)])


def _non_sei_products(rng: np.random.Generator, industry_code: str, k: int,
                      catalog_products: set[str]) -> list[tuple[str, str]]:
    """k distinct (product code, name) pairs of a non-SEI enterprise; no catalog product code prefixes them."""
    names = NON_SEI_CLASSES[industry_code]
    pairs, taken = [], set()
    for name in rng.choice(names, size=min(k, len(names)), replace=False):
        while True:
            code = industry_code + "".join(f"{x:02d}" for x in rng.integers(1, 90, 2))
            if code not in taken and not _has_prefix_in(code, catalog_products):
                break
        taken.add(code)
        pairs.append((code, str(name)))
    return pairs


def _distinct_names(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same catalog product twice on one form gets a model variant in its name."""
    variants = ("", "（改进型）", "（出口型）", "（定制型）")
    seen: dict[str, int] = {}
    out = []
    for code, name in pairs:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append((code, name + variants[count % len(variants)]))
    return out


# --- output values -------------------------------------------------------------------------


def _annual_output(rng: np.random.Generator, enterprises: pd.DataFrame, lines: pd.DataFrame,
                   years: list[int], sei: np.ndarray) -> np.ndarray:
    """Annual output of every line and year (千元), calibrated to the city's SEI totals."""
    n_years = len(years)
    giant = enterprises["giant"].to_numpy()
    sigma = np.where(giant, 0.05, 0.12)[:, None]
    growth = np.exp(np.log(1.10) + rng.normal(0.0, 1.0, (len(enterprises), n_years)) * sigma)
    level = np.ones((len(enterprises), n_years))
    level[:, 0] = 1 / growth[:, 1]  # the year before the range is anchored at the first year
    for yi in range(2, n_years):
        level[:, yi] = level[:, yi - 1] * growth[:, yi]
    ent = lines["ent"].to_numpy()
    size = enterprises["size"].to_numpy()[ent] * np.where(enterprises["birth"].to_numpy()[ent] >= years[1], 0.5, 1.0)
    present = np.array(years)[None, :] >= lines["start"].to_numpy()[:, None]
    annual = size[:, None] * level[ent] * lines["share"].to_numpy()[:, None] * present
    # Scale each year so SEI lines alive in December sum to the city's target path.
    december = np.array(years)[None, :] * 12 + 12
    in_december = present & (december < enterprises["death"].to_numpy()[ent][:, None])
    raw = (annual * in_december * sei).sum(axis=0)
    if not raw.all():
        raise ValueError(f"the catalog classifies no line of the demo city in {[y for y, r in zip(years, raw) if not r]}")
    return annual * (_target_path(rng, years) / raw)[None, :]


def _target_path(rng: np.random.Generator, years: list[int]) -> np.ndarray:
    """The city's SEI December output (千元) for each year: about 3000亿元 in 2017, growing SEI_GROWTH a year."""
    span = range(min(years[0], ANCHOR_YEAR), max(years[-1], ANCHOR_YEAR) + 1)
    growth = {y: rng.uniform(*SEI_GROWTH) for y in span}
    total = {ANCHOR_YEAR: rng.uniform(*SEI_OUTPUT_ANCHOR)}
    for y in range(ANCHOR_YEAR + 1, span.stop):
        total[y] = total[y - 1] * (1 + growth[y])
    for y in range(ANCHOR_YEAR - 1, span.start - 1, -1):
        total[y] = total[y + 1] / (1 + growth[y + 1])
    return np.array([total[y] for y in years])


def _good_rows(rng: np.random.Generator, contracts_rng: np.random.Generator, enterprises: pd.DataFrame,
               lines: pd.DataFrame, annual: np.ndarray, sei: np.ndarray, years: list[int], months: list[str],
               districts: pd.DataFrame, absent: np.ndarray, quality: dict[str, float]) -> pd.DataFrame:
    """Every line every month its enterprise reports: cumulative output, prior-year cumulative, file and order.

    Besides the form's fields, rows carry ``li`` (the product line), ``tag`` (the data-quality fault
    the row carries, '' for none; here growth_outlier and credit_code_check_roster) and ``context``
    (a clean row that another fault's detection compares with: no fault may land on it).
    """
    n_lines = len(lines)
    cumulative = np.stack([np.cumsum(_season(rng, y, n_lines), axis=1) for y in years], axis=1)
    noisy = rng.random((n_lines, len(years))) < PRIOR_NOISE_SHARE
    # Reporting noise stays well inside the prior tolerance, so no prior mismatch happens by chance.
    cap = min(PRIOR_NOISE_CAP, quality["prior_tolerance"] / 4)
    prior_noise = np.where(noisy, 1 + np.clip(rng.normal(0.0, PRIOR_NOISE_SD, (n_lines, len(years))), -cap, cap), 1.0)
    ytd = annual[:, :, None] * cumulative  # lines × years × months, 千元
    yi = np.array([int(p[:4]) - years[0] for p in months])
    mo = np.array([int(p[5:]) for p in months])
    ent = lines["ent"].to_numpy()
    start = lines["start"].to_numpy()[:, None]
    year = np.array(years)[yi][None, :]
    alive = (start <= year) & ((year * 12 + mo[None, :]) < enterprises["death"].to_numpy()[ent][:, None])
    present = alive & ~absent[ent]
    tag = np.full(present.shape, "", dtype=object)
    tag[enterprises["pilot"].to_numpy()[ent]] = "credit_code_check_roster"
    context = np.zeros(present.shape, dtype=bool)
    _add_contracts(contracts_rng, ytd, lines, enterprises, years, months, present, tag, context, quality)
    ytd *= _recalibration(ytd, annual, sei, enterprises, lines, years)[None, :, None]
    has_prior = start <= year - 1
    output = ytd[:, yi, mo - 1]
    base = ytd[:, yi - 1, mo - 1]
    prior = base * np.where(base >= PRIOR_NOISE_FLOOR, prior_noise[:, yi], 1.0)
    li, mi = np.nonzero(present)
    e = ent[li]
    file_of = _file_plan(months, districts)
    batch = _district_batches(districts)
    frame = pd.DataFrame({
        "mi": mi,
        "file": [file_of[m][batch[d]] for m, d in zip(mi, enterprises["district"].to_numpy()[e])],
        "seq": e * 10.0 + lines["pos"].to_numpy()[li],
        "ent": e,
        "li": li,
        "period": np.array(months, dtype=object)[mi],
        "output": output[li, mi],
        "prior": np.where(has_prior[li, mi], prior[li, mi], np.nan),
        "decimals": enterprises["decimals"].to_numpy()[e],
        "giant": enterprises["giant"].to_numpy()[e],
        "tag": tag[li, mi],
        "context": context[li, mi],
    })
    for column in ("credit_code", "enterprise_name", "district_code", "industry_code"):
        source = {"enterprise_name": "name", "district_code": "district"}.get(column, column)
        frame[column] = enterprises[source].to_numpy(dtype=object)[e]
    frame["product_code"] = lines["product_code"].to_numpy(dtype=object)[li]
    frame["product_name"] = lines["product_name"].to_numpy(dtype=object)[li]
    return frame


def _add_contracts(rng: np.random.Generator, ytd: np.ndarray, lines: pd.DataFrame, enterprises: pd.DataFrame,
                   years: list[int], months: list[str], present: np.ndarray, tag: np.ndarray, context: np.ndarray,
                   quality: dict[str, float]) -> None:
    """growth_outlier: a few lines win a big new contract in some month and add its value to every YTD from then on.

    The contract is worth (1 + max_abs_growth) × 1.3–2.0 times the line's output of last year, so
    from its month to December the line grows by more than max_abs_growth on a material amount,
    while its prior still matches last year's own YTD; next year's prior includes the contract.
    Lines of giants and of pilot-code enterprises are left alone, and contracts go to the smallest
    lines that can carry one (up to three times the smallest material size), so the city's totals
    and its comparable growth hardly move (totals are calibrated again afterwards). ``ytd``,
    ``tag`` and ``context`` are changed in place.
    """
    growth, material, ratio = quality["max_abs_growth"], quality["material_output_qianyuan"], quality["unit_error_ratio"]
    index = {(int(m[:4]), int(m[5:])): i for i, m in enumerate(months)}
    ent = lines["ent"].to_numpy()
    allowed = ~enterprises["giant"].to_numpy()[ent] & ~enterprises["pilot"].to_numpy()[ent]
    lowest = 1.5 * material / ((1 + growth) * 1.3)  # the contract alone is then material
    candidates = []
    for y in range(1, len(years)):
        in_year = [index[(years[y], m)] for m in range(1, 13) if (years[y], m) in index]
        if in_year:
            ok = allowed & (lines["start"].to_numpy() <= years[y] - 1) & (ytd[:, y - 1, 11] >= lowest)
            ok &= present[:, in_year].any(axis=1)
            candidates += [(int(line), y) for line in np.flatnonzero(ok)]
    if not candidates:
        return
    target, used = max(1, round(GROWTH_OUTLIER_RATE * present.sum())), set()
    size = np.array([ytd[line, y - 1, 11] for line, y in candidates])
    keep = max(3 * target, int((size <= 3 * lowest).sum()))
    candidates = [candidates[i] for i in np.argsort(size, kind="stable")[:keep]]
    for k in rng.permutation(len(candidates)):
        if len(used) >= target:
            break
        line, y = candidates[k]
        reported = [m for m in range(1, 13) if (years[y], m) in index and present[line, index[(years[y], m)]]]
        if line in used or not reported:
            continue
        month = reported[int(rng.integers(len(reported)))]
        value = (1 + growth) * (1.3 + 0.7 * rng.random()) * ytd[line, y - 1, 11]
        # Not so steep a step that it looks like a unit error against the month before.
        if month > 1 and ytd[line, y, month - 1] + value >= ratio / 2 * ytd[line, y, month - 2]:
            continue
        ytd[line, y, month - 1:] += value
        used.add(line)
        for yy in range(max(y - 1, 0), min(y + 2, len(years))):
            for m in range(1, 13):
                if (years[yy], m) in index:
                    context[line, index[(years[yy], m)]] = True
        for m in range(month, 13):
            if (years[y], m) in index:
                tag[line, index[(years[y], m)]] = "growth_outlier"
                context[line, index[(years[y], m)]] = False


def _recalibration(ytd: np.ndarray, annual: np.ndarray, sei: np.ndarray, enterprises: pd.DataFrame,
                   lines: pd.DataFrame, years: list[int]) -> np.ndarray:
    """Factor per year that brings the city's December SEI output back to its path after the contracts.

    ``annual`` is calibrated on every line alive in December; contracts add a little output. The
    city is calibrated whole: non-respondents' output is missing from the returns (about the
    non-response share) until imputation puts it back, and comparable growth is not disturbed.
    """
    ent = lines["ent"].to_numpy()
    december = np.array(years)[None, :] * 12 + 12
    in_december = (np.array(years)[None, :] >= lines["start"].to_numpy()[:, None]) \
        & (december < enterprises["death"].to_numpy()[ent][:, None])
    return (annual * in_december * sei).sum(axis=0) / (ytd[:, :, 11] * in_december * sei).sum(axis=0)


# --- data-quality faults on lines ------------------------------------------------------------


def _add_line_faults(rng: np.random.Generator, rows: pd.DataFrame, lines: pd.DataFrame, months: list[str],
                     quality: dict[str, float]) -> pd.DataFrame:
    """Plant the line faults at their rates, each on a clean row that no other fault's detection relies on.

    In order: unit_error_suspected (an enterprise-month in 元), conflicting_duplicate,
    ytd_below_previous_month, prior_differs_from_last_year and exact_duplicate. A fault's own rows
    get its ``tag``; the rows its detection compares with (the month before and after, the same
    month a year earlier) are marked ``context`` and stay clean. The rows of an exact duplicate's
    first line are tagged 'dup_original': they count, but carry no other fault either. Held lines
    (unit errors and conflicting pairs, as reported) stay under half of quality.yaml's
    max_held_output_share of their month where the city is large enough for that. Faults that
    change a value counted in the figures (or take one out) land on lines no larger than their
    month's median line and never on a giant's, so totals and comparable growth hardly move.
    """
    rows = rows.reset_index(drop=True)
    n, n_months = len(rows), len(months)
    li, mi, ent = rows["li"].to_numpy(), rows["mi"].to_numpy(), rows["ent"].to_numpy()
    out, prior = rows["output"].to_numpy(dtype=float).copy(), rows["prior"].to_numpy(dtype=float).copy()
    tag, context = rows["tag"].to_numpy(dtype=object).copy(), rows["context"].to_numpy(dtype=bool).copy()
    at = np.full((len(lines), n_months), -1)  # row of each line and month, -1 when not reported
    at[li, mi] = np.arange(n)
    year = np.array([int(m[:4]) for m in months])
    month_no = np.array([int(m[5:]) for m in months])
    growth, ratio, tolerance = quality["max_abs_growth"], quality["unit_error_ratio"], quality["prior_tolerance"]
    held_left = 0.5 * quality["max_held_output_share"] * np.bincount(mi, weights=out, minlength=n_months)
    median = np.array([np.median(out[mi == m]) if (mi == m).any() else 0.0 for m in range(n_months)])
    small = (out <= median[mi]) & ~rows["giant"].to_numpy(dtype=bool)
    copies: list[tuple[int, float, str, float]] = []  # (row copied, its output, its tag, its seq)

    def free(r: int) -> bool:
        return tag[r] == "" and not context[r]

    def clean(r: int) -> bool:
        return r >= 0 and tag[r] == ""

    def beside(r: int, step: int) -> int:
        """The same line's row ``step`` months away in the same year, or -1."""
        m = mi[r] + step
        return int(at[li[r], m]) if 0 <= m < n_months and year[m] == year[mi[r]] else -1

    def modest(value: float, base: float) -> bool:
        """True when ``value`` against ``base`` (a prior) is no growth outlier and no unit error."""
        return base != base or base <= 0 or (abs(value / base - 1) <= 0.8 * growth and value * ratio > base)

    # unit_error_suspected: every line of an enterprise-month 1000 times too large, in March–November,
    # after at least two months of the year and with the month before and after reported normally.
    ent_lines = lines.groupby("ent").indices
    target, placed, cheapest = max(1, round(UNIT_ERROR_RATE * n)), 0, None
    for k in rng.permutation(np.unique(ent * n_months + mi)):
        if placed >= target:
            break
        e, m = divmod(int(k), n_months)
        if not 3 <= month_no[m] <= 11 or m < 1 or m + 1 >= n_months:
            continue
        own = at[ent_lines[e]]
        found = own[:, m][own[:, m] >= 0]
        if not all(free(r) for r in found):
            continue
        around = [beside(r, s) for r in found for s in (-1, 1)]
        if not all(clean(r) for r in around):
            continue
        earlier = (own[:, (year == year[m]) & (np.arange(n_months) < m)] >= 0).any(axis=0).sum()
        if earlier < 2 or any(UNIT_FACTOR * out[r] < 1.2 * ratio * out[beside(r, -1)] for r in found):
            continue
        cost = UNIT_FACTOR * out[found].sum()
        if cost > held_left[m]:
            if cheapest is None or cost < cheapest[0]:
                cheapest = (cost, m, found, around)
            continue
        both = rng.random() < 0.5  # the whole form in 元, or only this year's column
        _unit_error(out, prior, tag, context, found, around, both)
        held_left[m] -= cost
        placed += 1
    if placed == 0 and cheapest is not None:  # a city too small to keep a unit error under the check
        _unit_error(out, prior, tag, context, cheapest[2], cheapest[3], True)
        held_left[cheapest[1]] -= cheapest[0]

    # conflicting_duplicate: a second line of the same product with a value 2–6% off, still between
    # the line's previous and next month; both lines are held.
    target, placed = max(1, round(CONFLICTING_DUPLICATE_RATE * n)), 0
    for r in rng.permutation(n):
        if placed >= target:
            break
        if not free(r) or not small[r] or out[r] < MIN_COMPARED:
            continue
        before, after = beside(r, -1), beside(r, 1)
        if (before >= 0 and not clean(before)) or (after >= 0 and not clean(after)):
            continue
        value = out[r] * (1 + (1 if rng.random() < 0.5 else -1) * rng.uniform(0.02, 0.06))
        if (before >= 0 and value <= out[before] + 1) or (after >= 0 and value >= out[after] - 1):
            continue
        if out[r] + value > held_left[mi[r]] or not modest(value, prior[r]):
            continue
        tag[r] = "conflicting_duplicate"
        context[[x for x in (before, after) if x >= 0]] = True
        copies.append((int(r), value, "conflicting_duplicate", ent[r] * 10.0 + 8))
        held_left[mi[r]] -= out[r] + value
        placed += 1

    # ytd_below_previous_month: 5–20% below the line's own previous month, the next month normal
    # again. Only where the same month of next year is beyond the range: next year's prior would
    # otherwise differ from this lowered YTD.
    target, placed = max(1, round(YTD_BELOW_RATE * n)), 0
    for r in rng.permutation(n):
        if placed >= target:
            break
        if not free(r) or not small[r] or mi[r] + 12 < n_months:
            continue
        before, after = beside(r, -1), beside(r, 1)
        if before < 0 or not clean(before) or out[before] < MIN_COMPARED or (after >= 0 and not clean(after)):
            continue
        value = out[before] * (1 - rng.uniform(*YTD_BELOW_DROP))
        if not modest(value, prior[r]):
            continue
        out[r], tag[r] = value, "ytd_below_previous_month"
        context[[x for x in (before, after) if x >= 0]] = True
        placed += 1

    # prior_differs_from_last_year: a prior 10–60 points beyond the tolerance from what the line
    # itself reported for the month a year earlier (and not so far that the growth is an outlier).
    low = (max(0.3, 1 - tolerance - 0.35), 1 - tolerance - 0.1)
    high = (1 + tolerance + 0.1, 1 + tolerance + 0.6)
    target, placed = max(1, round(PRIOR_DIFFERS_RATE * n)), 0
    for r in rng.permutation(n):
        if placed >= target:
            break
        if not free(r) or not small[r] or mi[r] < 12 or prior[r] != prior[r]:
            continue
        last = int(at[li[r], mi[r] - 12])
        if not clean(last) or out[last] < MIN_COMPARED:
            continue
        span = low if low[1] > low[0] and rng.random() < 0.5 else high
        value = out[last] * rng.uniform(*span)
        if not modest(out[r], value):
            continue
        prior[r], tag[r] = value, "prior_differs_from_last_year"
        context[last] = True
        placed += 1

    # exact_duplicate: a line repeated identically right below itself.
    target, placed = max(1, round(EXACT_DUPLICATE_RATE * n)), 0
    for r in rng.permutation(n):
        if placed >= target:
            break
        if free(r):
            tag[r] = "dup_original"
            copies.append((int(r), out[r], "exact_duplicate", rows.at[r, "seq"] + 0.5))
            placed += 1

    rows = rows.assign(output=out, prior=prior, tag=tag, context=context)
    extra = rows.iloc[[c[0] for c in copies]].copy()
    extra["output"] = [c[1] for c in copies]
    extra["tag"] = [c[2] for c in copies]
    extra["seq"] = [c[3] for c in copies]
    return pd.concat([rows, extra], ignore_index=True)


def _unit_error(out: np.ndarray, prior: np.ndarray, tag: np.ndarray, context: np.ndarray,
                found: np.ndarray, around: list[int], both: bool) -> None:
    """Make rows ``found`` an enterprise-month reported in 元 (both columns, or only this year's)."""
    out[found] *= UNIT_FACTOR
    if both:
        prior[found] *= UNIT_FACTOR
    tag[found] = "unit_error_suspected"
    context[around] = True


# --- files ---------------------------------------------------------------------------------


def _district_batches(districts: pd.DataFrame) -> dict[str, int]:
    """Batch (0–3) of each district: the city's districts in code order, four report batches."""
    codes = sorted(districts["code"])
    sizes = (3, 2, 2, 3) if len(codes) == 10 else [len(c) for c in np.array_split(codes, 4)]
    bounds = np.cumsum((0,) + tuple(sizes))
    return {c: int(np.searchsorted(bounds, i, side="right") - 1) for i, c in enumerate(codes)}


def _file_plan(months: list[str], districts: pd.DataFrame) -> list[dict[int, str]]:
    """For every month, the file stem (no extension) each district batch is sent in: 2–4 files a month."""
    short = {r.code: re.sub(r"(区|县|市)$", "", r.name) for r in districts.itertuples()}
    batch = _district_batches(districts)
    members = {b: "".join(short[c] for c in sorted(batch) if batch[c] == b) for b in range(4)}
    groupings = ([[0], [1], [2], [3]], [[0], [1], [2, 3]], [[0], [1], [2], [3]], [[0, 1], [2, 3]])
    plan = []
    for i in range(len(months)):
        grouping = groupings[i % len(groupings)]
        stems = {}
        for j, group in enumerate(grouping):
            stem = f"{j + 1:02d}_" + "".join(members[b] for b in group)
            stems.update({b: stem for b in group})
        plan.append(stems)
    return plan


def _file_format(i: int, j: int, n_files: int) -> dict:
    """How file j of n of month i is sent: format/encoding, header language and style, column order, extras."""
    if i % 6 == 4 and j == n_files - 1:  # the county batch sends a spreadsheet every half year
        kind = "xlsx"
    else:
        kind = ("utf-8",) * 4 + ("utf-8-sig",) * 2 + ("gb18030",) * 2
        kind = kind[(3 * i + 2 * j) % 8]
    chinese = kind in ("gb18030", "xlsx") or (i + j) % 5 == 0
    return {
        "kind": kind,
        "chinese": chinese,
        "unit": ("(千元)", "（千元）", "")[i % 3],
        "order": ALT_ORDER if kind == "utf-8-sig" else COLUMNS,
        "serial": kind == "gb18030",  # Excel-saved sheets keep their 序号 column
        "date_period": kind == "xlsx" and i % 12 == 10,
    }


def _header(fmt: dict) -> list[str]:
    """The header row of a file in its language and style."""
    names = []
    for column in fmt["order"]:
        if not fmt["chinese"]:
            names.append(column)
        else:
            names.append(CHINESE[column] + (fmt["unit"] if column in ("output_ytd", "output_ytd_prior") else ""))
    return (["序号"] if fmt["serial"] else []) + names


def _money_text(values: np.ndarray, decimals: np.ndarray) -> list[str]:
    """Money as the form writes it: whole 千元, or one decimal for the offices that keep one; empty for none."""
    return ["" if v != v else (f"{v:.1f}" if d else f"{v:.0f}") for v, d in zip(values, decimals)]


def _write_returns(returns_dir: Path, rows: pd.DataFrame, months: list[str],
                   rng: np.random.Generator) -> tuple[dict[str, int], dict[str, int]]:
    """Write raw/returns/YYYY-MM/ afresh: every month's lines, file by file, in their formats.

    A few regular files (not the correction) end with a total row (TOTAL_ROW_FILE_SHARE) and a few
    are paged exports that repeat their header at every page (PAGED_FILE_SHARE). Returns the files
    written by kind, and the rows written that are no return: {'total_row': n, 'repeated_header': n}.
    """
    if returns_dir.exists():
        shutil.rmtree(returns_dir)
    counts = {"utf-8": 0, "utf-8-sig": 0, "gb18030": 0, "xlsx": 0}
    for period in months:
        (returns_dir / period).mkdir(parents=True)
    rows = rows.sort_values(["mi", "file", "seq"], kind="stable")
    files = []
    for mi, month in rows.groupby("mi", sort=True):
        n_files = len(set(month["file"]) - {CORRECTION_STEM})
        for j, (stem, part) in enumerate(month.groupby("file", sort=True)):
            fmt = _correction_format() if stem == CORRECTION_STEM else _file_format(int(mi), j, n_files)
            files.append((returns_dir / months[mi] / stem, fmt, part[list(fmt["order"])].to_numpy(dtype=object).tolist()))
    regular = [i for i, (path, _, _) in enumerate(files) if path.name != CORRECTION_STEM]

    def some_files(share: float) -> set[int]:
        n = min(len(regular), max(1, round(share * len(regular))))
        return {int(i) for i in rng.choice(regular, size=n, replace=False)}

    with_total, paged = some_files(TOTAL_ROW_FILE_SHARE), some_files(PAGED_FILE_SHARE)
    not_returns = {"total_row": 0, "repeated_header": 0}
    for i, (path, fmt, records) in enumerate(files):
        header = _header(fmt)
        table = [[str(n), *r] for n, r in enumerate(records, start=1)] if fmt["serial"] else [list(r) for r in records]
        if i in paged:
            table, repeats = _paged(rng, table, header)
            not_returns["repeated_header"] += repeats
        if i in with_total:
            table.append(_total_row(rng, records, fmt))
            not_returns["total_row"] += 1
        if fmt["kind"] == "xlsx":
            _write_xlsx(path.with_suffix(".xlsx"), header, table, fmt)
        else:
            _write_csv(path.with_suffix(".csv"), header, table, fmt)
        counts[fmt["kind"]] += 1
    return counts, not_returns


def _paged(rng: np.random.Generator, table: list[list[str]], header: list[str]) -> tuple[list[list[str]], int]:
    """The file as a paged export: the header repeated after every page of PAGE_SIZES rows (once, mid-file, if shorter)."""
    page = int(rng.choice(PAGE_SIZES))
    if len(table) < 2:
        return table, 0
    cuts = list(range(page, len(table), page)) or [int(rng.integers(1, len(table)))]
    out, done = [], 0
    for cut in cuts:
        out += table[done:cut] + [list(header)]
        done = cut
    return out + table[done:], len(cuts)


def _total_row(rng: np.random.Generator, records: list[list[str]], fmt: dict) -> list[str]:
    """A 合计 (or 小计) row: every field empty but the name and the sums of the file's output columns."""
    row = dict.fromkeys(fmt["order"], "")
    row["enterprise_name"] = TOTAL_NAMES[1] if rng.random() < 0.25 else TOTAL_NAMES[0]
    for column in ("output_ytd", "output_ytd_prior"):
        row[column] = _column_sum([r[fmt["order"].index(column)] for r in records])
    return ([""] if fmt["serial"] else []) + [row[c] for c in fmt["order"]]


def _column_sum(texts: list[str]) -> str:
    """The sum of the cells that are numbers, exactly, as a spreadsheet's SUM of the column (other text ignored)."""
    return str(sum((Decimal(t) for t in texts if re.fullmatch(r"-?\d+(\.\d+)?", t)), Decimal(0)))


def _correction_format() -> dict:
    """The corrected resubmission: a plain UTF-8 CSV with English headers."""
    return {"kind": "utf-8", "chinese": False, "unit": "", "order": COLUMNS, "serial": False, "date_period": False}


def _write_csv(path: Path, header: list[str], table: list[list[str]], fmt: dict) -> None:
    """One CSV return file in its encoding (GB18030 files come from Excel, with CRLF); ``table``: the rows below the header."""
    newline = "\r\n" if fmt["kind"] == "gb18030" else "\n"
    with path.open("w", encoding=fmt["kind"], newline="") as handle:
        writer = csv.writer(handle, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(table)


def _write_xlsx(path: Path, header: list[str], table: list[list[str]], fmt: dict) -> None:
    """One .xlsx return file (first sheet): codes as text cells, money as number cells where it is a number."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("月报")
    sheet.append(header)
    shift = 1 if fmt["serial"] else 0
    money = [i + shift for i, c in enumerate(fmt["order"]) if c in ("output_ytd", "output_ytd_prior")]
    period = fmt["order"].index("period") + shift
    for record in table:
        cells: list[object] = list(record)
        for i in money:
            cells[i] = _excel_number(record[i])
        if fmt["date_period"] and re.fullmatch(r"\d{4}-\d{2}", record[period]):
            cell = WriteOnlyCell(sheet, value=dt.datetime(int(record[period][:4]), int(record[period][5:]), 1))
            cell.number_format = "yyyy-mm"
            cells[period] = cell
        sheet.append(cells)
    book.save(path)


def _excel_number(text: str) -> object:
    """A money cell as Excel holds it: a number when it is one with at most one decimal, else text (or blank)."""
    if text == "":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d", text):
        return float(text)
    return text


# --- correction and bad lines ---------------------------------------------------------------


def _format_money(rows: pd.DataFrame) -> pd.DataFrame:
    """Replace the numeric output columns by the text the form carries."""
    rows = rows.copy()
    decimals = rows["decimals"].to_numpy()
    rows["output_ytd"] = _money_text(rows["output"].to_numpy(), decimals)
    rows["output_ytd_prior"] = _money_text(rows["prior"].to_numpy(), decimals)
    return rows


def _add_correction(rng: np.random.Generator, rows: pd.DataFrame, months: list[str]) -> tuple[pd.DataFrame, dict]:
    """One enterprise resubmits a month's whole return in 99_更正.csv; its first submission had a 万元 slip.

    The enterprise is one whose lines that month carry no data-quality fault.
    """
    mi = months.index(CORRECTION_PERIOD) if CORRECTION_PERIOD in months else len(months) // 2
    in_month = rows[rows["mi"] == mi]
    in_month = in_month[~in_month["ent"].isin(set(in_month.loc[in_month["tag"] != "", "ent"]))]
    lines_per_ent = in_month.groupby("ent").size()
    candidates = sorted(lines_per_ent.index[lines_per_ent >= 2]) or sorted(lines_per_ent.index)
    ent = int(rng.choice(candidates))
    rows = _format_money(rows)
    original = rows.index[(rows["mi"] == mi) & (rows["ent"] == ent)]
    corrected = rows.loc[original].copy()
    corrected["file"] = CORRECTION_STEM
    # The first submission reported its first line in 万元 instead of 千元.
    first = original[0]
    slip = rows.at[first, "output"] / 10
    rows.at[first, "output_ytd"] = _money_text(np.array([slip]), np.array([rows.at[first, "decimals"]]))[0]
    rows = pd.concat([rows, corrected], ignore_index=True)
    return rows, {"period": months[mi], "file": CORRECTION_STEM + ".csv", "credit_code": str(corrected["credit_code"].iloc[0]),
                  "lines_superseded": len(original)}


def _add_bad_lines(rng: np.random.Generator, rows: pd.DataFrame, months: list[str],
                   dalian: set[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Add about 0.3% extra lines with exactly one fault each, for existing enterprises' distinct products.

    Hosts are enterprise-months without the correction and without data-quality faults.
    """
    corrected = set(zip(rows.loc[rows["file"] == CORRECTION_STEM, "mi"], rows.loc[rows["file"] == CORRECTION_STEM, "ent"]))
    corrected |= set(zip(rows.loc[rows["tag"] != "", "mi"], rows.loc[rows["tag"] != "", "ent"]))
    n_bad = max(len(RULES), round(len(rows) * BAD_LINE_RATE))
    rules = rng.permutation(np.resize(np.array(RULES, dtype=object), n_bad))
    used: set[tuple[int, int]] = set()
    bad = []
    for index in rng.permutation(len(rows)):
        host = rows.iloc[index]
        key = (int(host["mi"]), int(host["ent"]))
        if key in used or key in corrected:
            continue
        used.add(key)
        bad.append(_bad_line(rng, host, str(rules[len(bad)]), dalian))
        if len(bad) == n_bad:
            break
    counts = {rule: int(np.sum(rules[: len(bad)] == rule)) for rule in RULES}
    return pd.concat([rows, pd.DataFrame(bad)], ignore_index=True), counts


def _bad_line(rng: np.random.Generator, host: pd.Series, rule: str, dalian: set[str]) -> dict:
    """An extra line of the host's enterprise (a distinct trial product) that breaks exactly ``rule``."""
    line = host.to_dict()
    line["seq"] = host["ent"] * 10.0 + 9  # after the enterprise's own lines
    code = host["product_code"]
    line["product_code"] = code[:-2] + str(rng.integers(90, 100)) if code else ""
    line["product_name"] = host["product_name"] + "（试制）"
    line["output_ytd"] = str(max(1, round(float(host["output"]) * 0.03)))
    line["output_ytd_prior"] = ""
    if rule == "credit_code_check":
        right = line["credit_code"][17]
        wrong = CHARSET[(CHARSET.index(right) + int(rng.integers(1, len(CHARSET)))) % len(CHARSET)]
        line["credit_code"] = line["credit_code"][:17] + wrong
    elif rule == "district_in_dalian":
        line["district_code"] = str(rng.choice([c for c in NOT_DALIAN if c not in dalian]))
    elif rule == "output_ytd_non_negative":
        line["output_ytd"] = "-" + line["output_ytd"]
    elif rule == "output_ytd_numeric":
        line["output_ytd"] = str(rng.choice(NOT_NUMBERS))
    elif rule == "output_ytd_missing":
        line["output_ytd"] = ""
    elif rule == "required":
        line["product_name"] = ""
    elif rule == "period_matches_folder":
        line["period"] = _previous_period(line["period"])
    return line


# --- roster, GDP, value-added rates, marker --------------------------------------------------

ROSTER_COLUMNS = ("credit_code", "enterprise_name", "district_code", "zone_id", "industry_code", "area")


def _write_roster(roster_dir: Path, enterprises: pd.DataFrame, years: list[int]) -> None:
    """raw/roster/YYYY.csv afresh for each year: the survey frame (调查单位名录), every enterprise on the form that year.

    UTF-8, English header ROSTER_COLUMNS, by district then credit code; ``area`` is empty for the
    enterprises whose industry is not SEI. Pilot-code enterprises appear with their failing code.
    """
    if roster_dir.exists():
        shutil.rmtree(roster_dir)
    roster_dir.mkdir(parents=True)
    frame = pd.DataFrame({
        "credit_code": enterprises["credit_code"], "enterprise_name": enterprises["name"],
        "district_code": enterprises["district"], "zone_id": enterprises["zone_id"],
        "industry_code": enterprises["industry_code"], "area": enterprises["area"].fillna(""),
    })
    for year in years:
        listed = (enterprises["birth"] <= year) & (year * 12 + 1 < enterprises["death"])
        part = frame[listed.to_numpy()].sort_values(["district_code", "credit_code"], kind="stable")
        with (roster_dir / f"{year}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(ROSTER_COLUMNS)
            writer.writerows(part[list(ROSTER_COLUMNS)].to_numpy(dtype=object).tolist())



def _write_gdp(path: Path, years: list[int]) -> None:
    """raw/gdp.csv: the city's published GDP (亿元), cumulative by quarter; Q4 is the year's figure."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["year", "quarter", "gdp_ytd"])
        for year in years:
            for quarter, share in enumerate(GDP_QUARTER_SHARE, start=1):
                value = PUBLISHED_GDP[year] if quarter == 4 else round(PUBLISHED_GDP[year] * share, 1)
                writer.writerow([year, quarter, f"{value:.1f}"])


# Value-added rates of GB/T 4754 divisions in the demo city, before calibration.
VA_BASE = {
    "13": 0.19, "17": 0.20, "19": 0.22, "22": 0.21, "23": 0.24, "24": 0.25, "25": 0.18, "27": 0.33,
    "30": 0.27, "31": 0.20, "32": 0.21, "33": 0.22, "34": 0.27, "35": 0.28, "36": 0.22, "37": 0.26,
    "38": 0.24, "39": 0.26, "40": 0.28, "42": 0.22, "43": 0.26, "44": 0.35, "46": 0.30, "56": 0.31,
    "64": 0.33, "65": 0.34, "74": 0.33, "75": 0.33, "77": 0.30, "86": 0.32,
}


def _write_va_rates(path: Path, rng: np.random.Generator, enterprises: pd.DataFrame, lines: pd.DataFrame,
                    sei_annual: np.ndarray, years: list[int]) -> None:
    """raw/va_rates.csv: a rate for every division on the form and every year, SEI mean near VA_RATE_MEAN."""
    division = enterprises["industry_code"].str[:2].to_numpy()[lines["ent"].to_numpy()]
    divisions = sorted(set(division))
    base = {d: VA_BASE.get(d, float(rng.uniform(0.20, 0.30))) for d in divisions}
    weight = sei_annual[:, 1]
    mean = sum(base[d] * weight[division == d].sum() for d in divisions) / weight.sum()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["year", "industry_division", "va_rate"])
        for year in years:
            for d in divisions:
                rate = float(np.clip(base[d] * VA_RATE_MEAN / mean + rng.normal(0.0, 0.004), 0.18, 0.35))
                writer.writerow([year, d, f"{rate:.3f}"])


def _write_marker(path: Path, seed: int, n: int, start: str, end: str) -> None:
    """raw/SIMULATED.txt: says in Chinese and English that raw/ holds simulated data (模拟数据)."""
    path.write_text(
        f"模拟数据：本目录的月报（returns/）、调查单位名录（roster/）和增加值率（va_rates.csv）由 `sei-stats demo-data` 以随机种子 {seed} 生成"
        f"（{n} 家企业，{start} 至 {end}），不是真实统计数据。\n"
        "例外：gdp.csv 为大连市公开发布的地区生产总值（亿元），按季节比例拆分到季度。\n\n"
        f"SIMULATED DATA: the monthly returns (returns/), the survey rosters (roster/) and value-added rates (va_rates.csv) here were generated "
        f"by `sei-stats demo-data` with seed {seed} ({n} enterprises, {start} to {end}); they are not real statistics.\n"
        "Exception: gdp.csv holds Dalian's published annual GDP (亿元), split into quarters by a seasonal profile.\n",
        encoding="utf-8",
    )
