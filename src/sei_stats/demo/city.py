"""The demo city itself: enterprises, their product lines and output, the month-by-month good rows.

Enterprises are drawn by district, area and catalog entry (a few giants among them), each with
1–3 product lines whose annual output is calibrated to the city's SEI path (about 3000亿元 in
2017, growing 10–12% a year), spread over the months by a seasonal profile. Enterprises join and
leave the form at the turn of a year (a few close during one: dynamics.close_mid_year); a few
roster enterprises miss a month (non-response). The
rows carry the two faults that are part of the city's life rather than slips of a line: the pilot
credit codes of a few enterprises and the big new contracts (faults.growth_outlier), after which
the city's totals are calibrated again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sei_stats import period
from sei_stats.catalog import AREAS
from sei_stats.credit_code import CHARSET, check_character
from sei_stats.vocabulary import measure_of

from . import faults
from .files import district_batches, file_plan

# --- calibration targets ---------------------------------------------------------------------

ANCHOR_YEAR = 2017
SEI_OUTPUT_ANCHOR = (2950e5, 3050e5)  # 千元: SEI industrial output in December of 2017, about 3000亿元
SEI_GROWTH = (0.105, 0.12)  # total SEI output growth a year (comparable growth runs about a point lower)
NON_SEI_SHARE = 0.08  # enterprises on the form whose lines the catalog does not classify
BORN_SHARE, DEATH_SHARE, DECIMAL_SHARE = 0.10, 0.03, 0.12
NEVER = 10**9  # the death year of an enterprise that stays on the form
NEW_PRODUCT_SHARE = 0.15
PRIOR_NOISE_SHARE = 0.08
PRIOR_NOISE_SD, PRIOR_NOISE_CAP = 0.015, 0.045  # reporting noise of a prior: ±1.5%, never beyond ±4.5%
PRIOR_NOISE_FLOOR = 50  # 千元: smaller priors carry no noise (rounding to whole 千元 is noise enough)
NONRESPONSE_RATE = 0.02  # roster enterprise-months without a return

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


def drawable_entries(catalog: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Catalog entries an enterprise can be drawn to: valid in some month of the range, one per kind and code."""
    valid_to = catalog["valid_to"].fillna("9999-12")
    usable = catalog[(catalog["valid_from"] <= months[-1]) & (valid_to >= months[0])]
    # Editions repeat a code with consecutive windows; one draw per code keeps the weights fair.
    return usable.drop_duplicates(["kind", "code"]).reset_index(drop=True)


def _valid_codes(catalog: pd.DataFrame, kind: str, month: str) -> set[str]:
    """Codes of one kind of catalog entry valid in report period ``month``."""
    valid_to = catalog["valid_to"].fillna("9999-12")
    valid = (catalog["kind"] == kind) & (catalog["valid_from"] <= month) & (valid_to >= month)
    return set(catalog.loc[valid, "code"])


def _has_prefix_in(code: str, codes: set[str]) -> bool:
    """True when some code of ``codes`` is a prefix of ``code``."""
    return any(code[:i] in codes for i in range(1, len(code) + 1))


def _judged_month(year: int, months: list[str]) -> str:
    """The month whose catalog judges a year: its December, or the range's nearest month."""
    return min(max(f"{year}-12", months[0]), months[-1])


def sei_in_december(catalog: pd.DataFrame, enterprises: pd.DataFrame, lines: pd.DataFrame,
                    years: list[int], months: list[str]) -> np.ndarray:
    """Lines × years: True when the catalog classifies the line as SEI in that year's December (contract rule).

    Years the range only partly covers are judged at the range's nearest month: the year before the
    range (its prior values) by the first month's catalog, a last year ending early by its last month.
    """
    industry = enterprises["industry_code"].to_numpy()[lines["ent"].to_numpy()]
    sei = np.zeros((len(lines), len(years)), dtype=bool)
    for yi, year in enumerate(years):
        month = _judged_month(year, months)
        products, industries = _valid_codes(catalog, "product", month), _valid_codes(catalog, "industry", month)
        sei[:, yi] = [(bool(p) and _has_prefix_in(p, products)) or _has_prefix_in(i, industries)
                      for p, i in zip(lines["product_code"], industry)]
    return sei


def industry_sei(catalog: pd.DataFrame, code: str, years: list[int], months: list[str]) -> tuple[bool, ...]:
    """For each year, True when an industry entry of the catalog covers class ``code`` (judged as sei_in_december)."""
    return tuple(_has_prefix_in(code, _valid_codes(catalog, "industry", _judged_month(y, months))) for y in years)


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


