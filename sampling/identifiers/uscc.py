"""Unified social credit code (GB 32100-2015) check character.

Alphabet ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (values 0-30); weights
``3**(i-1) mod 31``; ``C18 = (31 - sum(C_i * W_i) mod 31) mod 31``.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 (which must be in the alphabet)."""
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}: {first17!r}")
    total = 0
    for ch, w in zip(first17, WEIGHTS):
        v = VALUES.get(ch)
        if v is None:
            raise ValueError(f"character {ch!r} not allowed in a credit code: {first17!r}")
        total += v * w
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is 18 alphabet characters with the right check character."""
    if len(code) != 18 or any(ch not in VALUES for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]
