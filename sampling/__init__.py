"""Pure sampling package: identifiers, list files, sample size, allocation, draw,
weights and estimation. Imports neither Textual nor the database layer."""


# The public API, imported lazily so that ``import sampling.identifiers`` stays
# light (no scipy). ``from sampling import draw`` works as usual.
_EXPORTS = {
    "METHODS": "sampling.allocation",
    "allocate": "sampling.allocation",
    "DrawResult": "sampling.selection",
    "cap_burden": "sampling.selection",
    "coordination_shifts": "sampling.selection",
    "draw": "sampling.selection",
    "prn": "sampling.selection",
    "prn_hash": "sampling.selection",
    "stratum_codes": "sampling.selection",
    "EstimateResult": "sampling.estimate",
    "ContrastResult": "sampling.estimate",
    "domain_contrast": "sampling.estimate",
    "estimate_ratio": "sampling.estimate",
    "estimate_total": "sampling.estimate",
    "CalibrationResult": "sampling.calibration",
    "poststratify": "sampling.calibration",
    "rake": "sampling.calibration",
    "SINGLE_UNIT_RULES": "sampling.variance",
    "estimate_mean": "sampling.estimate",
    "estimate_proportion": "sampling.estimate",
    "CI_METHODS": "sampling.intervals",
    "proportion_ci": "sampling.intervals",
    "sample_size": "sampling.size",
    "AdjustmentResult": "sampling.weights",
    "adjust_weights": "sampling.weights",
    "base_weights": "sampling.weights",
    "unit_base_weights": "sampling.weights",
}
__all__ = [
    "CI_METHODS",
    "METHODS",
    "SINGLE_UNIT_RULES",
    "AdjustmentResult",
    "CalibrationResult",
    "ContrastResult",
    "DrawResult",
    "EstimateResult",
    "adjust_weights",
    "allocate",
    "base_weights",
    "cap_burden",
    "coordination_shifts",
    "domain_contrast",
    "draw",
    "estimate_mean",
    "estimate_proportion",
    "estimate_ratio",
    "estimate_total",
    "poststratify",
    "prn",
    "prn_hash",
    "proportion_ci",
    "rake",
    "sample_size",
    "stratum_codes",
    "unit_base_weights",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sampling' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