def enterprises_of(rng: np.random.Generator, entries: pd.DataFrame, catalog: pd.DataFrame, districts: pd.DataFrame,
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
    """Birth year (first year on the form, from January) and death year (first year off the form; NEVER for none).

    Enterprises leave the form at the turn of a year, as the survey frame is drawn up once a year:
    the roster of a year lists exactly the enterprises on the form that year, so a roster
    enterprise without a return in some month is a non-respondent, never a closed business (the
    few that close during a year are marked on its roster: dynamics.close_mid_year).
    An enterprise is on the form in the years birth ≤ year < death.
    """
    n, first, last = len(frame), years[1], years[-1]
    mortal = ~frame["giant"].to_numpy()
    born = mortal & (rng.random(n) < BORN_SHARE)
    birth = np.where(born, rng.integers(first, last + 1, n), first - 1)
    death_year = rng.integers(first, last + 1, n)
    # Off the form from death_year on; it must report in the range (the first year) to exist at all.
    dies = mortal & (rng.random(n) < DEATH_SHARE) & (death_year > birth) & (death_year > first)
    death = np.where(dies, death_year, NEVER)
    return birth, death


def roster_details(rng: np.random.Generator, enterprises: pd.DataFrame, catalog_dir: Path) -> pd.DataFrame:
    """The enterprises with their functional zone (``zone_id``) and ``pilot``: a 2015 pilot credit code.

    The zone is one of catalog/zones.csv's functional zones whose districts include the
    enterprise's (drawn when several do), else empty. The pilot codes are a planted fault
    (faults.credit_code_check_roster), drawn after the zones from the same stream.
    """
    frame = enterprises.copy()
    zones = _functional_zones(catalog_dir)
    frame["zone_id"] = [str(rng.choice(zones[d])) if len(zones.get(d, ())) > 1 else "".join(zones.get(d, ()))
                        for d in frame["district"]]
    faults.credit_code_check_roster(rng, frame)
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


def on_the_form(enterprises: pd.DataFrame, months: list[str]) -> np.ndarray:
    """Enterprises × months: True when the enterprise is on the form (and its year's roster) and open that month.

    One that closes during a year (``active_to``, dynamics.close_mid_year) is open up to that month.
    """
    year = np.array([period.year(m) for m in months])[None, :]
    listed = (enterprises["birth"].to_numpy()[:, None] <= year) & (year < enterprises["death"].to_numpy()[:, None])
    last = enterprises["active_to"].replace("", "9999-12").to_numpy(dtype=str)[:, None]
    return listed & (np.array(months, dtype=str)[None, :] <= last)


def nonresponse(rng: np.random.Generator, enterprises: pd.DataFrame, months: list[str],
                quality: dict[str, float], first_month: int = 1) -> np.ndarray:
    """Enterprises × months: True for a roster enterprise that sends no return that month (NONRESPONSE_RATE).

    Whole enterprise-months, never a giant's, never two months running (an enterprise that misses
    a month reports the next), never the year's first report period (month ``first_month``: January, or
    1–2月 when January is no report period) of two years running for one enterprise, and in no month more
    than half of the roster share the pipeline's check allows (max_nonresponse_rate). ``months``: the
    range's report periods, in order.
    """
    alive = on_the_form(enterprises, months)
    n_months = len(months)
    absent = np.zeros_like(alive)
    if n_months < 2:
        return absent
    candidates = alive[:, :-1] & alive[:, 1:] & ~enterprises["giant"].to_numpy()[:, None]
    cap = np.floor(0.5 * quality["max_nonresponse_rate"] * alive.sum(axis=0)).astype(int)
    opening = np.array([period.month(m) == first_month for m in months])
    same_month = {m: i for i, m in enumerate(months)}
    target, count = round(NONRESPONSE_RATE * alive.sum()), np.zeros(n_months, dtype=int)
    for k in rng.permutation(np.flatnonzero(candidates)):
        if count.sum() >= target:
            break
        e, m = divmod(int(k), n_months - 1)
        if count[m] >= cap[m] or absent[e, m + 1] or (m > 0 and absent[e, m - 1]):
            continue
        # The same month of the year before or after, when the range holds it.
        if opening[m] and any(absent[e, same_month[o]] for o in (period.shift(months[m], -12), period.shift(months[m], 12))
                              if o in same_month):
            continue
        absent[e, m] = True
        count[m] += 1
    return absent


# --- product lines -------------------------------------------------------------------------


def product_lines(rng: np.random.Generator, enterprises: pd.DataFrame, entries: pd.DataFrame,
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


def _in_december(enterprises: pd.DataFrame, lines: pd.DataFrame, years: list[int]) -> np.ndarray:
    """Lines × years: True when the line is made that year and its enterprise is still on the form (and open) in December."""
    year = np.array(years)[None, :]
    ent = lines["ent"].to_numpy()
    death = enterprises["death"].to_numpy()[ent][:, None]
    closing = np.array([int(last[:4]) if last else 0 for last in enterprises["active_to"]])[ent][:, None]
    return (year >= lines["start"].to_numpy()[:, None]) & (year < death) & (year != closing)


def annual_output(rng: np.random.Generator, enterprises: pd.DataFrame, lines: pd.DataFrame,
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
    # Scale each year so the industrial SEI lines alive in December sum to the city's target path: the plan's
    # output target is judged on industrial output; service units' revenue is scaled alike and comes beside it.
    raw = (annual * _in_december(enterprises, lines, years) * sei * _industrial(enterprises, lines)).sum(axis=0)
    if not raw.all():
        raise ValueError(f"the catalog classifies no line of the demo city in {[y for y, r in zip(years, raw) if not r]}")
    return annual * (_target_path(rng, years) / raw)[None, :]


def _target_path(rng: np.random.Generator, years: list[int]) -> np.ndarray:
    """The city's SEI December industrial output (千元) for each year: about 3000亿元 in 2017, growing SEI_GROWTH a year."""
    span = range(min(years[0], ANCHOR_YEAR), max(years[-1], ANCHOR_YEAR) + 1)
    growth = {y: rng.uniform(*SEI_GROWTH) for y in span}
    total = {ANCHOR_YEAR: rng.uniform(*SEI_OUTPUT_ANCHOR)}
    for y in range(ANCHOR_YEAR + 1, span.stop):
        total[y] = total[y - 1] * (1 + growth[y])
    for y in range(ANCHOR_YEAR - 1, span.start - 1, -1):
        total[y] = total[y + 1] / (1 + growth[y + 1])
    return np.array([total[y] for y in years])


def _ytd_and_prior_noise(rng: np.random.Generator, annual: np.ndarray, years: list[int],
                         quality: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Lines × years × months cumulative output (千元), and lines × years factors of the reporting noise of priors."""
    n_lines = len(annual)
    cumulative = np.stack([np.cumsum(_season(rng, y, n_lines), axis=1) for y in years], axis=1)
    noisy = rng.random((n_lines, len(years))) < PRIOR_NOISE_SHARE
    # Reporting noise stays well inside the prior tolerance, so no prior mismatch happens by chance.
    cap = min(PRIOR_NOISE_CAP, quality["prior_tolerance"] / 4)
    prior_noise = np.where(noisy, 1 + np.clip(rng.normal(0.0, PRIOR_NOISE_SD, (n_lines, len(years))), -cap, cap), 1.0)
    return annual[:, :, None] * cumulative, prior_noise


def good_rows(rng: np.random.Generator, contracts_rng: np.random.Generator, enterprises: pd.DataFrame,
              lines: pd.DataFrame, annual: np.ndarray, sei: np.ndarray, years: list[int], months: list[str],
              districts: pd.DataFrame, absent: np.ndarray, quality: dict[str, float]) -> pd.DataFrame:
    """Every line every month its enterprise reports: cumulative output, prior-year cumulative, file and order.

    Besides the form's fields, rows carry ``li`` (the product line), ``tag`` (the data-quality fault
    the row carries, '' for none; here growth_outlier and credit_code_check_roster) and ``context``
    (a clean row that another fault's detection compares with: no fault may land on it).
    """
    ytd, prior_noise = _ytd_and_prior_noise(rng, annual, years, quality)
    yi = np.array([period.year(p) - years[0] for p in months])
    mo = np.array([period.month(p) for p in months])
    ent = lines["ent"].to_numpy()
    start = lines["start"].to_numpy()[:, None]
    year = np.array(years)[yi][None, :]
    alive = (start <= year) & on_the_form(enterprises, months)[ent]
    present = alive & ~absent[ent]
    tag = np.full(present.shape, "", dtype=object)
    tag[enterprises["pilot"].to_numpy()[ent]] = "credit_code_check_roster"
    context = np.zeros(present.shape, dtype=bool)
    faults.growth_outlier(contracts_rng, ytd, lines, enterprises, years, months, present, tag, context, quality)
    ytd *= _recalibration(ytd, annual, sei, enterprises, lines, years)[None, :, None]
    has_prior = start <= year - 1
    output = ytd[:, yi, mo - 1]
    base = ytd[:, yi - 1, mo - 1]
    prior = base * np.where(base >= PRIOR_NOISE_FLOOR, prior_noise[:, yi], 1.0)
    li, mi = np.nonzero(present)
    e = ent[li]
    file_of = file_plan(months, districts)
    batch = district_batches(districts)
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


def _recalibration(ytd: np.ndarray, annual: np.ndarray, sei: np.ndarray, enterprises: pd.DataFrame,
                   lines: pd.DataFrame, years: list[int]) -> np.ndarray:
    """Factor per year that brings the city's December industrial SEI output back to its path after the contracts.

    ``annual`` is calibrated on every line alive in December; contracts add a little output. The
    city is calibrated whole: non-respondents' output is missing from the returns (about the
    non-response share) until imputation puts it back, and comparable growth is not disturbed.
    """
    in_december = _in_december(enterprises, lines, years) * _industrial(enterprises, lines)
    return (annual * in_december * sei).sum(axis=0) / (ytd[:, :, 11] * in_december * sei).sum(axis=0)


def _industrial(enterprises: pd.DataFrame, lines: pd.DataFrame) -> np.ndarray:
    """Lines × 1: True for a line of an industrial unit (its output is 工业总产值, not 营业收入)."""
    industry = enterprises["industry_code"].to_numpy(dtype=object)[lines["ent"].to_numpy()]
    return np.array([measure_of(code) == "industry" for code in industry])[:, None]
