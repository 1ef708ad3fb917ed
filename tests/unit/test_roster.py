"""The roster's credit codes, read once while the file stays the same."""

import pandas as pd

from sei_stats.config import data_paths
from sei_stats.roster import roster_codes

from conftest import A, B

HEADER = "credit_code,enterprise_name,district_code,zone_id,industry_code,area\n"


def test_a_roster_written_again_is_read_again(tmp_path):
    paths = data_paths(tmp_path / "data")
    assert roster_codes(paths, 2020) == frozenset()
    paths.roster_file(2020).parent.mkdir(parents=True)
    paths.roster_file(2020).write_text(HEADER + f"{A},甲,210213,,3973,新一代信息技术\n", encoding="utf-8")
    assert roster_codes(paths, 2020) == {A}
    # the same size, and on a coarse clock the same time: read again all the same (by its content)
    paths.roster_file(2020).write_text(HEADER + f"{B},乙,210213,,3973,新一代信息技术\n", encoding="utf-8")
    assert roster_codes(paths, 2020) == {B}
    paths.roster_file(2020).unlink()
    assert roster_codes(paths, 2020) == frozenset()


def test_a_window_outside_the_year_or_backwards_names_its_line(tmp_path):
    import pytest

    from sei_stats.roster import RosterError, read_roster

    paths = data_paths(tmp_path / "data")
    paths.roster_file(2020).parent.mkdir(parents=True)
    header = HEADER.rstrip("\n") + ",active_from,active_to\n"
    live = f"{A},甲,210213,,3973,新一代信息技术,,\n"
    for row, message in ((f"{B},乙,210213,,3973,新一代信息技术,2019-05,\n", "line 3: active_from '2019-05' is not a month YYYY-MM of 2020"),
                         (f"{B},乙,210213,,3973,新一代信息技术,,2020-13\n", "line 3: active_to '2020-13' is not a month YYYY-MM of 2020"),
                         (f"{B},乙,210213,,3973,新一代信息技术,2020-09,2020-03\n", "line 3: active_from 2020-09 is after active_to 2020-03")):
        paths.roster_file(2020).write_text(header + live + row, encoding="utf-8")
        with pytest.raises(RosterError, match=message):
            read_roster(paths, 2020)
    paths.roster_file(2020).write_text(header + live + f"{B},乙,210213,,3973,新一代信息技术,2020-03,2020-09\n", encoding="utf-8")
    roster = read_roster(paths, 2020)
    assert roster["active_from"].isna().tolist() == roster["active_to"].isna().tolist() == [True, False]
    assert (roster.loc[1, "active_from"], roster.loc[1, "active_to"]) == (pd.Timestamp("2020-03-01"), pd.Timestamp("2020-09-01"))
