"""The SQL of the warehouse read as data: which relations each file creates and reads, their
descriptions, the order the files run in, and the cross-period rule engine assembled from sql/rules/.

A published relation is declared once, by its CREATE VIEW and COMMENT ON VIEW in a file of sql/;
the Dagster asset specs and the run order are derived from those statements.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from graphlib import TopologicalSorter
from importlib import resources

import duckdb

SCHEMAS = ("ref", "fact", "mart", "qa")
PUBLISHED_SCHEMAS = ("mart", "qa")
_CREATE = re.compile(r"\bCREATE\s+(?:TABLE|VIEW)\s+(\w+)\.(\w+)", re.IGNORECASE)
_COMMENT = re.compile(r"\bCOMMENT\s+ON\s+(?:TABLE|VIEW)\s+(\w+)\.(\w+)\s+IS\s+'((?:[^']|'')*)'", re.IGNORECASE)
_ANY_COMMENT = re.compile(r"\bCOMMENT\s+ON\s+\w+\s+[\w.\"]+\s+IS\s+'(?:[^']|'')*'", re.IGNORECASE)
_NAME = re.compile(r"\b(" + "|".join(SCHEMAS) + r")\.(\w+)\b")
RULE_ENGINE = "rules/*.sql"
# The tables sql/fact_scope.sql creates empty and sei_stats.scope fills.
SCOPE_TABLES = ("fact.frame_classes", "fact.imputed_lines", "fact.frame_findings", "qa.frame")


_CREATES = re.compile(r"^(?:\s|--[^\n]*\n)*CREATE\s+(?:TABLE|VIEW)\s+(\w+\.\w+)", re.IGNORECASE)


def quote(text: str) -> str:
    """A string literal of SQL (a view's or COPY's paths take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def in_one_commit(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Statements that change the catalog only (COMMENTs) in one transaction: on a database file one commit for
    them all takes half the time of one commit each (1,800 COMMENTs: 0.52 s against 1.05 s)."""
    if not sql:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(sql)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def sql_list(paths) -> str:
    """A list literal of paths, each quoted."""
    return "[" + ", ".join(quote(str(p)) for p in paths) + "]"


def created_by(statement: str) -> str | None:
    """The relation a statement creates (schema.name as written), None when it creates none."""
    match = _CREATES.match(statement)
    return match[1] if match else None


def unsuffixed(name: str, suffix: str) -> str:
    """fact_y2020.lines -> fact.lines for suffix _y2020: the relation a suffixed schema's one stands for."""
    schema, table = name.split(".")
    return f"{schema.removesuffix(suffix) if suffix else schema}.{table}"


@dataclass(frozen=True)
class SqlFile:
    name: str
    text: str

    @property
    def creates(self) -> set[str]:
        return {f"{s}.{n}" for s, n in _CREATE.findall(self.text)}

    @property
    def reads(self) -> set[str]:
        return _reads(self.text, self.creates)


    def statements(self) -> dict[str, str]:
        """Each relation the file creates, with its CREATE and the statements up to the next CREATE."""
        starts = [(m.start(), f"{m.group(1)}.{m.group(2)}") for m in _CREATE.finditer(self.text)]
        ends = [s for s, _ in starts[1:]] + [len(self.text)]
        return {key: self.text[start:end] for (start, key), end in zip(starts, ends)}


def _reads(text: str, creates: set[str]) -> set[str]:
    code = re.sub(r"--[^\n]*", "", _ANY_COMMENT.sub("", text))
    return {f"{s}.{n}" for s, n in _NAME.findall(code)} - creates


@dataclass(frozen=True)
class Relation:
    key: str            # schema.name
    description: str    # its COMMENT
    reads: frozenset[str]
    file: str


def _sql_folder():
    return resources.files("sei_stats") / "sql"


def rule_files() -> dict[str, str]:
    """sql/rules/<rule>.sql by rule name: each a SELECT of (period, source_file, line_number, failed, message)."""
    folder = _sql_folder() / "rules"
    return {f.name.removesuffix(".sql"): f.read_text(encoding="utf-8")
            for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".sql")}


def _params_cte(rule: str, params: list[str]) -> str:
    if not params:
        return "params AS (SELECT NULL AS none)"
    columns = ", ".join(f"max(value) FILTER (WHERE param = '{p}') AS {p}" for p in params)
    return f"params AS (SELECT {columns} FROM ref.rule_params WHERE rule = '{rule}')"


def rule_engine_sql(rules: dict[str, list[str]]) -> str:
    """fact.rule_findings: every cross-period rule's outcome on every accepted line, as one long table.

    ``rules``: the sql-engine rules of schemas/rules.yaml with their parameter names. A rule's file
    reads its parameters as ``params.<name>`` (from ref.rule_params: defaults with overrides).
    """
    files = rule_files()
    if set(files) != set(rules):
        raise ValueError(f"sql/rules/: files {sorted(files)} differ from the sql rules of rules.yaml {sorted(rules)}")
    branches = [
        f"SELECT period, source_file, line_number, '{rule}' AS rule,\n"
        f"       CASE WHEN failed THEN 'fail' WHEN NOT failed THEN 'pass' ELSE 'missing' END AS outcome,\n"
        f"       CASE WHEN failed THEN message END AS message\n"
        f"FROM (WITH {_params_cte(rule, params)}\n{files[rule].strip()})"
        for rule, params in sorted(rules.items())
    ] or ["SELECT NULL::DATE AS period, NULL AS source_file, NULL::INTEGER AS line_number, NULL AS rule, "
          "NULL AS outcome, NULL AS message WHERE false"]
    return (
        "CREATE TABLE fact.rule_findings AS\n" + "\nUNION ALL\n".join(branches) + ";\n\n"
        "COMMENT ON TABLE fact.rule_findings IS 'Each cross-period rule (sql/rules/) confronted with each accepted line: "
        "one row per line and rule (after Statistics Netherlands'' validate).';\n"
        "COMMENT ON COLUMN fact.rule_findings.rule IS 'Rule name (schemas/rules.yaml)';\n"
        "COMMENT ON COLUMN fact.rule_findings.outcome IS 'pass, fail, or missing (nothing to compare with)';\n"
        "COMMENT ON COLUMN fact.rule_findings.message IS 'For a fail: what the rule found, with the values compared';\n"
    )


def sql_files(rules: dict[str, list[str]]) -> list[SqlFile]:
    """The SQL of the warehouse in the order it must run: each file after the files it reads from."""
    folder = _sql_folder()
    files = [SqlFile(f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql")]
    files.append(SqlFile(RULE_ENGINE, rule_engine_sql(rules)))
    creator = {}
    for f in files:
        for key in f.creates:
            if key in creator:
                raise ValueError(f"{key} is created in both sql/{creator[key]} and sql/{f.name}")
            creator[key] = f.name
    graph = {f.name: {creator[r] for r in f.reads if r in creator} - {f.name} for f in files}
    order = list(TopologicalSorter({k: sorted(v) for k, v in sorted(graph.items())}).static_order())
    by_name = {f.name: f for f in files}
    return [by_name[name] for name in order]


@functools.cache
def lineage() -> dict[str, set[str]]:
    """Every relation of the warehouse (published or not) with everything it reads, directly or not."""
    direct = {}
    for f in sql_files(rules={name: [] for name in rule_files()}):
        if f.name == RULE_ENGINE:
            direct["fact.rule_findings"] = f.reads | {"fact.cross_period_context", "ref.rule_params"}
            continue
        for key, statement in f.statements().items():
            direct[key] = _reads(statement, {key})
    # Filled by sei_stats.scope (Python) from the frame and the final lines, not by SQL.
    for table in SCOPE_TABLES:
        direct[table] = direct.get(table, set()) | {"fact.scope_lines", "fact.frame", "fact.lines", "ref.catalog"}
    closed: dict[str, set[str]] = {}

    def close(key: str) -> set[str]:
        if key not in closed:
            closed[key] = set()
            for read in direct.get(key, ()):
                closed[key] |= {read} | close(read)
        return closed[key]

    return {key: close(key) for key in direct}


def published_relations() -> list[Relation]:
    """Every relation of schemas mart and qa, with its description, from the SQL that creates it."""
    out = []
    for f in sql_files(rules={name: [] for name in rule_files()}):
        comments = {f"{s}.{n}": text.replace("''", "'") for s, n, text in _COMMENT.findall(f.text)}
        for key, statement in sorted(f.statements().items()):
            if key.split(".")[0] in PUBLISHED_SCHEMAS:
                out.append(Relation(key, comments.get(key, ""), frozenset(_reads(statement, {key})), f.name))
    # in the order of what each reads (Dagster wants a multi-asset's outputs so), by name among equals
    by_key = {r.key: r for r in out}
    graph = {r.key: sorted(r.reads & set(by_key)) for r in sorted(out, key=lambda r: r.key)}
    return [by_key[key] for key in TopologicalSorter(graph).static_order()]
