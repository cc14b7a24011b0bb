"""Readings of flattened table rows whose cells ran together ("640020470" → 64,0,0,2,0,4,70).

Scraped pages often lose the cell borders of a table, so a row arrives as one or a few digit
runs. This module enumerates every way to cut the runs into the row's cells (no leading zeros),
and chooses jointly across rows the readings that satisfy the 勾稽 rules. When more than one
reading survives, the caller must not publish the cells: guessing is worse than missing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

_DIGITS = re.compile(r"^\d+$")
MAX_COMBINATIONS = 200_000


def is_digit_run(text: str) -> bool:
    """True when ``text`` is a bare run of digits that may hold several cells."""
    return bool(_DIGITS.match(text))


@lru_cache(maxsize=65536)
def _cuts(run: str, parts: int) -> tuple[tuple[int, ...], ...]:
    """Every way to cut one digit run into ``parts`` numbers without leading zeros (cached)."""
    if parts == 1:
        return ((int(run),),) if len(run) == 1 or run[0] != "0" else ()
    out = []
    for i in range(1, len(run) - parts + 2):
        head = run[:i]
        if len(head) > 1 and head[0] == "0":
            break
        out.extend((int(head), *rest) for rest in _cuts(run[i:], parts - 1))
    return tuple(out)


def split_runs(
    runs: Sequence[str], n: int, accept: Callable[[tuple[int, ...]], bool] | None = None
) -> list[tuple[int, ...]]:
    """All readings of ``runs`` (digit runs, in order) as exactly ``n`` numbers.

    Each run holds at least one cell. ``accept`` filters complete readings (e.g. a row total).
    """
    if not runs or any(not is_digit_run(r) for r in runs):
        return []
    if sum(len(r) for r in runs) < n or len(runs) > n:
        return []
    out: list[tuple[int, ...]] = []

    def rec(i: int, left: int, acc: tuple[int, ...]) -> None:
        if i == len(runs):
            if left == 0 and (accept is None or accept(acc)):
                out.append(acc)
            return
        remaining = len(runs) - i - 1
        for k in range(1, min(len(runs[i]), left - remaining) + 1):
            for cut in _cuts(runs[i], k):
                rec(i + 1, left - k, acc + cut)

    rec(0, n, ())
    return out


def row_total_holds(cells: tuple[int, ...]) -> bool:
    """Table 三 row: the last cell is the sum of the others (rule 2)."""
    return sum(cells[:-1]) == cells[-1]


@lru_cache(maxsize=16384)
def _total_splits(runs: tuple[str, ...], n: int) -> tuple[tuple[int, ...], ...]:
    """Readings of ``runs`` as ``n`` cells whose last cell is the sum of the others.

    Same result as ``split_runs(runs, n, row_total_holds)``, found by choosing the printed total
    first (a suffix of the last run) and cutting the other digits left to right while their
    running sum stays within it, so hopeless branches are pruned early. Cached: template rows
    of zeros and small counts repeat across documents.
    """
    last = runs[-1]
    out: list[tuple[int, ...]] = []
    for tlen in range(1, len(last) + 1):
        head_of_last = last[:-tlen]
        digits = last[-tlen:]
        if len(digits) > 1 and digits[0] == "0":
            continue
        total = int(digits)
        body = (*runs[:-1], head_of_last) if head_of_last else tuple(runs[:-1])
        if not body or sum(len(r) for r in body) < n - 1 or len(body) > n - 1:
            continue

        def rec(i: int, pos: int, left: int, acc: tuple[int, ...], s: int,
                body: tuple[str, ...] = body, total: int = total) -> None:
            run = body[i]
            if pos == len(run):
                if i + 1 == len(body):
                    if left == 0 and s == total:
                        out.append((*acc, total))
                    return
                rec(i + 1, 0, left, acc, s)
                return
            rest_min = len(body) - i - 1  # every later run holds at least one cell
            if left - 1 < rest_min:
                return
            end = len(run) if run[pos] != "0" else pos + 1
            for j in range(pos + 1, end + 1):
                v = int(run[pos:j])
                if s + v > total:
                    break
                cells_after = left - 1
                # digits left in this run need a cell of their own, as does every later run
                if cells_after < rest_min + (j < len(run)):
                    continue
                rec(i, j, cells_after, (*acc, v), s + v)

        rec(0, 0, n - 1, (), 0)
    return tuple(out)


def split_with_total(runs: Sequence[str], n: int) -> list[tuple[int, ...]]:
    """All readings of ``runs`` as ``n`` cells that satisfy the row total (rule 2)."""
    if not runs or any(not is_digit_run(r) for r in runs):
        return []
    if sum(len(r) for r in runs) < n or len(runs) > n:
        return []
    return sorted(_total_splits(tuple(runs), n))


def groups_total_hold(size: int) -> Callable[[tuple[int, ...]], bool]:
    """Table 四: in every group of ``size`` cells the last is the sum of the others (rule 4)."""

    def check(cells: tuple[int, ...]) -> bool:
        return all(
            sum(cells[i : i + size - 1]) == cells[i + size - 1]
            for i in range(0, len(cells), size)
        )

    return check


def resolve_jointly(
    candidates: dict[str, list[tuple[int, ...]]],
    holds: Callable[[dict[str, tuple[int, ...]]], bool],
) -> tuple[dict[str, tuple[int, ...]], list[str]]:
    """Choose one reading per row so that ``holds`` is true for the whole table.

    Returns the rows whose reading is certain and the keys of rows left ambiguous. A row is
    certain when it has a single reading, or when every surviving combination agrees on it.
    If no combination satisfies the rules, rows with one reading are kept (the publisher's
    numbers may really be inconsistent) and the ambiguous ones are dropped.
    """
    fixed = {k: v[0] for k, v in candidates.items() if len(v) == 1}
    open_keys = [k for k, v in candidates.items() if len(v) > 1]
    if not open_keys:
        return fixed, []
    size = 1
    for k in open_keys:
        size *= len(candidates[k])
    if size > MAX_COMBINATIONS:
        return fixed, open_keys
    survivors = []
    for combo in itertools.product(*(candidates[k] for k in open_keys)):
        trial = {**fixed, **dict(zip(open_keys, combo, strict=True))}
        if holds(trial):
            survivors.append(combo)
    if not survivors:
        return fixed, open_keys
    ambiguous = []
    for i, k in enumerate(open_keys):
        readings = {combo[i] for combo in survivors}
        if len(readings) == 1:
            fixed[k] = survivors[0][i]
        else:
            ambiguous.append(k)
    return fixed, ambiguous
