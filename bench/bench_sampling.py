"""Benchmark: stratified allocation + draw and domain estimates, ours vs samplics and svy.

One command: ``python bench/bench_sampling.py`` (peers: ``pip install -e .[bench]``).

The frame (generated here, seeded): 1,000,000 units in 2,000 strata of skewed sizes,
18-character credit-code keys, expected proportions p_h in [0.02, 0.5]. The task:
Neyman allocation of n = 20,000 with at least 2 per stratum, then a stratified SRS
with a reserve of n_h more units per stratum in replicates of ⌈n_h/2⌉.

* ours: ``sampling.allocate`` + ``sampling.draw`` (reserve order and replicates
  included);
* samplics: ``allocate("propal", stddev=…)`` (its only N_h·S_h allocation; it has
  no minimum) + ``SampleSelection(srs_wor, strat=True).select`` of n_h + r_h units
  per stratum with *our* sizes (it gives no order, so no replicates; no seed
  argument: the global numpy state is seeded);
* svy: ``SampleSize().allocate(method="neyman", min_n=2)`` + ``Sample.sampling.srs``
  of n_h + r_h units per stratum with our sizes (no order either).

Then estimates of a proportion for 100 item domains (strata = item × 20 districts)
on the 20,000-unit main sample: ours vs samplics' ``TaylorEstimator`` vs svy's
``estimation.prop``. Peers' known defects are shown on small inputs.

Writes ``bench/results/sampling.json`` and ``bench/results/sampling.md``.
"""

from __future__ import annotations

import inspect
import json
import math
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sampling import allocate, draw, estimate_proportion, sample_size, stratum_codes

N_UNITS, N_STRATA, N_SAMPLE, MINIMUM, SEED = 1_000_000, 2_000, 20_000, 2, 20261122
REPEATS = 3


def make_frame() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)
    raw = rng.lognormal(mean=0.0, sigma=1.2, size=N_STRATA)
    sizes = np.maximum(1, np.floor(raw / raw.sum() * N_UNITS)).astype(np.int64)
    sizes[np.argmax(sizes)] += N_UNITS - sizes.sum()
    strata = np.repeat(np.arange(N_STRATA), sizes)
    perm = rng.permutation(N_UNITS)
    strata = strata[perm]
    codes = rng.choice(10**10, N_UNITS, replace=False)
    keys = np.char.add("91120116", np.char.zfill(codes.astype(str), 10))
    p_h = rng.uniform(0.02, 0.5, N_STRATA)
    return {"strata": strata, "keys": keys, "p_h": p_h}


