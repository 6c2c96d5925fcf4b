"""The tolerance rule: when a hand-written entry counts as the true value.

Default, as a careful grader reads a hand calculation: |given − true| ≤ max(rtol·|true|, atol),
rtol = 1/100 and atol one unit in the last decimal the worksheet shows (10^−decimals).  Or,
with `sigfigs`, N significant figures: within one unit in the N-th significant digit of the
true value.  All comparisons are exact (Fractions), so a boundary case never depends on
binary rounding.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..schema import ProblemError, parse_number


def magnitude(r: Fraction) -> int:
    """e with 10^e ≤ |r| < 10^(e+1), for r ≠ 0."""
    a = abs(r)
    e = math.floor(math.log10(float(a))) if float(a) > 0 else -400
    while Fraction(10) ** e > a:
        e -= 1
    while Fraction(10) ** (e + 1) <= a:
        e += 1
    return e


def text_decimals(num) -> int | None:
    """Decimals a number was written with (None for a fraction "3/4": exact)."""
    t = getattr(num, "text", None)
    if t is None or "/" in t:
        return None
    return num.decimals


def text_sigfigs(num) -> int | None:
    """Significant figures a number was written with (None for a fraction: exact)."""
    t = getattr(num, "text", None)
    if t is None or "/" in t:
        return None
    mant = t.lower().lstrip("+-").partition("e")[0]
    digits = mant.replace(".", "").lstrip("0")
    return max(1, len(digits))


class Rule:
    def __init__(self, rtol=Fraction(1, 100), atol=Fraction(1, 10**4), sigfigs=None, decimals=4,
                 coarse=None):
        self.rtol, self.atol, self.sigfigs, self.decimals = Fraction(rtol), Fraction(atol), sigfigs, decimals
        self.coarse = coarse    # set on a rule made by `coarser`: the precision it stands for

    @classmethod
    def make(cls, decimals, from_file=None, rtol=None, atol=None, sigfigs=None):
        """Flags override the answers file, which overrides the defaults."""
        f = from_file or {}
        pick = lambda flag, key: flag if flag is not None else f.get(key)  # noqa: E731
        rt, at, sf = pick(rtol, "rtol"), pick(atol, "atol"), pick(sigfigs, "sigfigs")
        where = lambda flag, key: f"--{key}" if flag is not None else f"tolerance.{key}"  # noqa: E731
        rt = Fraction(1, 100) if rt is None else _frac(rt, where(rtol, "rtol"))
        at = Fraction(1, 10 ** decimals) if at is None else _frac(at, where(atol, "atol"))
        if sf is not None:
            if isinstance(sf, bool) or not isinstance(sf, (int, Fraction)) or int(sf) != sf or not 1 <= int(sf) <= 30:
                raise ProblemError(where(sigfigs, "sigfigs"),
                                   f"{sf}: give a whole number of significant figures, 1 to 30")
            sf = int(sf)
        return cls(rt, at, sf, decimals)

    def tol(self, r: Fraction) -> Fraction:
        if self.sigfigs is not None:
            if r == 0:
                return self.atol
            return Fraction(10) ** (magnitude(r) - self.sigfigs + 1)
        return max(self.rtol * abs(r), self.atol)

    def close(self, G, R, base=None) -> np.ndarray:
        """Entrywise match of two equally shaped arrays of Fractions.  With `base` (the
        parameter before an update) the rule is applied to the change R − base, in both modes:
        1 % (or N significant figures) of a weight would hide a wrong update entirely (seed
        003's lr 0.01 steps; W_next = W copied passed --sigfigs 2)."""
        G, R = np.asarray(G, dtype=object), np.asarray(R, dtype=object)
        B = None if base is None else np.asarray(base, dtype=object)
        out = np.zeros(G.shape, dtype=bool)
        for idx in np.ndindex(G.shape):
            if B is None:
                tol = self.tol(R[idx])
            else:
                # N significant figures of the change, but never finer than atol (the last
                # decimal the worksheet shows θ_new with): seed 004 writes θ_new to 4 decimals
                tol = max(self.tol(R[idx] - B[idx]), self.atol)
            out[idx] = abs(G[idx] - R[idx]) <= tol
        return out

    def is_zero(self, V) -> bool:
        """Every entry within the tolerance of 0 (|v| ≤ atol): what counts as 0 when matching
        counts as 0 for the guards too, so 0.00001 everywhere games nothing that 0 does not."""
        return all(abs(v) <= self.tol(Fraction(0)) for v in np.asarray(V, dtype=object).ravel())

    def matches(self, G, R, base=None) -> bool:
        return np.shape(G) == np.shape(R) and bool(self.close(G, R, base).all())

    def coarser(self, nums, R) -> "Rule | None":
        """The rule at the precision the student wrote (fewer decimals or significant figures
        than asked), for the diagnosis 'rounded too early'; None when they wrote enough, or
        (in significant figures) just one."""
        flat = [n for n in np.asarray(nums, dtype=object).ravel()]
        zeros = all(n == 0 for n in flat)      # 0.000 for 0.00017 is rounded; a bare 0 is not
        biggest = max((abs(r) for r in np.asarray(R, dtype=object).ravel()), default=0)
        if biggest == 0:
            return None
        if self.sigfigs is not None:
            if zeros:
                return None
            sf = [s for s in (text_sigfigs(n) for n in flat if n != 0) if s is not None]
            k = min(sf) if sf else None
            if k is None or k >= self.sigfigs or k < 2:
                return None
            return Rule(self.rtol, self.atol, k, self.decimals, coarse=f"{k} significant figures")
        ds = [d for d in (text_decimals(n) for n in flat) if d is not None]
        k = max(ds) if ds else None
        # small values too (0.001 for 0.00073 is rounded too early, exactly where it bites);
        # only whole numbers for values below 10 are no decimal rounding (a 0/1 mask)
        if k is None or Fraction(1, 2 * 10 ** k) <= self.atol or (k == 0 and (biggest < 10 or zeros)):
            return None
        # matching at k decimals: within half a unit of the k-th decimal, as rounding leaves it
        return Rule(self.rtol, Fraction(1, 2 * 10 ** k), None, self.decimals,
                    coarse=f"{k} decimal{'s' if k != 1 else ''}")

    def describe(self) -> str:
        update = ("; for an updated parameter (W1_next, …) the same rule applies to the change "
                  "it makes (new value − old value), not to the new value itself")
        if self.sigfigs is not None:
            return (f"an entry counts as right when it agrees with the true value to {self.sigfigs} "
                    f"significant figures (±1 in the last); a true 0 needs |given| ≤ {_show(self.atol)}"
                    + update + f", within ±{_show(self.atol)} at least")
        return (f"an entry counts as right when |given − true| ≤ max({_show(self.rtol)}·|true|, "
                f"{_show(self.atol)})" + update)

    def as_dict(self) -> dict:
        if self.sigfigs is not None:
            return {"sigfigs": self.sigfigs, "atol": float(self.atol)}
        return {"rtol": float(self.rtol), "atol": float(self.atol)}


def _frac(v, place) -> Fraction:
    q = Fraction(parse_number(v, place))
    if q < 0:
        raise ProblemError(place, f"{v}: a tolerance cannot be negative")
    return q


def _show(q: Fraction) -> str:
    """A tolerance as a person writes it: 0.01, 0.0001, 0.00000001, 1/3."""
    from ..numtext import plain
    return plain(q)
