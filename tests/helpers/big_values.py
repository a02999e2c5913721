"""How a failed comparison of two large texts or byte strings is shown: sizes, digests and the first
difference, never the values whole (in CI pytest does not truncate, and a 10 MB document compared
byte for byte once printed a 24 MB log)."""
from __future__ import annotations

import hashlib

LARGE = 2_000  # characters or bytes: beyond this a value is summarised
WINDOW = 40  # what is shown on each side of the first difference


def summary(left: object, right: object) -> list[str] | None:
    """Lines explaining `left == right` for two large str or bytes values; None for anything else."""
    if type(left) is not type(right) or not isinstance(left, str | bytes):
        return None
    if max(len(left), len(right)) <= LARGE:
        return None
    first = next((i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b), min(len(left), len(right)))
    lines = [f"large {type(left).__name__} values differ (shown summarised, tests/helpers/big_values.py):"]
    for side, value in (("left", left), ("right", right)):
        raw = value.encode() if isinstance(value, str) else value
        lines.append(f"  {side}: {len(value):,} long, sha256 {hashlib.sha256(raw).hexdigest()[:16]}…, "
                     f"at {first:,}: {value[max(0, first - WINDOW):first + WINDOW]!r}")
    return lines
