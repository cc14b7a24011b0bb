"""A small process pool that gives each task a deadline and survives its workers' deaths.

``concurrent.futures.ProcessPoolExecutor`` cannot do either: a task that loops runs for ever,
and a worker killed by the OOM killer breaks the whole pool (``BrokenProcessPool``, naming no
task) — the document was never cached, so every later build failed the same way. Here each
worker runs one task at a time over its own pipe, in the order sent, so the parent always
knows which task a worker is running (the first it has sent and not had back; one more waits in
the pipe so that a worker never idles while the parent stores a result):

* a task past its deadline has its worker killed and replaced; the task's result is the
  caller's ``failed(arg, Failure("timeout", …))``;
* a worker that dies (a signal, an exit) is replaced and its task retried once in a fresh
  worker; a second death gives ``failed(arg, Failure("died", "signal 9"))``;
* each worker caps its address space (``RLIMIT_AS``) at its warmed-up size plus
  :attr:`Limits.worker_memory_mb`, so a runaway task raises ``MemoryError`` inside the worker
  (the engine turns it into a finding) instead of waking the OOM killer.

Workers are started with "spawn", never fork: the callers (Dagster, Streamlit) run threads,
and forking a threaded process can deadlock the child on a lock held by another thread.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

if TYPE_CHECKING:  # not imported at run time: a worker starts without the engine's imports
    from pipelines.extract.limits import Limits

T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """Why a task has no result of its own: it ran out of time, memory, or its worker died.

    ``value`` is the limit in seconds (timeout) or MB (memory), or the signal (a negative exit
    code, as ``multiprocessing`` gives it) or exit code of the dead worker.
    """

    kind: Literal["timeout", "died", "memory"]
    value: float

    def message(self) -> str:
        """What happened, in Chinese and English."""
        v = f"{self.value:g}"
        if self.kind == "timeout":
            return f"处理超过 {v} 秒 / exceeded {v} s"
        if self.kind == "memory":
            return f"处理超出内存上限（{v} MB）/ exceeded the memory limit ({v} MB)"
        if self.value < 0:
            return f"处理进程异常退出（信号 {-self.value:g}）/ worker died (signal {-self.value:g})"
        return f"处理进程异常退出（退出码 {v}）/ worker died (exit code {v})"


class TaskError(RuntimeError):
    """A task failed in a way the caller gave no ``failed`` result for (or raised)."""


def _cap_memory(extra_mb: int) -> None:
    """Limit this process's address space to what it maps now plus ``extra_mb``.

    The warmed-up size is the base because imported libraries reserve address space they never
    touch (polars' allocator); one malloc arena per thread would reserve more, so the arenas are
    limited to two first (glibc ``mallopt(M_ARENA_MAX)``; ignored where unavailable).
    """
    import ctypes
    import resource

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX
    with open("/proc/self/statm") as f:
        mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    cap = mapped + extra_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when its parent dies (``PR_SET_PDEATHSIG``).

    A worker whose parent was killed would otherwise finish its document unsupervised (no
    deadline holds it any more); the pipe closing ends it only between documents. The parent is
    checked after the call, since it may have died before the request was made.
    """
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def engine_warm_up() -> None:
    """The default warm-up: load the extraction engine's place index if the task uses the engine.

    A task module that imports the engine (:mod:`pipelines.batch`) has it loaded by the time
    the worker starts; the place index is loaded lazily, and building it on a cold disk cache
    imports polars and takes some 800 MB of address space, which must come before the memory
    cap, not out of a document's allowance. Tasks that do not use the engine skip it.
    """
    import sys

    if "pipelines.extract.engine" in sys.modules:
        from pipelines.bodies.index import place_index

        place_index()


def _ref(fn: Callable) -> str:
    """A top-level function as ``module:name``, imported by the worker when it is told to."""
    return f"{fn.__module__}:{fn.__qualname__}"


def _resolve(ref: str) -> Callable:
    import importlib

    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


# Environment variables that size a library's own thread pool, set in every worker before it
# imports anything: a pool already runs one worker per core, and each worker's polars using a
# thread per core as well left the cores oversubscribed (a national shard of 14 segments took
# 31.6 s with polars' default threads, 24.3 s with one thread per worker).
THREAD_VARIABLES = ("POLARS_MAX_THREADS",)


def _serve(
    conn: Connection,
    work: str,
    memory_mb: int,
    parent: int = 0,
    warm: str | None = None,
    threads: int = 0,
) -> None:
    """Worker loop: warm up, announce readiness, then run one task per message until told to stop.

    ``work`` and ``warm`` come as ``module:name`` and are imported only here, after the
    library thread counts are set to ``threads`` (0: the libraries' own default). ``warm``
    runs before the memory cap and before the first deadline: the libraries it imports reserve
    address space the cap should not count, and a slow start is not a slow document.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if parent:
        _die_with_parent(parent)
    if threads > 0:
        for name in THREAD_VARIABLES:
            os.environ[name] = str(threads)
    run = _resolve(work)
    (_resolve(warm) if warm else engine_warm_up)()
    if memory_mb > 0:
        with contextlib.suppress(OSError, ValueError):
            _cap_memory(memory_mb)
    conn.send(("ready", None))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            # Exit without tearing the interpreter down: freeing a warmed engine's tables
            # object by object costs a tenth of a second per worker, and nothing is left to
            # flush (results go over the pipe, already sent).
            conn.close()
            os._exit(0)
        key, arg = msg
        try:
            out = ("ok", run(arg))
        except MemoryError:
            out = ("memory", None)
        except Exception as exc:  # reported to the parent, which raises it
            out = ("error", f"{type(exc).__name__}: {exc}")
        conn.send((key, out))


@dataclass
class _Worker(Generic[T]):
    """One worker process, its pipe, and the tasks sent to it (the first running, by deadline)."""

    proc: multiprocessing.process.BaseProcess
    conn: Connection
    ready: bool = False
    tasks: deque[tuple[str, T]] = field(default_factory=deque)
    deadline: float = 0.0
    started: float = field(default_factory=time.monotonic)
    sent: int = 0  # tasks sent over its life (see run_tasks' renew_after)


class _Pool(Generic[T]):
    """The workers of one :func:`run_tasks` call, the tasks still to run, and the outcomes."""

    START_TIMEOUT_S = 300.0  # a worker that cannot import the engine in this long is stuck
    DEPTH = 2  # tasks sent to a worker at a time: the running one and the next

    def __init__(
        self,
        tasks: Sequence[tuple[str, T]],
        work: Callable[[T], dict],
        size: int,
        limits: Limits,
        done: Callable[[str, dict], None],
        failed: Callable[[T, Failure], dict] | None,
        warm: Callable[[], None] | None = None,
    ) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.work, self.limits, self.warm = work, limits, warm
        self.max_tasks = 0  # tasks a worker runs before it is renewed (0: no limit)
        self.assign(tasks, done, failed)
        self.size = size
        self.workers = [self._start() for _ in range(size)]

    def assign(self, tasks: Sequence[tuple[str, T]], done: Callable[[str, dict], None],
               failed: Callable[[T, Failure], dict] | None) -> None:
        """Give the pool a new list of tasks and what to do with their outcomes."""
        self.done, self.failed = done, failed
        self.pending: deque[tuple[str, T]] = deque(tasks)
        self.deaths: dict[str, int] = {}
        self.start_failures = 0

    def _start(self) -> _Worker[T]:
        parent, child = self.ctx.Pipe()
        memory = self.limits.worker_memory_mb
        warm = _ref(self.warm) if self.warm else None
        threads = max(1, (os.cpu_count() or 1) // self.size)
        proc = self.ctx.Process(
            target=_serve, args=(child, _ref(self.work), memory, os.getpid(), warm, threads),
            daemon=True,
        )
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _replace(self, w: _Worker[T]) -> None:
        """Kill ``w`` (if alive) and put a fresh worker in its place."""
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
        w.conn.close()
        self.workers[self.workers.index(w)] = self._start()

    def _give_up(self, key: str, arg: T, failure: Failure) -> None:
        if self.failed is None:
            raise TaskError(f"{key}: {failure.message()}")
        self.done(key, self.failed(arg, failure))

    def busy(self) -> bool:
        """Whether tasks are waiting or running."""
        return bool(self.pending) or any(w.tasks for w in self.workers)

    def _spent(self, w: _Worker[T]) -> bool:
        """Whether ``w`` has been sent its share of tasks (``max_tasks``) and takes no more."""
        return bool(self.max_tasks) and w.sent >= self.max_tasks

    def step(self) -> None:
        """Hand out tasks, wait for the next message, death or deadline, and deal with it."""
        now = time.monotonic()
        for w in list(self.workers):
            if self._spent(w) and not w.tasks:
                self._replace(w)  # served its share: a fresh process, its memory returned
        # One task to every idle worker first, then a second to wait in the pipe, but never
        # one that an idle or starting worker would otherwise get: with two segments and two
        # workers, the first worker up took both and the other sat idle.
        for depth in range(1, self.DEPTH + 1):
            for w in self.workers:
                if not (w.ready and len(w.tasks) < depth and self.pending) or self._spent(w):
                    continue
                idle = sum(1 for o in self.workers if o is not w and not o.tasks)
                if w.tasks and len(self.pending) <= idle:
                    continue
                if not w.tasks:
                    w.deadline = now + self.limits.doc_timeout_s
                w.tasks.append(self.pending.popleft())
                w.sent += 1
                with contextlib.suppress(OSError):  # dead: its sentinel says so below
                    w.conn.send(w.tasks[-1])
        deadlines = [w.deadline for w in self.workers if w.tasks] or [now + 1.0]
        handles = [w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers]
        ready = set(wait(handles, max(0.0, min(deadlines) - now)))
        now = time.monotonic()
        for w in list(self.workers):
            if w.conn in ready:
                self._receive(w)
            elif w.proc.sentinel in ready:
                self._died(w)
            elif w.tasks and now >= w.deadline:
                key, arg = w.tasks.popleft()
                self.pending.extendleft(reversed(w.tasks))  # sent, never started
                self._replace(w)
                self._give_up(key, arg, Failure("timeout", self.limits.doc_timeout_s))
            elif not w.ready and now - w.started > self.START_TIMEOUT_S:
                raise TaskError("a worker process did not start")

    def _receive(self, w: _Worker[T]) -> None:
        try:
            key, out = w.conn.recv()
        except (EOFError, OSError):
            self._died(w)
            return
        if key == "ready" and out is None:
            w.ready = True
            return
        status, value = out
        done_key, arg = w.tasks.popleft()
        assert done_key == key, (done_key, key)
        w.deadline = time.monotonic() + self.limits.doc_timeout_s  # the next one starts now
        if status == "ok":
            self.done(key, value)
        elif status == "memory":
            self._give_up(key, arg, Failure("memory", self.limits.worker_memory_mb))
        else:
            raise TaskError(f"{key}: {value}")

    def _died(self, w: _Worker[T]) -> None:
        """A worker ended on its own: retry its task once in a fresh worker, then give up."""
        w.proc.join(5)
        code = w.proc.exitcode if w.proc.exitcode is not None else -9
        task = w.tasks.popleft() if w.tasks else None
        self.pending.extendleft(reversed(w.tasks))  # sent, never started
        self._replace(w)
        if task is None:  # died while starting or idle: nothing lost, but do not loop for ever
            self.start_failures += 1
            if self.start_failures > 3:
                raise TaskError(f"workers keep dying on start: {Failure('died', code).message()}")
            return
        key, arg = task
        self.deaths[key] = self.deaths.get(key, 0) + 1
        if self.deaths[key] < 2:
            self.pending.appendleft(task)
        else:
            self._give_up(key, arg, Failure("died", code))

    def close(self) -> None:
        """Stop every worker: ask, then kill what is still running."""
        for w in self.workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        end = time.monotonic() + 5
        for w in self.workers:
            w.proc.join(max(0.0, end - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(5)
            w.conn.close()


# Pools kept between run_tasks calls inside kept_workers(), by (work, warm, workers, limits,
# renewal).
_kept: dict[tuple, _Pool] | None = None


@contextlib.contextmanager
def kept_workers():
    """Within this block, a :func:`run_tasks` pool outlives its call and serves the next one.

    A build runs its sixteen shard steps one after the other in one process, and each started
    two workers that imported the engine and polars again (1.5–5 s of two cores per step,
    longer than a small shard's work); the extraction of a national inbox, in runs of 5,000
    documents, started two workers 44 times. Inside the block the next call with the same
    work, warm-up, size, limits and renewal finds the workers ready; the pools close when the
    block ends. Outside the block (the ``dagster dev`` and celery executors run each step in
    its own process) nothing changes.
    """
    global _kept
    if _kept is not None:  # nested: the outer block owns the pools
        yield
        return
    _kept = {}
    try:
        yield
    finally:
        pools, _kept = _kept, None
        for pool in pools.values():
            pool.close()


def run_tasks(
    tasks: Sequence[tuple[str, T]],
    work: Callable[[T], dict],
    done: Callable[[str, dict], None],
    workers: int,
    limits: Limits,
    failed: Callable[[T, Failure], dict] | None = None,
    warm: Callable[[], None] | None = None,
    renew_after: int = 0,
) -> None:
    """Run ``work(arg)`` for every ``(key, arg)`` in ``workers`` processes; ``done(key, result)``.

    Results arrive in completion order. A task over ``limits.doc_timeout_s``, out of memory, or
    whose worker died twice gets ``failed(arg, failure)`` as its result; without ``failed``, or
    when ``work`` raises, :class:`TaskError` names the task. ``work`` (and ``warm``, run once
    in each worker before its memory cap; by default :func:`engine_warm_up`) must be top-level
    functions. ``renew_after``: tasks a worker runs before a fresh process takes its place
    (0: never), for tasks large enough that what a long-lived worker keeps matters.
    """
    if not tasks:
        return
    pool = None
    if _kept is not None:
        key = (_ref(work), _ref(warm) if warm else None, max(1, workers), limits, renew_after)
        pool = _kept.pop(key, None)
    if pool is None:
        # A kept pool is sized for the calls after this one, not for this call's tasks.
        size = max(1, workers if _kept is not None else min(workers, len(tasks)))
        pool = _Pool(tasks, work, size, limits, done, failed, warm)
        pool.max_tasks = renew_after
    else:
        pool.assign(tasks, done, failed)
    try:
        while pool.busy():
            pool.step()
    except BaseException:
        pool.close()  # tasks may be in flight: this pool is not handed on
        raise
    if _kept is not None:
        _kept[key] = pool
    else:
        pool.close()
