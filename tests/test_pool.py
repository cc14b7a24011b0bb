"""The worker pool kept between calls (``pipelines.pool.kept_workers``)."""

from __future__ import annotations

from pathlib import Path

from pool_tasks import work

from pipelines import pool
from pipelines.extract.limits import current_limits


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def test_kept_workers_serve_the_next_call_are_renewed_and_closed(tmp_path) -> None:
    marker = str(tmp_path)
    limits = current_limits()
    first: dict[str, dict] = {}
    second: dict[str, dict] = {}
    with pool.kept_workers():
        pool.run_tasks([(f"a{i}", ("a", marker)) for i in range(2)], work, first.__setitem__,
                       2, limits, renew_after=3)
        assert pool._kept is not None and len(pool._kept) == 1
        started = {w.proc.pid for p in pool._kept.values() for w in p.workers}
        assert all(_alive(pid) for pid in started)  # still up between the calls
        pool.run_tasks([(f"b{i}", ("b", marker)) for i in range(8)], work, second.__setitem__,
                       2, limits, renew_after=3)
        assert len(pool._kept) == 1  # the same kind of work: one pool
        last = {w.proc.pid for p in pool._kept.values() for w in p.workers}
    assert set(first) == {"a0", "a1"} and set(second) == {f"b{i}" for i in range(8)}
    assert {r["pid"] for r in first.values()} <= started
    served = {r["pid"] for r in second.values()}
    assert served & started  # the second call ran on workers the first one started
    assert served - started  # ten tasks on two workers of three each: some were renewed
    assert pool._kept is None
    assert not any(_alive(pid) for pid in started | served | last)  # closed with the block


def test_without_the_block_every_call_has_its_own_workers(tmp_path) -> None:
    marker = str(tmp_path)
    got: list[dict[str, dict]] = [{}, {}]
    for out in got:
        pool.run_tasks([("a", ("a", marker))], work, out.__setitem__, 1, current_limits())
    assert got[0]["a"]["pid"] != got[1]["a"]["pid"]
    assert not _alive(got[0]["a"]["pid"])


def test_a_kept_pool_without_renewal_runs_every_call_on_its_first_workers(tmp_path) -> None:
    """What ``warm_entries`` does: runs of documents, one pool, no worker renewed."""
    marker = str(tmp_path)
    runs: list[dict[str, dict]] = [{}, {}, {}]
    with pool.kept_workers():
        for n, out in enumerate(runs):
            pool.run_tasks([(f"{n}-{i}", ("a", marker)) for i in range(6)], work,
                           out.__setitem__, 2, current_limits())
    pids = {r["pid"] for out in runs for r in out.values()}
    assert all(len(out) == 6 for out in runs)
    assert 1 <= len(pids) <= 2  # eighteen tasks, the two workers started for the first run
