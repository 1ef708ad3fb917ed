import pytest

import random

import pandas as pd

from sei_stats.credit_code import CHARSET, WEIGHTS, check_character, is_valid, problem, valid_mask


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91310110666007217T", "91330101589882738D", "91210200241765653R"])
def test_published_codes_are_valid(code):
    assert is_valid(code)


def test_weights_are_powers_of_three_mod_31():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_check_character_of_a_dalian_code():
    assert check_character("91210200241765653") == "R"


def test_problems_are_named():
    assert problem("91210200241765653X") == "check character is X, GB 32100-2015 gives R"
    assert problem("9121020024176565") == "has 16 characters, not 18"
    assert problem("91210200241765653I") == "has characters outside the GB 32100-2015 set: I"


def test_a_whole_column_is_judged_as_each_code_alone():
    """valid_mask over a column equals is_valid code by code: valid codes, a wrong check character, lower case,
    a letter outside the set, full-width and Chinese characters of the right length, too short, too long, empty."""
    rng = random.Random(7)
    codes = ["91350100M000100Y43", "91210200241765653X", "91350100m000100y43", "91210200241765653I",
             "９1210200241765653R", "大连1210200241765653", "9121020024176565", "91210200241765653RR", ""]
    for _ in range(2000):
        first17 = "".join(rng.choice(CHARSET) for _ in range(17))
        codes.append(first17 + (check_character(first17) if rng.random() < 0.5 else rng.choice(CHARSET + "a中")))
    expected = [is_valid(code) for code in codes]
    assert 900 < sum(expected) < 1100
    assert valid_mask(pd.Series(codes, dtype="string")).tolist() == expected
    assert valid_mask([]).tolist() == [] and valid_mask(["9121020024176565"]).tolist() == [False]


def test_problems_are_named_in_chinese_for_the_reviewers():
    assert problem("91210200241765653X", chinese=True) == "校验码为X，按GB 32100-2015应为R"
    assert problem("9121020024176565", chinese=True) == "16位，应为18位"
    assert problem("91210200241765653I", chinese=True) == "含GB 32100-2015字符集以外的字符I"
    assert problem("91210200241765653R", chinese=True) is None
