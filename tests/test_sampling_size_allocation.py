"""Sample size and allocation: hand-computed cases, bounds, infeasibility."""

from __future__ import annotations

import numpy as np
import pytest

from sampling import allocate, sample_size
from sampling.allocation import round_largest_remainder

# --- sample size ------------------------------------------------------------
# z(0.975) = 1.959963985; z² = 3.841458821


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"p": 0.5, "margin": 0.05}, 385),  # 3.8415·0.25/0.0025 = 384.15 → 385
        ({"p": 0.5, "margin": 0.05, "confidence": 0.99}, 664),  # 2.5758²·100 = 663.49
        ({"p": 0.3, "margin": 0.05, "deff": 2.0}, 646),  # 3.8415·0.21/0.0025·2 = 645.37
        ({"p": 0.5, "margin": 0.05, "population": 1000}, 278),  # 384.15/(1+383.15/1000) = 277.74
        ({"p": 0.5, "margin": 0.05, "population": 100}, 80),  # 384.15/(1+383.15/100) = 79.51
        ({"p": 0.5, "margin": 0.05, "population": 1000, "response_rate": 0.5}, 556),  # 555.47
        ({"p": 0.5, "margin": 0.05, "population": 1000, "response_rate": 0.5,
              "eligibility_rate": 0.8}, 695),  # 277.74/0.4 = 694.34
        # capped at N: 384.15/(1+383.15/300) = 168.75; /0.5 = 337.5 > 300
        ({"p": 0.5, "margin": 0.05, "population": 300, "response_rate": 0.5}, 300),
        ({"p": 0.5, "margin": 0.05, "population": 0}, 0),
        ({"p": 0.5, "margin": 0.5, "population": 1}, 1),
    ],
)
def test_sample_size_hand_computed(kwargs: dict, expected: int) -> None:
    got = sample_size(**kwargs)
    assert got == expected
    assert isinstance(got, int)


