"""Deterministic values of generated elements: z-order keys and seeds.

Z-order indices are valid fractional-index keys assigned in insertion order; seeds and version
nonces are hashes of the element's id, so the same spec always gives the same bytes.
"""

from __future__ import annotations

import hashlib

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # base 62, ASCII order


def fractional_index(n: int) -> str:
    """The n-th key of a sequence of valid fractional-index keys, in increasing order.

    Integer keys: a head letter giving the number of digits (``a`` = 1 … ``z`` = 26) followed
    by base-62 digits: ``a0``…``az``, ``b00``…``bzz``, ``c000``… Keys sort as strings in the
    same order as ``n``.
    """
    if n < 0:
        raise ValueError("index must be non-negative")
    width = 1
    start = 0
    while n - start >= 62**width:
        start += 62**width
        width += 1
        if width > 26:
            raise ValueError("too many elements")
    rest = n - start
    digits = []
    for _ in range(width):
        rest, d = divmod(rest, 62)
        digits.append(DIGITS[d])
    return chr(ord("a") + width - 1) + "".join(reversed(digits))


def stable_int(*parts: str) -> int:
    """A number in [1, 2**31 - 1] derived from text: stable seeds and nonces."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % (2**31 - 1) + 1
