import pytest

from sei_stats.credit_code import WEIGHTS, check_character, is_valid, problem


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
