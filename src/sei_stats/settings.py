"""The settings in force: each rule's parameters (schemas/rules.yaml), the other settings (defaults.yaml,
packaged), the repo's local overrides (config/quality.yaml) over both, and the data folder's own
overrides (<SEI_DATA_DIR>/config/settings.yaml) over all of them.

Every overrides file has the same format (sections ``rules`` and SECTIONS) and the same validation, by a
pydantic model per section and per rule with parameters (MODELS, RULE_RANGES): a key no model knows, a value of
another type (a number for a number, a whole number for a count, true or false for a yes/no setting) or out of its
range (a share between 0 and 1, a count of at least 1 …) is a SettingsError naming the file that set it and the key:
"<path>: disclosure.protection_share: 1.5 is not between 0 and 1". The packaged defaults pass the same models.

Only ``<SEI_DATA_DIR>/config/settings.yaml`` is read from the data folder: a vintage keeps that one file as the
settings it was computed with (sei_stats.vintages), and several files would need an order between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .config import REPO_ROOT, DataPaths, data_paths
from .schemas.rules import load_rules

OVERRIDES = REPO_ROOT / "config" / "quality.yaml"
DEFAULTS = "src/sei_stats/defaults.yaml"  # how messages name the packaged defaults
RULES = "schemas/rules.yaml"              # … and the rules' parameters
SECTIONS = ("imputation", "checks", "runs", "calendar", "disclosure")


class SettingsError(ValueError):
    """A settings file with an unknown key, a value of another type than the setting's, or one out of its range."""


# strict: YAML's 1 is no yes/no value and true no number; every key must be a field (extra="forbid")
_STRICT = ConfigDict(extra="forbid", strict=True)
SHARE = {"ge": 0, "le": 1}  # a fraction


class Imputation(BaseModel):
    model_config = _STRICT
    min_stratum_respondents: int = Field(ge=1)       # a stratum is imputed from the movement of at least one


class Checks(BaseModel):
    model_config = _STRICT
    max_rejected_output_share: float = Field(**SHARE)
    max_held_output_share: float = Field(**SHARE)
    max_nonresponse_rate: float = Field(**SHARE)
    identity_output_tolerance: float = Field(ge=0)  # 亿元


class Runs(BaseModel):
    model_config = _STRICT
    pool_wait_seconds: float = Field(ge=0)           # 0: give up at once when another run holds the pool
    landing_max_concurrent: int = Field(ge=1)


class Calendar(BaseModel):
    model_config = _STRICT
    january_reported: bool


class Disclosure(BaseModel):
    model_config = _STRICT
    min_frequency: int = Field(ge=0)                 # 0 or 1: no cell is sensitive by frequency
    dominance_top1_share: float = Field(**SHARE)
    dominance_top2_share: float = Field(**SHARE)
    protection_share: float = Field(**SHARE)


MODELS: dict[str, type[BaseModel]] = {"imputation": Imputation, "checks": Checks, "runs": Runs,
                                      "calendar": Calendar, "disclosure": Disclosure}
# The rules' parameters whose meaning (schemas/rules.yaml) bounds them: (rule, parameter) -> type and range.
# A parameter not listed is a number of any value.
RULE_RANGES: dict[tuple[str, str], tuple[type, dict]] = {
    ("output_ytd_in_range", "max_value_qianyuan"): (float, {"gt": 0}),                 # 千元
    ("output_ytd_prior_in_range", "max_prior_value_qianyuan"): (float, {"gt": 0}),     # 千元
    ("output_ytd_implausible", "max_line_output_qianyuan"): (float, {"gt": 0}),        # 千元
    ("field_too_long", "max_field_chars"): (int, {"ge": 1}),                           # characters
    ("prior_differs_from_last_year", "prior_tolerance"): (float, {"ge": 0}),           # fraction, may exceed 1
    ("unit_error_suspected", "unit_error_ratio"): (float, {"gt": 1}),                  # ≤ 1 would flag every line
    ("growth_outlier", "max_abs_growth"): (float, {"ge": 0}),                          # fraction
    ("growth_outlier", "material_output_qianyuan"): (float, {"ge": 0}),                # 千元
    ("imputed_too_long", "max_consecutive_months"): (int, {"ge": 0}),                  # months
}


def _rule_model(rule: str, params: dict) -> type[BaseModel]:
    return _rule_model_of(rule, tuple(params))


@lru_cache(maxsize=None)  # made once per rule: settings are loaded by every landing and check
def _rule_model_of(rule: str, params: tuple[str, ...]) -> type[BaseModel]:
    fields = {}
    for name in params:
        kind, bounds = RULE_RANGES.get((rule, name), (float, {}))
        fields[name] = (kind, Field(**bounds))
    return create_model(f"Rule_{rule}", __config__=_STRICT, **fields)


