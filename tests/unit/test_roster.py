"""The roster's credit codes, read once while the file stays the same."""

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
