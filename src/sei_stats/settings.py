"""The settings in force: each rule's parameters (schemas/rules.yaml), the other settings (defaults.yaml,
packaged), the repo's local overrides (config/quality.yaml) over both, and the data folder's own
overrides (<SEI_DATA_DIR>/config/settings.yaml) over all of them.

Every overrides file has the same format (sections ``rules`` and SECTIONS) and the same validation:
a key the defaults do not know, or a value of another type than its default's (a number for a number,
true or false for a yes/no setting), is a SettingsError naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from .config import REPO_ROOT, DataPaths, data_paths
from .schemas.rules import load_rules

OVERRIDES = REPO_ROOT / "config" / "quality.yaml"
DEFAULTS = "src/sei_stats/defaults.yaml"  # how messages name the packaged defaults
SECTIONS = ("imputation", "checks", "runs", "calendar", "disclosure")


class SettingsError(ValueError):
    """A settings file with an unknown key or a value of another type than its default's."""


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


def _number(where: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(f"{where}: {value!r} is not a number")
    return value


def _typed(where: str, value, default):
    """``value`` when it has the type of ``default``: true or false for a yes/no setting, else a number."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SettingsError(f"{where}: {value!r} is not true or false")
        return value
    return _number(where, value)


def _merge(base: dict, override: dict | None, where: str, sources: dict[str, str], prefix: str, file: str) -> dict:
    if override is not None and not isinstance(override, dict):
        raise SettingsError(f"{where}: {override!r} is not a mapping of settings")
    out = dict(base)
    for key, value in (override or {}).items():
        if key not in base:
            raise SettingsError(f"{where}.{key}: unknown setting (known: {', '.join(sorted(base))})")
        out[key] = _typed(f"{where}.{key}", value, base[key])
        sources[f"{prefix}.{key}"] = file
    return out


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
    rules = load_rules()
    params = {r.name: {k: _number(f"rules.yaml: {r.name}.{k}", v) for k, v in r.params.items()}
              for r in rules.itertuples() if r.params}
    defaults = _defaults()
    sections = {s: {k: v if isinstance(v, bool) else _number(f"{DEFAULTS}: {s}.{k}", v) for k, v in defaults[s].items()}
                for s in SECTIONS}
    sources: dict[str, str] = {}
    data_file = _data_file(data)
    for path in (overrides, data_file):
        if path is None or not Path(path).exists():
            continue
        local = _read(Path(path))
        for rule, values in (local.get("rules") or {}).items():
            if rule not in params:
                raise SettingsError(f"{path}: rules.{rule}: no rule of that name has parameters")
            params[rule] = _merge(params[rule], values, f"{path}: rules.{rule}", sources, f"rules.{rule}", str(path))
        for s in SECTIONS:
            sections[s] = _merge(sections[s], local.get(s), f"{path}: {s}", sources, s, str(path))
    return Settings(rule_params=params, **sections, sources=sources, data_file=data_file)