def _problem(error: dict, model: type[BaseModel]) -> str:
    """One pydantic error as the end of a SettingsError: "1.5 is not between 0 and 1"."""
    value, kind = error["input"], error["type"]
    if kind == "extra_forbidden":
        return f"unknown setting (known: {', '.join(sorted(model.model_fields))})"
    if kind == "missing":  # the packaged defaults lack a setting its model has
        return "missing"
    if kind == "bool_type":
        return f"{value!r} is not true or false"
    if kind in ("int_type", "float_type"):
        if kind == "int_type" and isinstance(value, float):
            return f"{value!r} is not a whole number"
        return f"{value!r} is not a number"
    bounds = {m.__class__.__name__.lower(): getattr(m, m.__class__.__name__.lower())
              for m in model.model_fields[error["loc"][0]].metadata if hasattr(m, m.__class__.__name__.lower())}
    if not bounds:  # any other problem, in pydantic's words
        return f"{value!r}: {error['msg']}"
    if "ge" in bounds and "le" in bounds:
        return f"{value!r} is not between {bounds['ge']:g} and {bounds['le']:g}"
    words = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}
    return f"{value!r} is not " + " and ".join(f"{words[k]} {v:g}" for k, v in bounds.items())


def _validate(model: type[BaseModel], values: dict, where: str, sources: dict[str, str], prefix: str,
              origin: str) -> dict:
    """``values`` checked by ``model``; the first problem a SettingsError naming the file that set the key
    (``sources``, else ``origin``) and the key."""
    try:
        model.model_validate(values)
        return dict(values)  # as written (an integer stays one where a number is asked): the model only checks
    except ValidationError as err:
        error = err.errors()[0]
        key = error["loc"][0]
        raise SettingsError(f"{sources.get(f'{prefix}.{key}', origin)}: {where}.{key}: {_problem(error, model)}") from None


@dataclass(frozen=True)
class Settings:
    rule_params: dict[str, dict[str, float]]   # rule -> parameter -> value
    imputation: dict[str, float]
    checks: dict[str, float]
    runs: dict[str, float]
    calendar: dict[str, bool] = field(default_factory=lambda: {"january_reported": False})
    # statistical disclosure control (sei_stats.disclosure.Rules.from_settings); {} reads the Rules' defaults
    disclosure: dict[str, float] = field(default_factory=dict)
    # "section.name" -> the file that set the value in force (DEFAULTS, rules.yaml or an overrides file)
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    # the data folder's overrides file (read when it exists): where a data folder sets its own values
    data_file: Path | None = field(default=None, compare=False)

    def param(self, rule: str, name: str) -> float:
        return self.rule_params[rule][name]

    def source(self, section: str, name: str) -> str:
        """The file that set ``section.name``: the packaged defaults unless an overrides file set it."""
        return self.sources.get(f"{section}.{name}", DEFAULTS)

    def flat(self) -> dict[str, float]:
        """Every value by its own name (names are unique across rules and sections)."""
        out = {name: value for params in self.rule_params.values() for name, value in params.items()}
        return out | self.imputation | self.checks | self.runs | self.calendar | self.disclosure


def _defaults() -> dict:
    text = (resources.files("sei_stats") / "defaults.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _merge(base: dict, override: dict | None, where: str, sources: dict[str, str], prefix: str, file: str,
           model: type[BaseModel]) -> dict:
    """``base`` with the values of ``override`` (the section ``where`` of ``file``), checked by ``model``."""
    if override is not None and not isinstance(override, dict):
        raise SettingsError(f"{file}: {where}: {override!r} is not a mapping of settings")
    out = dict(base)
    for key, value in (override or {}).items():
        out[key] = value
        sources[f"{prefix}.{key}"] = file
    return _validate(model, out, where, sources, prefix, file)


def _read(path: Path) -> dict:
    local = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(local, dict):
        raise SettingsError(f"{path}: not a mapping of sections (known: rules, {', '.join(SECTIONS)})")
    unknown = set(local) - {"rules", *SECTIONS}
    if unknown:
        raise SettingsError(f"{path}: unknown section {sorted(unknown)[0]!r} (known: rules, {', '.join(SECTIONS)})")
    return local


def _data_file(data: DataPaths | str | Path | None) -> Path:
    paths = data if isinstance(data, DataPaths) else data_paths(data)
    return paths.settings_yaml


def load_settings(overrides: Path | None = None, *, data: DataPaths | str | Path | None = None) -> Settings:
    """The settings in force: the defaults, then the overrides file (default OVERRIDES, config/quality.yaml),
    then the data folder's config/settings.yaml (``data``: a DataPaths or its root; default the data folder
    of SEI_DATA_DIR). A missing file overrides nothing."""
    overrides = OVERRIDES if overrides is None else overrides
    sources: dict[str, str] = {}
    rules = {r.name: r.params for r in load_rules().itertuples() if r.params}
    models = {s: MODELS[s] for s in SECTIONS} | {f"rules.{r}": _rule_model(r, p) for r, p in rules.items()}
    params = {r: _validate(models[f"rules.{r}"], p, f"rules.{r}", sources, f"rules.{r}", RULES) for r, p in rules.items()}
    defaults = _defaults()
    sections = {s: _validate(models[s], defaults[s], s, sources, s, DEFAULTS) for s in SECTIONS}
    data_file = _data_file(data)
    for path in (overrides, data_file):
        if path is None or not Path(path).exists():
            continue
        local = _read(Path(path))
        for rule, values in (local.get("rules") or {}).items():
            if rule not in params:
                raise SettingsError(f"{path}: rules.{rule}: no rule of that name has parameters")
            params[rule] = _merge(params[rule], values, f"rules.{rule}", sources, f"rules.{rule}", str(path),
                                  models[f"rules.{rule}"])
        for s in SECTIONS:
            sections[s] = _merge(sections[s], local.get(s), s, sources, s, str(path), models[s])
    return Settings(rule_params=params, **sections, sources=sources, data_file=data_file)
