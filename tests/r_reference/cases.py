"""The fixed designs checked against R's ``survey`` package, and our side of the check.

Each case is a small stratified sample (one unit per PSU) with columns ``h``
(stratum), ``N`` (its population size), ``w`` (weight), ``y`` (0/1), ``v``
(continuous), ``num``/``x`` (ratio numerator and denominator, e.g. days taken and
days promised), ``dom`` (domain), ``c1``/``c2`` (calibration margins), and
options: single-unit rule, fpc or not, domains or not, calibration, confidence.
``make_fixtures.py`` writes them with R's results; ``ours`` computes the same
quantities with :mod:`sampling`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sampling.calibration import CalibrationResult, poststratify, rake
from sampling.estimate import (
    domain_contrast,
    estimate_mean,
    estimate_proportion,
    estimate_ratio,
    estimate_total,
)

# (N_h, n_h, p_h) per stratum
_BASE = [(400, 30, 0.3), (900, 45, 0.5), (250, 20, 0.15), (1200, 60, 0.4)]


def _data(seed: int, strata: list[tuple[int, int, float]], *, n_dom: int = 0,
          unequal: bool = False, dom_rule: str = "random",
          y_fixed: dict[int, int] | None = None) -> dict[str, list[Any]]:
    rng = np.random.default_rng(seed)
    cols: dict[str, list[Any]] = {k: [] for k in ("h", "N", "w", "y", "v", "num", "x", "dom",
                                                   "c1", "c2")}
    for k, (big_n, n_h, p_h) in enumerate(strata):
        y = (rng.random(n_h) < p_h).astype(int)
        if y_fixed is not None and k in y_fixed:
            y[:] = y_fixed[k]
        adj = rng.uniform(0.7, 1.4, n_h) if unequal else np.ones(n_h)
        x = rng.integers(5, 30, n_h).astype(float)
        cols["h"] += [f"s{k:02d}"] * n_h
        cols["N"] += [big_n] * n_h
        cols["w"] += (big_n / n_h * adj).round(6).tolist()
        cols["y"] += y.tolist()
        cols["v"] += rng.gamma(2.0, 3.0 + k, n_h).round(4).tolist()
        cols["num"] += (x * rng.uniform(0.5, 1.6, n_h)).round(2).tolist()
        cols["x"] += x.tolist()
        if dom_rule == "stratum":  # domain = stratum group
            cols["dom"] += [f"d{k % max(n_dom, 1)}"] * n_h
        else:
            cols["dom"] += [f"d{d}" for d in rng.integers(0, max(n_dom, 1), n_h)]
        cols["c1"] += [f"a{c}" for c in rng.integers(0, 3, n_h)]
        cols["c2"] += [f"b{c}" for c in rng.integers(0, 2, n_h)]
    return cols


def _lonely(extra: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    return _BASE + extra


def build_cases() -> list[dict[str, Any]]:
    """The designs: at least 20, each with its data and options."""
    specs: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("basic_fpc", {"seed": 1, "strata": _BASE}, {}),
        ("basic_no_fpc", {"seed": 2, "strata": _BASE}, {"fpc": False}),
        ("domains_fpc", {"seed": 3, "strata": _BASE, "n_dom": 3}, {"domains": True}),
        ("small_domain", {"seed": 4, "strata": [(300, 30, 0.4), (300, 30, 0.5)], "n_dom": 8},
         {"domains": True}),
        ("take_all_stratum", {"seed": 5, "strata": [*_BASE, (25, 25, 0.6)], "n_dom": 2},
         {"domains": True}),
        ("census_domain", {"seed": 6, "strata": [(20, 20, 0.5), (500, 40, 0.4), (15, 15, 0.3),
                                                  (800, 50, 0.2)],
                           "n_dom": 2, "dom_rule": "stratum"}, {"domains": True}),
        ("p_zero_one_strata", {"seed": 7, "strata": [*_BASE, (300, 20, 0.0), (200, 15, 1.0)],
                               "n_dom": 2, "y_fixed": {4: 0, 5: 1}}, {"domains": True}),
        ("single_unit_certainty", {"seed": 8, "strata": _lonely([(40, 1, 0.5), (90, 1, 0.5)])},
         {"lonely": "certainty"}),
        ("single_unit_remove", {"seed": 8, "strata": _lonely([(40, 1, 0.5), (90, 1, 0.5)])},
         {"lonely": "remove"}),
        ("single_unit_adjust", {"seed": 8, "strata": _lonely([(40, 1, 0.5), (90, 1, 0.5)])},
         {"lonely": "adjust"}),
        ("single_unit_average", {"seed": 8, "strata": _lonely([(40, 1, 0.5), (90, 1, 0.5)])},
         {"lonely": "average"}),
        ("single_unit_fail", {"seed": 8, "strata": _lonely([(40, 1, 0.5), (90, 1, 0.5)])},
         {"lonely": "fail"}),
        ("single_unit_adjust_domains", {"seed": 9, "strata": _lonely([(40, 1, 0.5), (70, 1, 0.5),
                                                                      (55, 1, 0.5)]),
                                        "n_dom": 3}, {"lonely": "adjust", "domains": True}),
        ("single_unit_average_domains", {"seed": 9, "strata": _lonely([(40, 1, 0.5), (70, 1, 0.5),
                                                                       (55, 1, 0.5)]),
                                         "n_dom": 3}, {"lonely": "average", "domains": True}),
        ("single_unit_take_all_adjust", {"seed": 10, "strata": _lonely([(1, 1, 0.5),
                                                                        (60, 1, 0.5)])},
         {"lonely": "adjust"}),
        ("single_unit_no_fpc_adjust", {"seed": 11, "strata": _lonely([(50, 1, 0.5)]),
                                       "n_dom": 2}, {"lonely": "adjust", "fpc": False,
                                                     "domains": True}),
        ("unequal_weights", {"seed": 12, "strata": _BASE, "unequal": True, "n_dom": 3},
         {"domains": True}),
        ("unequal_weights_no_fpc", {"seed": 13, "strata": _BASE, "unequal": True},
         {"fpc": False}),
        ("confidence_90_many_strata", {"seed": 14, "strata": [(100 + 37 * k, 8 + k % 5, 0.1 + 0.04 * k)
                                                              for k in range(20)], "n_dom": 4},
         {"domains": True, "confidence": 0.90}),
        ("poststratified", {"seed": 15, "strata": _BASE, "n_dom": 2},
         {"domains": True, "calibrate": "post"}),
        ("poststratified_no_fpc", {"seed": 16, "strata": _BASE, "unequal": True},
         {"fpc": False, "calibrate": "post"}),
        ("raked", {"seed": 17, "strata": _BASE, "n_dom": 2}, {"domains": True, "calibrate": "rake"}),
        ("raked_unequal_single_unit", {"seed": 18, "strata": _lonely([(30, 1, 0.5)]),
                                       "unequal": True},
         {"calibrate": "rake", "lonely": "certainty"}),
        ("large_domains", {"seed": 19, "strata": [(2000 + 300 * k, 40 + 5 * k, 0.2 + 0.07 * k)
                                                  for k in range(8)], "n_dom": 5},
         {"domains": True}),
    ]
    cases = []
    for name, data_kw, opts in specs:
        seed = data_kw.pop("seed")
        strata = data_kw.pop("strata")
        data = _data(seed, strata, **data_kw)
        options = {"lonely": "certainty", "fpc": True, "domains": False, "calibrate": "none",
                   "confidence": 0.95, **opts}
        if options["calibrate"] != "none":
            options["totals_c1"], options["totals_c2"] = _frame_totals(data, seed)
        cases.append({"name": name, "options": options, "data": data})
    return cases


def _frame_totals(data: dict[str, list[Any]], seed: int) -> tuple[dict[str, float],
                                                                   dict[str, float]]:
    """Frame counts of the margins: the weighted sample counts, perturbed (same total)."""
    rng = np.random.default_rng(seed + 1000)
    w = np.asarray(data["w"], float)
    total = float(sum(dict(zip(data["h"], data["N"])).values()))  # Σ N_h
    out = []
    for col in ("c1", "c2"):
        lab = np.asarray(data[col])
        cells = sorted(set(lab.tolist()))
        raw = np.array([w[lab == c].sum() for c in cells]) * rng.uniform(0.85, 1.15, len(cells))
        counts = np.round(raw / raw.sum() * total)
        counts[-1] = total - counts[:-1].sum()
        out.append({c: float(v) for c, v in zip(cells, counts)})
    return out[0], out[1]


def ours(case: dict[str, Any]) -> dict[tuple[str, str], float]:
    """Our values of every quantity R computes: ``{(domain, quantity): value}``.

    A case whose single-unit rule is ``fail`` gives ``{("all", "error"): 1.0}``
    when it raises, as R does.
    """
    o, d = case["options"], case["data"]
    h = np.asarray(d["h"])
    labels = sorted(set(h.tolist()))
    big_n = {lab: float(d["N"][h.tolist().index(lab)]) for lab in labels}
    w = np.asarray(d["w"], float)
    cal: CalibrationResult | None = None
    if o["calibrate"] == "post":
        cal = poststratify(w, d["c1"], o["totals_c1"])
    elif o["calibrate"] == "rake":
        cal = rake(w, [d["c1"], d["c2"]], [o["totals_c1"], o["totals_c2"]], tol=1e-12)
    if cal is not None:
        w = cal.weights
    kw: dict[str, Any] = {"population_sizes": big_n if o["fpc"] else None,
                          "single_unit": o["lonely"], "confidence": o["confidence"],
                          "calibration": cal}
    dom = np.asarray(d["dom"]) if o["domains"] else None
    y = np.asarray(d["y"], float)
    out: dict[tuple[str, str], float] = {}
    try:
        for domain, prefix in ((None, "all"), (dom, None)):
            if prefix is None and domain is None:
                continue
            p_beta = estimate_proportion(y, w, h, domain=domain, ci="korn_graubard", **kw)
            p_logit = estimate_proportion(y, w, h, domain=domain, ci="logit", **kw)
            tot = estimate_total(y, w, h, domain=domain, **kw)
            mv = estimate_mean(d["v"], w, h, domain=domain, **kw)
            rt = estimate_ratio(d["num"], d["x"], w, h, domain=domain, **kw)
            for i, lab in enumerate(p_beta.domains):
                key = "all" if prefix == "all" else str(lab)
                vals = {
                    "mean_y": p_beta.estimate[i], "mean_y_se": p_beta.se[i],
                    "mean_y_deff": p_beta.deff[i], "mean_y_deff_replace": p_beta.deff_replace[i],
                    "ci_beta_lo": p_beta.lower[i], "ci_beta_hi": p_beta.upper[i],
                    "ci_xlogit_lo": p_logit.lower[i], "ci_xlogit_hi": p_logit.upper[i],
                    "ci_logit_lo": p_logit.lower[i], "ci_logit_hi": p_logit.upper[i],
                    "degf": p_beta.df[i],
                    "total_y": tot.estimate[i], "total_y_se": tot.se[i],
                    "total_y_deff": tot.deff[i], "total_y_deff_replace": tot.deff_replace[i],
                    "mean_v": mv.estimate[i], "mean_v_se": mv.se[i],
                    "mean_v_lo": mv.lower[i], "mean_v_hi": mv.upper[i],
                    "mean_v_deff": mv.deff[i],
                    "ratio": rt.estimate[i], "ratio_se": rt.se[i],
                }
                for q, v in vals.items():
                    out[(key, q)] = float(v)
        if dom is not None:
            r = estimate_proportion(y, w, h, domain=dom, covariance=True, **kw)
            c = domain_contrast(r, {r.domains[0].item(): 1.0, r.domains[1].item(): -1.0})
            out[("contrast", "estimate")] = c.estimate
            out[("contrast", "se")] = c.se
    except ValueError:
        if o["lonely"] != "fail":
            raise
        return {("all", "error"): 1.0}
    return out


def is_number(v: float) -> bool:
    return isinstance(v, float) and not math.isnan(v)
