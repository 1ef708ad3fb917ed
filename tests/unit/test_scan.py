"""Nothing under raw/returns/ is skipped in silence: every entry is read, a problem, or litter ignored with a note."""

import pickle

import pytest

from sei_stats.read import (
    PeriodScan,
    ReturnFileError,
    ReturnsScan,
    available_periods,
    period_files,
    period_name_for,
    read_period,
    read_period_with_notes,
    scan_period,
    scan_returns,
)

from conftest import A, write_csv

ROW = ["2018-03", A, "大连芯片有限公司", "210213", "3973", "397301", "芯片", "1000.5", ""]
LITTER = ("Thumbs.db", "~$x.xlsx", "x.csv~", ".hidden", ".~lock.a.xlsx#", "desktop.ini")


def returns_dir(tmp_path, *folders: str):
    for name in folders:
        write_csv(tmp_path / name / "r.csv", [ROW])
    return tmp_path


# --- raw/returns/ -------------------------------------------------------------------------------

def test_period_folders_are_the_periods_oldest_first(tmp_path):
    scan = scan_returns(returns_dir(tmp_path, "2018-12", "2017-12", "2018-03"))
    assert scan == ReturnsScan(periods=("2017-12", "2018-03", "2018-12"), problems=(), ignored=())
    assert available_periods(tmp_path) == ["2017-12", "2018-03", "2018-12"]


def test_a_missing_returns_folder_has_nothing(tmp_path):
    assert scan_returns(tmp_path / "nowhere") == ReturnsScan((), (), ())
    assert available_periods(tmp_path / "nowhere") == []


@pytest.mark.parametrize(("name", "advice"), [
    ("2020-4", "rename it 2020-04"),
    ("2020-13", "rename it after the report period of its returns"),
    ("tmp", "rename it after the report period of its returns"),
])
def test_a_folder_not_named_yyyy_mm_is_a_problem_naming_its_path_and_name(tmp_path, name, advice):
    returns_dir(tmp_path, "2018-03", name)
    scan = scan_returns(tmp_path)
    assert scan.periods == ("2018-03",)
    [problem] = scan.problems
    assert problem.startswith(f"{tmp_path / name}: not a report-period folder YYYY-MM")
    assert advice in problem
    assert available_periods(tmp_path) == ["2018-03"]


def test_an_empty_misnamed_folder_is_a_problem_too(tmp_path):
    (tmp_path / "tmp").mkdir()
    assert [p.path for p in scan_returns(tmp_path).problems] == [tmp_path / "tmp"]


def test_a_file_directly_under_the_returns_folder_is_a_problem(tmp_path):
    returns_dir(tmp_path, "2018-03")
    write_csv(tmp_path / "2018-04.csv", [ROW])
    [problem] = scan_returns(tmp_path).problems
    assert problem.startswith(f"{tmp_path / '2018-04.csv'}: a file directly under the returns folder")


def test_litter_and_hidden_folders_under_the_returns_folder_are_ignored_with_a_note(tmp_path):
    returns_dir(tmp_path, "2018-03")
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    (tmp_path / ".sync").mkdir()
    scan = scan_returns(tmp_path)
    assert scan.problems == ()
    assert list(scan.ignored) == [f"{tmp_path / '.sync'}: ignored, a hidden folder",
                                  f"{tmp_path / 'Thumbs.db'}: ignored, a Windows thumbnail cache"]


@pytest.mark.parametrize(("name", "period"), [
    ("2020-4", "2020-04"), ("2020_04", "2020-04"), ("202004", "2020-04"), ("2020.4", "2020-04"),
    ("2020年4月", "2020-04"), ("２０２０－０４", "2020-04"), ("2020-13", None), ("tmp", None), ("2020", None),
])
def test_the_period_a_misnamed_folder_means(name, period):
    assert period_name_for(name) == period


# --- a period folder ----------------------------------------------------------------------------

def test_return_files_in_code_point_order_of_names(tmp_path):
    for name in ("b.csv", "Z.xls", "a.XLSX", "c.csv"):
        (tmp_path / name).write_bytes(b"")
    scan = scan_period(tmp_path)
    assert [p.name for p in scan.files] == ["Z.xls", "a.XLSX", "b.csv", "c.csv"]
    assert scan == PeriodScan(files=scan.files, problems=(), ignored=())
    assert period_files(tmp_path) == list(scan.files)


@pytest.mark.parametrize("name", LITTER)
def test_office_litter_is_ignored_with_a_note(tmp_path, name):
    write_csv(tmp_path / "2018-03" / "r.csv", [ROW])
    (tmp_path / "2018-03" / name).write_bytes(b"\x00not a return")
    scan = scan_period(tmp_path / "2018-03")
    assert [p.name for p in scan.files] == ["r.csv"] and scan.problems == ()
    [note] = scan.ignored
    assert note.startswith(f"{tmp_path / '2018-03' / name}: ignored, ")
    frame, notes = read_period_with_notes(tmp_path, "2018-03")
    assert len(frame) == 1 and notes == [note]


