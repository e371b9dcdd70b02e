"""AAPOR rates against figures computed by hand (the computation is written out)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from callcentre.fieldwork.dispositions import Group
from callcentre.fieldwork.rates import RATE_NAMES, aapor_rates, count_groups, rates_of

# A worked example in the style of AAPOR's Standard Definitions:
#   I=400 P=50 R=150 NC=120 O=30 UH=200 UO=50 NE=100
#   D = I+P+R+NC+O = 750; U = UH+UO = 250; resolved = D+NE = 850
#   e = D/(D+NE) = 750/850 = 15/17
#   e*U = 250*15/17 = 3750/17;  D + e*U = (12750+3750)/17 = 16500/17
#   I+P = 450; I+P+R+O = 630; I+P+R = 600; D+U = 1000
COUNTS = {"I": 400, "P": 50, "R": 150, "NC": 120, "O": 30, "UH": 200, "UO": 50, "NE": 100}
HAND = {
    "RR1": 400 / 1000,                  # 0.4
    "RR2": 450 / 1000,                  # 0.45
    "RR3": 400 * 17 / 16500,            # 0.41212...
    "RR4": 450 * 17 / 16500,            # 0.46363...
    "RR5": 400 / 750,                   # 0.53333...
    "RR6": 450 / 750,                   # 0.6
    "COOP1": 400 / 630,                 # 0.63492...
    "COOP2": 450 / 630,                 # 0.71428...
    "COOP3": 400 / 600,                 # 0.66666...
    "COOP4": 450 / 600,                 # 0.75
    "REF1": 150 / 1000,                 # 0.15
    "REF2": 150 * 17 / 16500,           # 0.15454...
    "REF3": 150 / 750,                  # 0.2
    "CON1": 630 / 1000,                 # 0.63
    "CON2": 630 * 17 / 16500,           # 0.64909...
    "CON3": 630 / 750,                  # 0.84
}


def test_every_rate_by_hand() -> None:
    got = rates_of(COUNTS)
    assert set(HAND) == set(RATE_NAMES)
    for name, value in HAND.items():
        assert got[name] == pytest.approx(value, rel=1e-12), name
    assert got["e"] == pytest.approx(15 / 17)
    # spot values as decimals, to catch a wrong hand formula too
    assert got["RR3"] == pytest.approx(0.412121212)
    assert got["CON2"] == pytest.approx(0.649090909)


def test_e_overridden() -> None:
    # e = 0.5: e*U = 125; D + e*U = 875
    got = rates_of(COUNTS, e=0.5)
    assert got["RR3"] == pytest.approx(400 / 875)
    assert got["RR4"] == pytest.approx(450 / 875)
    assert got["REF2"] == pytest.approx(150 / 875)
    assert got["CON2"] == pytest.approx(630 / 875)
    assert got["RR1"] == pytest.approx(0.4) and got["e"] == 0.5
    # e = 1 makes RR3 = RR1, e = 0 makes RR3 = RR5
    assert rates_of(COUNTS, e=1.0)["RR3"] == pytest.approx(HAND["RR1"])
    assert rates_of(COUNTS, e=0.0)["RR3"] == pytest.approx(HAND["RR5"])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        rates_of(COUNTS, e=1.5)


def test_vectorised_over_groups() -> None:
    # group 0: the worked example; group 1: I=10 R=10 UH=20 NE=0 (e = 20/20 = 1):
    #   RR1 = 10/40, RR3 = 10/(20 + 1*20) = 0.25, RR5 = 10/20, COOP1 = 10/20, REF3 = 0.5
    # group 2: nothing resolved (UH=5 only): e undefined → e-rates NaN; RR1 = 0/5 = 0
    # group 3: no cases at all: every rate NaN
    # group 4: only NE: e = 0; D = 0 → NaN everywhere; e*U = 0 since U = 0
    counts = {name: np.array([COUNTS[name], 0, 0, 0, 0]) for name in COUNTS}
    counts["I"][1], counts["R"][1], counts["UH"][1] = 10, 10, 20
    counts["UH"][2] = 5
    counts["NE"][4] = 7
    rates = aapor_rates(counts)
    assert rates["RR1"][0] == pytest.approx(0.4)
    assert rates["RR1"][1] == pytest.approx(0.25) and rates["RR3"][1] == pytest.approx(0.25)
    assert rates["RR5"][1] == pytest.approx(0.5) and rates["COOP1"][1] == pytest.approx(0.5)
    assert rates["REF3"][1] == pytest.approx(0.5) and rates.e[1] == pytest.approx(1.0)
    assert rates["RR1"][2] == 0.0 and math.isnan(rates["RR3"][2]) and math.isnan(rates.e[2])
    assert math.isnan(rates["RR5"][2])                       # D = 0
    assert all(math.isnan(rates[n][3]) for n in RATE_NAMES)
    assert all(math.isnan(rates[n][4]) for n in RATE_NAMES) and rates.e[4] == 0.0
    row = rates.row(2)
    assert row["RR1"] == 0.0 and row["RR3"] is None and row["e"] is None
    # one e per group
    per_group = aapor_rates(counts, e=np.array([0.5, 0.0, 1.0, 1.0, 1.0]))
    assert per_group["RR3"][0] == pytest.approx(400 / 875)
    assert per_group["RR3"][2] == 0.0                         # 0 / (0 + 1*5)


def test_e_only_matters_when_unknowns_exist() -> None:
    # U = 0 and nothing resolved-ineligible: e = D/D = 1, but also with e undefined
    # (D + NE = 0 cannot happen with I > 0); check e*U = 0 path with an explicit NaN-free e
    got = rates_of({"I": 3, "R": 1})
    assert got["RR3"] == pytest.approx(0.75) and got["RR1"] == pytest.approx(0.75)


def test_bad_counts() -> None:
    with pytest.raises(ValueError, match="unknown count"):
        aapor_rates({"X": 1})
    with pytest.raises(ValueError, match="non-negative"):
        aapor_rates({"I": -1})


def test_count_groups() -> None:
    got = count_groups([Group.I, Group.I, Group.NE, Group.UH])
    assert got == {"I": 2, "P": 0, "R": 0, "NC": 0, "O": 0, "UH": 1, "UO": 0, "NE": 1}
