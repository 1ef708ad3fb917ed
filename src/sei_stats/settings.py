"""The data-quality settings in force: each rule's parameters (schemas/rules.yaml), the other
settings (defaults.yaml, packaged), and the local overrides of config/quality.yaml over both."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from .config import REPO_ROOT
from .schemas.rules import load_rules

OVERRIDES = REPO_ROOT / "config" / "quality.yaml"
SECTIONS = ("imputation", "checks", "runs")


class SettingsError(ValueError):
    """A settings file with an unknown key or a value that is no number."""


@dataclass(frozen=True)
class Settings:
    rule_params: dict[str, dict[str, float]]   # rule -> parameter -> value
    imputation: dict[str, float]
    checks: dict[str, float]
    runs: dict[str, float]

    def param(self, rule: str, name: str) -> float:
        return self.rule_params[rule][name]

    def flat(self) -> dict[str, float]:
        """Every value by its own name (names are unique across rules and sections)."""
        out = {name: value for params in self.rule_params.values() for name, value in params.items()}
        return out | self.imputation | self.checks | self.runs


def _defaults() -> dict:
    text = (resources.files("sei_stats") / "defaults.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _number(where: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(f"{where}: {value!r} is not a number")
    return value


def _merge(base: dict[str, float], override: dict | None, where: str) -> dict[str, float]:
    out = dict(base)
    for key, value in (override or {}).items():
        if key not in base:
            raise SettingsError(f"{where}.{key}: unknown setting (known: {', '.join(sorted(base))})")
        out[key] = _number(f"{where}.{key}", value)
    return out


def load_settings(overrides: Path | None = None) -> Settings:
    """The settings in force: defaults, then the overrides file (default OVERRIDES; a missing file overrides nothing)."""
    overrides = OVERRIDES if overrides is None else overrides
    rules = load_rules()
    params = {r.name: {k: _number(f"rules.yaml: {r.name}.{k}", v) for k, v in r.params.items()}
              for r in rules.itertuples() if r.params}
    defaults = _defaults()
    local = {}
    if overrides is not None and Path(overrides).exists():
        local = yaml.safe_load(Path(overrides).read_text(encoding="utf-8")) or {}
    unknown = set(local) - {"rules", *SECTIONS}
    if unknown:
        raise SettingsError(f"{overrides}: unknown section {sorted(unknown)[0]!r} (known: rules, {', '.join(SECTIONS)})")
    for rule, values in (local.get("rules") or {}).items():
        if rule not in params:
            raise SettingsError(f"{overrides}: rules.{rule}: no rule of that name has parameters")
        params[rule] = _merge(params[rule], values, f"{overrides}: rules.{rule}")
    sections = {s: _merge({k: _number(f"defaults.yaml: {s}.{k}", v) for k, v in defaults[s].items()},
                          local.get(s), f"{overrides}: {s}") for s in SECTIONS}
    return Settings(rule_params=params, **sections)