def test_a_subfolder_holding_files_is_a_problem_naming_it(tmp_path):
    write_csv(tmp_path / "2020-03" / "r.csv", [ROW])
    write_csv(tmp_path / "2020-03" / "补报" / "late.csv", [ROW])
    [problem] = scan_period(tmp_path / "2020-03").problems
    assert problem.path == tmp_path / "2020-03" / "补报"
    assert problem.startswith(f"{tmp_path / '2020-03' / '补报'}: a subfolder holding 1 file(s) (e.g. late.csv)")


def test_an_empty_or_hidden_subfolder_is_ignored_with_a_note(tmp_path):
    write_csv(tmp_path / "r.csv", [ROW])
    (tmp_path / "empty").mkdir()
    (tmp_path / "only_litter").mkdir()
    (tmp_path / "only_litter" / "Thumbs.db").write_bytes(b"x")
    write_csv(tmp_path / ".git" / "x.csv", [ROW])
    scan = scan_period(tmp_path)
    assert scan.problems == ()
    assert [n.what for n in scan.ignored] == ["ignored, a hidden folder", "ignored, a folder holding no file",
                                              "ignored, a folder holding no file"]


@pytest.mark.parametrize("name", ["notes.txt", "notes.docx", "r.ods", "README"])
def test_a_file_that_is_not_a_return_is_a_problem(tmp_path, name):
    (tmp_path / name).write_bytes(b"x")
    [problem] = scan_period(tmp_path).problems
    assert problem == f"{tmp_path / name}: not a return file: only .csv, .xlsx and .xls are read"


# --- reading a period with problems ----------------------------------------------------------------

def period_with_problems(tmp_path):
    write_csv(tmp_path / "2020-03" / "r.csv", [["2020-03", *ROW[1:]]])
    write_csv(tmp_path / "2020-03" / "补报" / "late.csv", [ROW])
    (tmp_path / "2020-03" / "notes.txt").write_text("call back on Monday", encoding="utf-8")
    (tmp_path / "2020-03" / "Thumbs.db").write_bytes(b"x")
    return tmp_path / "2020-03"


def test_a_problem_fails_the_month_naming_the_first_and_how_many(tmp_path):
    folder = period_with_problems(tmp_path)
    with pytest.raises(ReturnFileError) as caught:
        read_period(tmp_path, "2020-03")
    assert caught.value.path == folder / "notes.txt"  # code-point order: 'n' before '补'
    message = str(caught.value)
    assert message.startswith(f"{folder / 'notes.txt'}: not a return file")
    assert f"(and 1 more problem in {folder})" in message and "--lenient" in message


def test_lenient_reads_the_files_and_leaves_the_problems_as_warnings(tmp_path):
    folder = period_with_problems(tmp_path)
    frame, notes = read_period_with_notes(tmp_path, "2020-03", lenient=True)
    assert frame["source_file"].tolist() == ["2020-03/r.csv"]
    assert len(notes) == 3
    assert notes[0] == f"warning: {folder / 'notes.txt'}: not a return file: only .csv, .xlsx and .xls are read"
    assert notes[1].startswith(f"warning: {folder / '补报'}: a subfolder holding 1 file(s) (e.g. late.csv)")
    assert notes[2] == f"{folder / 'Thumbs.db'}: ignored, a Windows thumbnail cache"
    assert read_period(tmp_path, "2020-03", lenient=True).equals(frame)


def test_a_period_folder_holding_only_litter_has_no_return_files(tmp_path):
    (tmp_path / "2018-03").mkdir()
    (tmp_path / "2018-03" / "~$r.xlsx").write_bytes(b"x")
    with pytest.raises(ReturnFileError, match="no return files for period 2018-03"):
        read_period(tmp_path, "2018-03")


def test_a_missing_period_folder_names_the_misnamed_one(tmp_path):
    returns_dir(tmp_path, "2020-4")
    with pytest.raises(ReturnFileError, match=r"no return folder for period 2020-04 \(.*2020-4 is misnamed: rename it 2020-04\)"):
        read_period(tmp_path, "2020-04")


def test_a_note_is_a_plain_string_with_its_parts(tmp_path):
    (tmp_path / "tmp").mkdir()
    [problem] = scan_returns(tmp_path).problems
    assert isinstance(problem, str) and problem.path == tmp_path / "tmp" and problem == f"{problem.path}: {problem.what}"
    assert pickle.loads(pickle.dumps(problem)) == problem
    assert pickle.loads(pickle.dumps(problem)).path == problem.path
