"""Every published figure of a small demo city equals its stored copy (tests/data/golden/)."""

import duckdb
import pytest

from golden import build_city, published_relations, stored


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:  # a float summed in another order may differ in its last bits, never more
        return float(a) == pytest.approx(float(b), rel=1e-12, abs=1e-15)
    except ValueError:
        return False


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    path = build_city(tmp_path_factory.mktemp("golden") / "data")
    with duckdb.connect(str(path), read_only=True) as con:
        return published_relations(con)


def test_the_same_relations_are_published(published):
    assert sorted(published) == sorted(stored())


@pytest.mark.parametrize("name", sorted(stored()))
def test_every_figure_equals_its_stored_copy(published, name):
    expected, actual = stored()[name], published[name]
    assert list(actual.columns) == list(expected.columns), name
    assert len(actual) == len(expected), name
    for column in expected.columns:
        differ = [(i, e, a) for i, (e, a) in enumerate(zip(expected[column], actual[column])) if not _same(e, a)]
        assert not differ, f"{name}.{column}: rows differ, first (row, stored, now): {differ[:3]}"
