"""Domain df, census domains, design effects, totals, ratios, contrasts, single-unit
rules and calibration: properties checked by hand (agreement with R is in
test_sampling_r_reference.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sampling import (
    CI_METHODS,
    domain_contrast,
    estimate_mean,
    estimate_proportion,
    estimate_ratio,
    estimate_total,
    poststratify,
    rake,
)


def _sample(seed: int = 5, n: int = 240) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    h = rng.integers(0, 4, n)
    big_n = np.array([500, 800, 300, 900])
    n_h = np.bincount(h, minlength=4)
    w = (big_n / n_h)[h] * rng.uniform(0.8, 1.25, n)
    return {"h": h, "N": big_n, "w": w, "y": (rng.random(n) < 0.35).astype(float),
            "v": rng.gamma(2.0, 4.0, n), "x": rng.integers(5, 30, n).astype(float),
            "dom": rng.choice(np.array(["a", "b", "c"]), n, p=[0.6, 0.35, 0.05]),
            "c1": rng.integers(0, 3, n), "c2": rng.integers(0, 2, n)}


def test_domain_df_is_n_d_minus_h_d_and_widens_small_domains() -> None:
    d = _sample()
    r = estimate_proportion(d["y"], d["w"], d["h"], population_sizes=d["N"], domain=d["dom"])
    for i, lab in enumerate(r.domains):
        m = d["dom"] == lab
        assert r.df[i] == m.sum() - np.unique(d["h"][m]).size
    s = estimate_proportion(d["y"], d["w"], d["h"], population_sizes=d["N"], domain=d["dom"],
                            df="sample")
    assert np.all(s.df == d["y"].size - 4) and s.df_sample == d["y"].size - 4
    small = int(np.argmin(r.n))
    assert r.upper[small] - r.lower[small] > s.upper[small] - s.lower[small]
    np.testing.assert_array_equal(r.se, s.se)
    with pytest.raises(ValueError, match="df must be one of"):
        estimate_proportion(d["y"], d["w"], d["h"], df="n")


def test_census_domain_has_zero_variance_and_a_point_interval_for_every_method() -> None:
    # stratum 0 is taken whole (N = n = 20); domain "t" lies only in it
    rng = np.random.default_rng(1)
    h = np.repeat([0, 1], [20, 50])
    y = (rng.random(70) < 0.4).astype(float)
    y[:3] = [1, 0, 1]
    dom = np.where(h == 0, "t", "s")
    w = np.where(h == 0, 1.0, 400 / 50)
    for ci in CI_METHODS:
        r = estimate_proportion(y, w, h, population_sizes=[20, 400], domain=dom, ci=ci)
        t = int(np.flatnonzero(r.domains == "t")[0])
        assert r.census.tolist() == [False, True]
        assert r.variance[t] == 0 and 0 < r.estimate[t] < 1
        assert r.lower[t] == r.upper[t] == r.estimate[t], ci
        assert np.isnan(r.deff[t]) and np.isnan(r.n_effective[t])  # 0/0, not made up
        s = int(np.flatnonzero(r.domains == "s")[0])
        assert r.lower[s] < r.estimate[s] < r.upper[s]
    m = estimate_mean(y * 3.0, w, h, population_sizes=[20, 400], domain=dom)
    assert m.lower[1] == m.upper[1] == m.estimate[1]


def test_design_effects_and_effective_n_agree() -> None:
    d = _sample()
    r = estimate_proportion(d["y"], d["w"], d["h"], population_sizes=d["N"], domain=d["dom"])
    np.testing.assert_allclose(r.n_effective, r.n / r.deff)
    for i, lab in enumerate(r.domains):
        m = d["dom"] == lab
        w, y, n = d["w"][m], d["y"][m], m.sum()
        p = np.sum(w * y) / w.sum()
        s2 = np.sum(w * (y - p) ** 2) / w.sum() * n / (n - 1)
        assert r.deff_replace[i] == pytest.approx(r.variance[i] / (s2 / n), rel=1e-12)
        big_w = w.sum()
        assert r.deff[i] == pytest.approx(r.variance[i] / (s2 / n * (big_w - n) / big_w),
                                          rel=1e-12)
        assert r.deff_kish[i] == pytest.approx(n * np.sum(w * w) / big_w**2, rel=1e-12)
    # equal weights: Kish's effect is 1
    e = estimate_proportion(d["y"], np.ones(d["y"].size), d["h"])
    assert e.deff_kish[0] == pytest.approx(1.0)


def test_totals_and_ratios_by_hand() -> None:
    # two strata, no fpc: v(total) = Σ_h n_h s²_h(w y)
    y = np.array([3.0, 5.0, 4.0, 10.0, 12.0, 8.0, 6.0])
    x = np.array([4.0, 5.0, 5.0, 10.0, 10.0, 10.0, 8.0])
    h = np.array([0, 0, 0, 1, 1, 1, 1])
    w = np.array([10.0, 10.0, 10.0, 5.0, 5.0, 5.0, 5.0])
    t = estimate_total(y, w, h)
    wy = w * y
    v = sum(np.sum(h == k) * np.var(wy[h == k], ddof=1) for k in (0, 1))
    assert t.estimate[0] == pytest.approx(wy.sum()) and t.variance[0] == pytest.approx(v)
    r = estimate_ratio(y, x, w, h)
    big_r = wy.sum() / np.sum(w * x)
    z = w * (y - big_r * x) / np.sum(w * x)
    v = sum(np.sum(h == k) * np.var(z[h == k], ddof=1) for k in (0, 1))
    assert r.estimate[0] == pytest.approx(big_r) and r.variance[0] == pytest.approx(v)
    assert r.statistic == "ratio" and r.df[0] == 5
    with pytest.raises(ValueError, match="weighted total of x is 0"):
        estimate_ratio(y, np.zeros(7), w, h)


def test_domain_contrast_uses_the_covariance() -> None:
    d = _sample()
    r = estimate_mean(d["v"], d["w"], d["h"], population_sizes=d["N"], domain=d["dom"],
                      covariance=True)
    assert r.covariance is not None
    np.testing.assert_allclose(np.diag(r.covariance), r.variance, rtol=1e-12)
    c = domain_contrast(r, {"a": 1.0, "b": -1.0})
    cov = r.covariance
    assert c.estimate == pytest.approx(r.estimate[0] - r.estimate[1])
    assert c.se == pytest.approx(np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]))
    assert cov[0, 1] != 0  # domains sharing strata are correlated through the centring
    assert c.lower < c.estimate < c.upper and c.df == d["v"].size - 4
    plain = estimate_mean(d["v"], d["w"], d["h"], domain=d["dom"])
    with pytest.raises(ValueError, match="covariance=True"):
        domain_contrast(plain, [1, -1, 0])
    with pytest.raises(ValueError, match="unknown domain 'z'"):
        domain_contrast(r, {"z": 1.0})


def test_single_unit_rules() -> None:
    y = np.array([1, 0, 1, 1, 0, 1, 0], float)
    h = np.array([0, 0, 0, 1, 2, 2, 3])
    big_n = [30, 10, 40, 1]  # stratum 3 is a single unit taken whole
    base = {rule: estimate_proportion(y, np.ones(7), h, population_sizes=big_n,
                                      single_unit=rule)
            for rule in ("certainty", "remove", "adjust", "average")}
    assert base["certainty"].variance[0] == base["remove"].variance[0]
    assert base["adjust"].variance[0] > base["certainty"].variance[0]
    # average: strata 0, 2 contribute, scaled by H/(H - L) = 4/3 (stratum 1 is lonely)
    assert base["average"].variance[0] == pytest.approx(base["certainty"].variance[0] * 4 / 3)
    assert base["certainty"].single_unit_strata.tolist() == [1]
    with pytest.raises(ValueError, match="stratum 1 has a single unit"):
        estimate_proportion(y, np.ones(7), h, population_sizes=big_n, single_unit="fail")
    with pytest.raises(ValueError, match="single_unit must be one of"):
        estimate_proportion(y, np.ones(7), h, single_unit="error")


def test_poststratify_and_rake_hit_the_frame_totals() -> None:
    d = _sample()
    totals1 = {0: 900.0, 1: 1000.0, 2: 600.0}
    ps = poststratify(d["w"], d["c1"], totals1)
    for c, t in totals1.items():
        assert ps.weights[d["c1"] == c].sum() == pytest.approx(t)
    assert ps.max_discrepancy < 1e-9 and ps.converged and ps.iterations == 1
    totals2 = {0: 1300.0, 1: 1200.0}
    rk = rake(d["w"], [d["c1"], d["c2"]], [totals1, totals2])
    assert rk.converged and 1 < rk.iterations < 100 and rk.max_discrepancy < 1e-6
    for c, t in totals2.items():
        assert rk.weights[d["c2"] == c].sum() == pytest.approx(t)
    one = rake(d["w"], [d["c1"], d["c2"]], [totals1, totals2], max_iter=1)
    assert not one.converged and one.iterations == 1 and one.max_discrepancy > 1e-6
    # calibrated SEs differ from the uncalibrated ones with the same weights
    cal = estimate_mean(d["v"], rk.weights, d["h"], calibration=rk)
    raw = estimate_mean(d["v"], rk.weights, d["h"])
    assert cal.estimate[0] == raw.estimate[0] and cal.se[0] != raw.se[0]
    with pytest.raises(ValueError, match="calibrated weights"):
        estimate_mean(d["v"], d["w"], d["h"], calibration=rk)
    # a total of a calibration variable is known exactly: no variance left
    t = estimate_total((d["c1"] == 1).astype(float), ps.weights, d["h"], calibration=ps)
    assert t.estimate[0] == pytest.approx(1000.0) and t.se[0] < 1e-9
    with pytest.raises(ValueError, match="no frame count for cell 2"):
        poststratify(d["w"], d["c1"], {0: 1.0, 1: 2.0})
    with pytest.raises(ValueError, match="frame cell 7 has no sample unit"):
        poststratify(d["w"], d["c1"], {**totals1, 7: 5.0})
    with pytest.raises(ValueError, match="different totals"):
        rake(d["w"], [d["c1"], d["c2"]], [totals1, {0: 1.0, 1: 2.0}])


@pytest.mark.parametrize("rule", ["certainty", "adjust", "average"])
def test_sparse_cells_path_equals_the_dense_one(rule: str) -> None:
    # 900 domains × 2,000 strata: variances from the occupied cells only; the
    # covariance path builds a units × domains matrix instead
    rng = np.random.default_rng(3)
    n = 3000
    h, d = rng.integers(0, 2000, n), rng.integers(0, 900, n)
    y, w = (rng.random(n) < 0.4).astype(float), rng.uniform(1, 5, n)
    a = estimate_proportion(y, w, h, domain=d, single_unit=rule)
    b = estimate_proportion(y, w, h, domain=d, single_unit=rule, covariance=True)
    np.testing.assert_allclose(a.variance, b.variance, rtol=1e-12, atol=1e-18)
    np.testing.assert_array_equal(a.df, b.df)