def test_sample_size_vectorised_per_stratum() -> None:
    got = sample_size(0.5, 0.05, population=[100, 1000, 200])
    assert got.tolist() == [80, 278, 132]  # 384.15/(1+383.15/200) = 131.75


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"p": 0.0, "margin": 0.05}, "p"),
        ({"p": 1.2, "margin": 0.05}, "p"),
        ({"p": 0.5, "margin": 0.0}, "margin"),
        ({"p": 0.5, "margin": 0.05, "confidence": 1.0}, "confidence"),
        ({"p": 0.5, "margin": 0.05, "deff": 0.0}, "deff"),
        ({"p": 0.5, "margin": 0.05, "response_rate": 0.0}, "response_rate"),
        ({"p": 0.5, "margin": 0.05, "eligibility_rate": 1.5}, "eligibility_rate"),
        ({"p": 0.5, "margin": 0.05, "population": 10.5}, "population"),
    ],
)
def test_sample_size_rejects_bad_values(kwargs: dict, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        sample_size(**kwargs)


# --- allocation --------------------------------------------------------------


def test_proportional_exact() -> None:
    assert allocate([100, 200, 700], 100).tolist() == [10, 20, 70]


def test_proportional_largest_remainder_sums_to_n() -> None:
    # 1.5, 4.5, 9.0 → floors 1, 4, 9 (14); one unit to the first tied remainder
    assert allocate([10, 30, 60], 15).tolist() == [2, 4, 9]
    # samplics rounds each stratum up and gets 3 here; we keep Σ n_h = n
    assert allocate([1, 1, 1], 2).tolist() == [1, 1, 0]
    assert allocate([7, 7, 7], 10).tolist() == [4, 3, 3]


def test_minimum_fix_and_reallocate() -> None:
    # λa = 1, 2, 7 → first fixed at 2; 8 over (200, 700) = 1.78, 6.22 → second fixed
    # at 2; the last gets 6.
    assert allocate([100, 200, 700], 10, minimum=2).tolist() == [2, 2, 6]


def test_minimum_larger_than_stratum_takes_it_whole() -> None:
    # svy drops minimums; here N_1 = 3 < minimum 5 → the stratum is taken whole
    assert allocate([3, 100, 1000], 60, minimum=5).tolist() == [3, 5, 52]


def test_maximum_and_reallocation() -> None:
    assert allocate([100, 100, 1000], 300, maximum=200).tolist() == [50, 50, 200]


def test_cap_at_population_equal_allocation() -> None:
    # 300 over 3 strata equally = 100 each, but stratum 0 has only 3 units:
    # 297 over the other two = 148.5 each → tie to the lower index.
    assert allocate([3, 200, 1000], 300, method="equal").tolist() == [3, 149, 148]


def test_neyman() -> None:
    # a = 100·0.5, 100·0.3 → 31.25, 18.75
    assert allocate([100, 100], 50, method="neyman", p=[0.5, 0.1]).tolist() == [31, 19]
    # S_2 = 0 → only the minimum
    assert allocate([100, 100], 50, method="neyman", p=[0.5, 0.0], minimum=2).tolist() == [48, 2]
    # equal measures 50/50, but stratum 0 has only 10 units → take-all, 90 to the other
    assert allocate([10, 1000], 100, method="neyman", sd=[100.0, 1.0]).tolist() == [10, 90]


def test_neyman_needs_p_or_sd() -> None:
    with pytest.raises(ValueError, match="neyman"):
        allocate([10, 10], 5, method="neyman")


def test_power() -> None:
    # a = √100, √400 = 10, 20
    assert allocate([100, 400], 30, method="power", power=0.5).tolist() == [10, 20]
    assert allocate([100, 400], 30, method="power", power=1.0).tolist() == [6, 24]


def test_take_all_flags() -> None:
    # 50 taken whole; 50 over (50, 100) = 16.67, 33.33 → 17, 33
    got = allocate([50, 50, 100], 100, take_all=[True, False, False])
    assert got.tolist() == [50, 17, 33]


def test_fixed() -> None:
    assert allocate([10, 20, 30], None, method="fixed", fixed=[1, 2, 3]).tolist() == [1, 2, 3]
    # partly fixed: stratum 1 imposed at 10, the rest proportional
    assert allocate([100, 100, 200], 40, fixed=[-1, 10, -1]).tolist() == [10, 10, 20]
    with pytest.raises(ValueError, match="exceeds the population"):
        allocate([10, 20], None, method="fixed", fixed=[11, 2])


def test_n_at_least_population_takes_everything() -> None:
    assert allocate([5, 6], 100).tolist() == [5, 6]
    assert allocate([5, 6], 11, method="neyman", p=0.5).tolist() == [5, 6]


def test_infeasible_minimum_names_the_cause() -> None:
    with pytest.raises(ValueError, match=r"minimum.*add up to 15.*n=10"):
        allocate([100, 100, 100], 10, minimum=5)


def test_infeasible_maximum_names_the_cause() -> None:
    with pytest.raises(ValueError, match=r"maximum sizes add up to 6.*n=10"):
        allocate([100, 100, 100], 10, maximum=2)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"population_sizes": [10, -1], "n": 5}, "population_sizes"),
        ({"population_sizes": [10, 2.5], "n": 5}, "population_sizes"),
        ({"population_sizes": [10, 10], "n": 5, "method": "random"}, "method"),
        ({"population_sizes": [10, 10], "n": -1}, "n must"),
        ({"population_sizes": [10, 10], "n": 5, "minimum": [1, 2, 3]}, "minimum"),
        ({"population_sizes": [10, 10], "n": 5, "method": "power", "power": 2}, "power"),
        ({"population_sizes": [10, 10], "n": 5, "minimum": 4, "maximum": 3}, "exceeds maximum"),
    ],
)
def test_allocation_rejects_bad_values(kwargs: dict, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        allocate(**kwargs)


def test_allocation_invariants_random() -> None:
    rng = np.random.default_rng(20261122)
    for _ in range(300):
        h = int(rng.integers(1, 40))
        big_n = rng.integers(0, 500, h)
        method = rng.choice(["proportional", "neyman", "power", "equal"])
        minimum = int(rng.integers(0, 4))
        maximum = int(rng.integers(50, 400)) if rng.random() < 0.5 else None
        upper = np.minimum(big_n, maximum if maximum is not None else big_n)
        lower = np.minimum(big_n, minimum)
        n = int(rng.integers(lower.sum(), upper.sum() + 1))
        got = allocate(big_n, n, method=str(method), p=rng.uniform(0, 1, h), power=0.3,
                       minimum=minimum, maximum=maximum)
        assert got.sum() == n
        assert np.all(got >= lower) and np.all(got <= upper)
        assert np.all(got <= big_n)


def test_allocation_monotone_in_population_for_proportional() -> None:
    big_n = np.array([5, 50, 500, 5000])
    got = allocate(big_n, 400, minimum=2)
    assert np.all(np.diff(got) >= 0)


def test_round_largest_remainder() -> None:
    assert round_largest_remainder([0.5, 0.5, 0.5, 0.5], 2).tolist() == [1, 1, 0, 0]
    assert round_largest_remainder([2.9999999999, 1.0000000001], 4).tolist() == [3, 1]


# --- Neyman with zero-variance strata (issue 14) -----------------------------


def test_neyman_zero_variance_stratum_takes_the_rest_when_others_are_full() -> None:
    # The p = 0.5 stratum is taken whole (100); the only feasible answer puts the
    # other 50 in the zero-variance stratum (was: "cannot round to n=150").
    got = allocate([100, 100], 150, method="neyman", p=[0.5, 0.0])
    assert got.tolist() == [100, 50]
    got = allocate([100, 100, 300], 350, method="neyman", p=[0.5, 1.0, 0.0])
    assert got.sum() == 350 and got[0] == 100
    # the rest by N_h: 250 · 100/400 = 62.5, 250 · 300/400 = 187.5
    assert np.all(np.abs(got[1:] - [62.5, 187.5]) == 0.5)


def test_neyman_zero_variance_stratum_keeps_a_floor_unless_asked() -> None:
    # Stated rule: a non-empty stratum with S_h = 0 gets at least min(2, N_h)
    # units (was: none, so it could never be estimated).
    assert allocate([100, 100], 50, method="neyman", p=[0.5, 0.0]).tolist() == [48, 2]
    assert allocate([100, 1], 50, method="neyman", p=[0.5, 1.0]).tolist() == [49, 1]
    assert allocate([100, 100], 50, method="neyman", sd=[3.0, 0.0]).tolist() == [48, 2]
    # asked for: no floor
    assert allocate([100, 100], 50, method="neyman", p=[0.5, 0.0],
                    zero_sd_minimum=0).tolist() == [50, 0]
    # an explicit minimum above the floor wins
    assert allocate([100, 100], 50, method="neyman", p=[0.5, 0.0],
                    minimum=5).tolist() == [45, 5]
    # every stratum without variance: floors first, the rest by N_h
    assert allocate([100, 300], 42, method="neyman", p=[0.0, 1.0]).tolist() == [11, 31]
    with pytest.raises(ValueError, match="zero_sd_minimum"):
        allocate([100, 100], 50, method="neyman", p=[0.5, 0.0], zero_sd_minimum=-1)