def timed(fn, repeats: int = REPEATS):  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def ours_alloc_draw(frame: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
    _labels, code = stratum_codes(frame["strata"])
    big_n = np.bincount(code)
    n_h = allocate(big_n, N_SAMPLE, method="neyman", p=frame["p_h"], minimum=MINIMUM)
    r_h = np.minimum(n_h, big_n - n_h)
    res = draw(frame["strata"], frame["keys"], n_h, seed=SEED, reserve=r_h,
               replicate_size=np.maximum(1, -(-n_h // 2)))
    return big_n, n_h, r_h, res


def bench_samplics(frame, big_n, n_h, r_h):  # type: ignore[no-untyped-def]
    import samplics
    from samplics.sampling import SampleSelection
    from samplics.utils.types import SelectMethod

    labels = np.arange(N_STRATA)
    pop = dict(zip(labels.tolist(), big_n.tolist()))
    sd = dict(zip(labels.tolist(), np.sqrt(frame["p_h"] * (1 - frame["p_h"])).tolist()))
    take = dict(zip(labels.tolist(), (n_h + r_h).tolist()))

    def run():  # type: ignore[no-untyped-def]
        alloc, _ = samplics.allocate("propal", labels, pop, samp_size=N_SAMPLE, stddev=sd)
        np.random.seed(SEED)  # samplics has no seed argument
        sel = SampleSelection(method=SelectMethod.srs_wor, strat=True, wr=False)
        hits = sel.select(samp_unit=frame["keys"], samp_size=take, stratum=frame["strata"])
        return alloc, hits

    t, (alloc, hits) = timed(run, 1)
    vals = np.array(list(alloc.values()))
    return t, {
        "allocation_total": int(vals.sum()),
        "strata_below_minimum": int(np.sum(vals < np.minimum(MINIMUM, big_n))),
        "selected": int(np.asarray(hits[0] if isinstance(hits, tuple) else hits).sum()),
    }


def bench_svy(frame, big_n, n_h, r_h):  # type: ignore[no-untyped-def]
    import polars as pl
    import svy

    labels = np.arange(N_STRATA)
    pop = dict(zip(labels.tolist(), big_n.tolist()))
    sd = dict(zip(labels.tolist(), np.sqrt(frame["p_h"] * (1 - frame["p_h"])).tolist()))
    take = dict(zip(labels.tolist(), (n_h + r_h).tolist()))
    df = pl.DataFrame({"stratum": frame["strata"], "key": frame["keys"]})

    def run():  # type: ignore[no-untyped-def]
        ss = svy.SampleSize().allocate(N_SAMPLE, pop_size=pop, method="neyman", sigma=sd,
                                       min_n=MINIMUM)
        sample = svy.Sample(df, svy.Design(stratum="stratum"))
        out = sample.sampling.srs(take, rstate=SEED)
        return ss.n, out

    t, (alloc, out) = timed(run, 1)
    vals = np.array([alloc[k] for k in labels.tolist()])
    return t, {
        "allocation_total": int(vals.sum()),
        "strata_below_minimum": int(np.sum(vals < np.minimum(MINIMUM, big_n))),
        "strata_above_population": int(np.sum(vals > big_n)),
        "selected": int(out.data.height),
    }


def estimates(frame, res, big_n):  # type: ignore[no-untyped-def]
    """100 item domains on the main sample; strata = item × district (20 each)."""
    rng = np.random.default_rng(SEED + 1)
    rows = res.sample
    h = res.stratum_index[rows]
    y = (rng.random(rows.size) < frame["p_h"][h]).astype(float)
    w = (big_n / res.sizes)[h]
    item = h % 100
    out: dict[str, object] = {}
    ours_t, r = timed(lambda: estimate_proportion(y, w, h, population_sizes=big_n, domain=item),
                      7)
    out["ours_s"] = ours_t
    out["domains"] = int(r.domains.size)
    try:
        import samplics
        from samplics.utils.types import PopParam

        fpc = {int(k): 1.0 - res.sizes[k] / big_n[k] for k in range(N_STRATA)}

        def run_samplics():  # type: ignore[no-untyped-def]
            est = samplics.TaylorEstimator(PopParam.prop)
            est.estimate(y=y, samp_weight=w, stratum=h, fpc=fpc, domain=item,
                         single_psu=samplics.utils.types.SinglePSUEst.certainty)
            return est

        t, est = timed(run_samplics, 1)
        out["samplics_s"] = t
        diff = max(abs(est.stderror[d][1.0] - r.se[i]) for i, d in enumerate(r.domains)
                   if 1.0 in est.stderror[d])
        out["samplics_max_se_diff"] = float(diff)
    except Exception as exc:  # noqa: BLE001
        out["samplics_error"] = f"{type(exc).__name__}: {exc}"[:200]
    try:
        import polars as pl
        import svy

        df = pl.DataFrame({"y": y, "w": w, "stratum": h, "item": item})
        sample = svy.Sample(df, svy.Design(stratum="stratum", wgt="w"))
        t, _ = timed(lambda: sample.estimation.prop("y", by="item"), 1)
        out["svy_s"] = t
    except Exception as exc:  # noqa: BLE001
        out["svy_error"] = f"{type(exc).__name__}: {exc}"[:200]
    return out


def defects() -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    ours_ney = allocate([3, 50, 500], 60, method="neyman", sd=[0.5, 0.5, 0.1], minimum=5)
    found.append({"case": "Neyman, N_h = 3, 50, 500, S_h = .5, .5, .1, n = 60, minimum 5",
                  "ours": str(ours_ney.tolist())})
    found.append({"case": "proportional, N_h = 1, 1, 1, n = 2",
                  "ours": str(allocate([1, 1, 1], 2).tolist())})
    found.append({"case": "size p=.5, e=.05, N=300, response rate .5",
                  "ours": str(sample_size(0.5, 0.05, population=300, response_rate=0.5))})
    try:
        import samplics
        from samplics import SampleSize
        from samplics.sampling import SampleSelection
        from samplics.utils.types import PopParam

        params = list(inspect.signature(SampleSelection.select).parameters)
        found.append({"case": "seed argument of SampleSelection.select",
                      "samplics": "none" if not any("seed" in p or "rstate" in p or "rng" in p
                                                    for p in params) else "present",
                      "ours": "draw(..., seed=)"})
        a, _ = samplics.allocate("propal", [1, 2, 3], {1: 1, 2: 1, 3: 1}, samp_size=2)
        found[1]["samplics"] = f"{list(map(int, a.values()))} (sum {sum(a.values())} > n = 2)"
        ss = SampleSize(param=PopParam.prop)
        ss.calculate(half_ci=0.05, target=0.5, pop_size=300, resp_rate=0.5)
        found[2]["samplics"] = f"{int(ss.samp_size)} (> N = 300, not capped)"
        try:
            samplics.allocate("propal", [1, 2], {1: 3, 2: 500}, samp_size=300, stddev={1: 50.0,
                                                                                      2: 1.0})
            capped = "no error"
        except Exception as exc:  # noqa: BLE001
            capped = f"raises {type(exc).__name__} instead of capping n_h at N_h"
        found.append({"case": "N_h·S_h allocation where n_h > N_h (N = 3, 500; S = 50, 1)",
                      "samplics": capped,
                      "ours": str(allocate([3, 500], 300, method="neyman",
                                           sd=[50.0, 1.0]).tolist())})
    except ImportError:
        pass
    try:
        import svy

        a = svy.SampleSize().allocate(60, pop_size={"a": 3, "b": 50, "c": 500}, method="neyman",
                                      sigma={"a": 0.5, "b": 0.5, "c": 0.1}, min_n=5).n
        found[0]["svy"] = f"{list(a.values())} (stratum a: {a['a']} < min(5, N=3))"
    except ImportError:
        pass
    return found


def main() -> int:
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    frame = make_frame()
    print(f"frame: {N_UNITS:,} units, {N_STRATA:,} strata, generated in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    ours_alloc_draw(frame)  # warm up
    ours_t, (big_n, n_h, r_h, res) = timed(lambda: ours_alloc_draw(frame))
    assert int(n_h.sum()) == N_SAMPLE and np.all(n_h <= big_n)
    assert np.all(n_h >= np.minimum(MINIMUM, big_n))
    results: dict[str, object] = {
        "frame": {"units": N_UNITS, "strata": N_STRATA, "n": N_SAMPLE, "minimum": MINIMUM,
                  "reserve": int(r_h.sum()), "seed": SEED},
        "ours": {"alloc_draw_s": ours_t, "allocation_total": int(n_h.sum()),
                 "strata_below_minimum": 0, "selected": int(res.selected.sum())},
        "machine": {"python": platform.python_version(), "numpy": np.__version__,
                    "platform": platform.platform()},
    }
    print(f"ours      allocate+draw: {ours_t * 1000:8.1f} ms", flush=True)
    for name, fn in (("samplics", bench_samplics), ("svy", bench_svy)):
        try:
            t, info = fn(frame, big_n, n_h, r_h)
            results[name] = {"alloc_draw_s": t, **info,
                             "version": __import__(name).__version__}
            print(f"{name:9} allocate+draw: {t * 1000:8.1f} ms  ({t / ours_t:.1f}× ours)",
                  flush=True)
        except ImportError:
            results[name] = {"error": "not installed (pip install -e .[bench])"}
            print(f"{name:9} not installed")
    est = estimates(frame, res, big_n)
    results["estimates_100_domains"] = est
    results["defects"] = defects()

    lines = ["# Sampling benchmark", "",
             (f"Frame: {N_UNITS:,} units, {N_STRATA:,} strata; Neyman allocation n = {N_SAMPLE:,}, "
             f"minimum {MINIMUM}; reserve {int(r_h.sum()):,} units in replicates. "
             f"Median of {REPEATS} runs for ours, one run for the peers."), "",
             "| task | ours | samplics | svy | samplics ÷ ours | svy ÷ ours |",
             "|---|---:|---:|---:|---:|---:|"]

    def cell(d: object, key: str) -> str:
        return f"{d[key] * 1000:.1f} ms" if isinstance(d, dict) and key in d else "–"

    def ratio(d: object, key: str, base: float) -> str:
        return f"{d[key] / base:.1f}×" if isinstance(d, dict) and key in d else "–"

    s, v = results.get("samplics"), results.get("svy")
    lines.append(f"| allocate + draw (1M units) | {ours_t * 1000:.1f} ms | {cell(s, 'alloc_draw_s')}"
                 f" | {cell(v, 'alloc_draw_s')} | {ratio(s, 'alloc_draw_s', ours_t)} | "
                 f"{ratio(v, 'alloc_draw_s', ours_t)} |")
    lines.append(f"| estimates, 100 domains | {est['ours_s'] * 1000:.1f} ms | "
                 f"{cell(est, 'samplics_s')} | {cell(est, 'svy_s')} | "
                 f"{ratio(est, 'samplics_s', est['ours_s'])} | {ratio(est, 'svy_s', est['ours_s'])} |")
    lines += ["", "| allocation check | ours | samplics | svy |", "|---|---:|---:|---:|"]
    for key in ("allocation_total", "strata_below_minimum"):
        lines.append(f"| {key} (target {N_SAMPLE if key == 'allocation_total' else 0}) | "
                     f"{results['ours'][key]} | "  # type: ignore[index]
                     f"{s.get(key, '–') if isinstance(s, dict) else '–'} | "
                     f"{v.get(key, '–') if isinstance(v, dict) else '–'} |")
    lines += ["", "Peers' defects (small cases):", "", "| case | ours | samplics | svy |",
              "|---|---|---|---|"]
    for d in results["defects"]:  # type: ignore[union-attr]
        lines.append(f"| {d['case']} | {d.get('ours', '')} | {d.get('samplics', '')} | "
                     f"{d.get('svy', '')} |")
    if "samplics_max_se_diff" in est:
        lines += ["", (f"Largest |SE ours − SE samplics| over the 100 domains: "
                      f"{est['samplics_max_se_diff']:.2e}")]
    targets = (f"Targets: allocate+draw ≤ 500 ms → {'met' if ours_t <= 0.5 else 'MISSED'}; "
               f"100-domain estimates ≤ 50 ms → {'met' if est['ours_s'] <= 0.05 else 'MISSED'}.")
    lines += ["", targets]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "sampling.json").write_text(json.dumps(results, indent=2, ensure_ascii=False,
                                                      default=float))
    (out_dir / "sampling.md").write_text(text)
    print(f"wrote {out_dir / 'sampling.json'} and {out_dir / 'sampling.md'}")
    _ = math
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
