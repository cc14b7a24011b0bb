"""One build at a time per Gongkai home: the ``build.lock`` file.

Two builds writing the same home trip over each other (the Great Expectations project, the
staging folder, the published file). Every path that writes the warehouse — ``gongkai build``,
``gongkai demo`` and the Dagster job however it was launched — takes this lock first.

The lock is an ``fcntl.flock`` on ``$GONGKAI_HOME/build.lock``. The kernel drops it when the
holding process dies, even by ``kill -9``, so a crashed build never leaves a stale lock. The file
also holds who took it (pid, host, start time, command, Dagster run) so a second build can say
whom it is waiting for; a clean release empties it, so a non-empty record found by the next
holder means the previous build died (its leftovers are then cleaned, see ``housekeeping``).

Two holding modes:

* **hold** — the process keeps the ``flock`` until the build ends (the CLI; a run executed in one
  process). Re-entrant per process: ``gongkai build`` holds it and the job it runs in the same
  process takes it again without deadlocking.
* **lease** — a step of a Dagster run executed by the multiprocess executor (``gongkai dev``, a
  schedule or the sensor) runs in a child of the run worker and cannot hold a lock for the whole
  run. It takes the ``flock`` only to read and write the record, naming the run worker as owner
  and the run id: other builds see a live owner and stay out; steps of the same run go on; when
  the run worker exits the lease is dead and the next build takes over.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import multiprocessing
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

LOCK_NAME = "build.lock"
# Set in the environment of the process that holds the lock, inherited by the extraction pool's
# spawn workers: ``housekeeping`` uses them to prove that an orphaned worker was one of ours.
ENV_OWNER_HOME = "GONGKAI_BUILD_HOME"
ENV_OWNER_PID = "GONGKAI_BUILD_PID"
ENV_OWNER_START = "GONGKAI_BUILD_PID_START"


def _stat(pid: int) -> tuple[str, int] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0], int(fields[19])


def process_start(pid: int) -> int | None:
    """The start time of ``pid`` in clock ticks since boot (None: no such process).

    A pid alone can be reused by an unrelated process after a crash; pid plus start time cannot.
    """
    stat = _stat(pid)
    return stat[1] if stat else None


def alive(pid: int, start: int | None) -> bool:
    """Whether the process ``pid`` that started at ``start`` still runs (on this machine).

    A zombie (dead, not yet reaped — containers whose pid 1 does not reap) counts as dead.
    """
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X") and (start is None or stat[1] == start)


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held without releasing) the build lock."""

    pid: int
    host: str
    started: str
    command: str
    pid_start: int | None = None
    run_id: str | None = None
    mode: str = "hold"

    @classmethod
    def me(
        cls, command: str, pid: int | None = None, run_id: str | None = None, mode: str = "hold"
    ) -> Holder:
        """A record naming ``pid`` (default: this process) as holder, started now."""
        pid = pid or os.getpid()
        return cls(
            pid=pid,
            host=socket.gethostname(),
            started=datetime.now().astimezone().isoformat(timespec="seconds"),
            command=command,
            pid_start=process_start(pid),
            run_id=run_id,
            mode=mode,
        )

    def is_alive(self) -> bool:
        """True when the holder still runs; a holder on another host counts as alive."""
        if self.host != socket.gethostname():
            return True
        return alive(self.pid, self.pid_start)


class BuildBusy(RuntimeError):
    """Another build holds the lock of this home."""

    def __init__(self, holder: Holder | None, path: Path) -> None:
        self.holder = holder
        self.path = path
        if holder:
            zh = f"pid {holder.pid}，主机 {holder.host}，开始于 {holder.started}，{holder.command}"
            en = f"pid {holder.pid} on {holder.host}, since {holder.started}: {holder.command}"
        else:
            zh = en = "?"
        super().__init__(
            f"另一个构建正在进行（{zh}）/ another build is running ({en}); lock {path}"
        )


@dataclass
class Acquired:
    """What the caller learns on taking the lock."""

    path: Path
    # A record left by a holder that died without releasing (None after a clean release).
    previous: Holder | None = None
    # False when this process already held the lock (nothing to clean up: it is our build).
    fresh: bool = True
    holder: Holder | None = None
    extra: dict = field(default_factory=dict)


def lock_path(home: Path) -> Path:
    """Where the lock of ``home`` lives."""
    return home / LOCK_NAME


def read_holder(home: Path) -> Holder | None:
    """The recorded holder, or None when the record is empty or unreadable."""
    try:
        text = lock_path(home).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return _parse(text)


def _parse(text: str) -> Holder | None:
    if not text:
        return None
    try:
        d = json.loads(text)
        return Holder(**{k: d.get(k) for k in Holder.__dataclass_fields__ if k in d})
    except (ValueError, TypeError):
        return None


# Per-process registry: lock path → (open fd, depth). Re-entrance within one process.
_held: dict[Path, tuple[int, int]] = {}
_guard = threading.RLock()


def _record(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    data = b""
    while chunk := os.read(fd, 65536):
        data += chunk
    return _parse(data.decode("utf-8", "replace").strip())


def _write(fd: int, holder: Holder | None) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    if holder is not None:
        os.write(fd, (json.dumps(asdict(holder), ensure_ascii=False) + "\n").encode("utf-8"))
    os.fsync(fd)


def _flock(
    fd: int, path: Path, wait: float | None, on_wait: Callable[[Holder | None], None] | None
) -> None:
    """Take the ``flock`` on ``fd``; wait up to ``wait`` seconds (None: not at all)."""
    deadline = None if wait is None else time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _record(fd)
            if deadline is None or time.monotonic() >= deadline:
                raise BuildBusy(holder, path) from None
            if on_wait and not told:
                on_wait(holder)
                told = True
            time.sleep(0.2)


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def mark_environment(home: Path, pid: int | None = None) -> None:
    """Name this home and the build process in the environment the pool's workers inherit."""
    pid = pid or os.getpid()
    os.environ[ENV_OWNER_HOME] = str(home.resolve())
    os.environ[ENV_OWNER_PID] = str(pid)
    os.environ[ENV_OWNER_START] = str(process_start(pid) or "")


@contextlib.contextmanager
def hold(
    home: Path,
    command: str,
    wait: float | None = None,
    run_id: str | None = None,
    on_wait: Callable[[Holder | None], None] | None = None,
) -> Iterator[Acquired]:
    """Hold the build lock of ``home`` for the block (re-entrant within this process).

    ``wait``: None fails at once with :class:`BuildBusy`; a number waits that many seconds
    (``math.inf``: as long as it takes). A live lease of a run in another process counts as busy.
    """
    path = lock_path(home.resolve())
    with _guard:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
            if run_id:
                current = _record(fd)
                if current is not None and current.run_id != run_id:
                    _write(fd, _replace(current, run_id=run_id))
            try:
                yield Acquired(path, fresh=False, holder=_record(fd))
            finally:
                _release(path)
            return
    fd = _open(path)
    try:
        _flock(fd, path, wait, on_wait)
        previous = _take_over(fd, path, wait, on_wait)
    except BaseException:
        os.close(fd)
        raise
    me = Holder.me(command, run_id=run_id)
    _write(fd, me)
    saved = {k: os.environ.get(k) for k in (ENV_OWNER_HOME, ENV_OWNER_PID, ENV_OWNER_START)}
    mark_environment(home)
    with _guard:
        _held[path] = (fd, 1)
    try:
        yield Acquired(path, previous=previous, holder=me)
    finally:
        _release(path, clear=True)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _take_over(
    fd: int, path: Path, wait: float | None, on_wait: Callable[[Holder | None], None] | None
) -> Holder | None:
    """With the ``flock`` held: wait out a live lease; return a dead holder's record."""
    deadline = None if wait is None else time.monotonic() + wait
    told = False
    while True:
        current = _record(fd)
        if current is None or not current.is_alive() or current.pid == os.getpid():
            return current if current is not None and current.pid != os.getpid() else None
        # A live lease: a run in another process owns the home between its steps.
        fcntl.flock(fd, fcntl.LOCK_UN)
        if deadline is None or time.monotonic() >= deadline:
            raise BuildBusy(current, path)
        if on_wait and not told:
            on_wait(current)
            told = True
        time.sleep(0.5)
        _flock(fd, path, None if deadline is None else max(0.0, deadline - time.monotonic()), None)


def _replace(h: Holder, **kw: object) -> Holder:
    return Holder(**{**asdict(h), **kw})


def _release(path: Path, clear: bool = False) -> None:
    with _guard:
        fd, depth = _held[path]
        if depth > 1:
            _held[path] = (fd, depth - 1)
            return
        del _held[path]
    try:
        if clear:
            _write(fd, None)
    finally:
        os.close(fd)  # closing the last fd of the open file description drops the flock


def lease(
    home: Path,
    run_id: str,
    command: str,
    wait: float | None = None,
    owner: Holder | None = None,
) -> Acquired:
    """Claim the home for Dagster run ``run_id`` on behalf of this step's run worker.

    Called by every step of a run executed by the multiprocess executor. The first step finds no
    live owner and writes the lease (owner = the run worker, the parent of this step process);
    later steps of the same run find their own lease and go on; a step of another run finds a
    live owner and raises :class:`BuildBusy`.

    ``owner``: the process the lease names when it is not this step's parent — a step in a
    celery worker runs for a coordinator that is no relative of it (pid, host, start time are
    used; the lease lives as long as that process).
    """
    path = lock_path(home.resolve())
    parent = multiprocessing.parent_process()
    pid = parent.pid if parent is not None and parent.pid else os.getpid()
    fd = _open(path)
    try:
        _flock(fd, path, wait, None)
        current = _record(fd)
        if current is not None and current.run_id == run_id and current.is_alive():
            return Acquired(path, fresh=False, holder=current)
        if current is not None and current.is_alive():
            raise BuildBusy(current, path)
        if owner is None:
            me = Holder.me(command, pid=pid, run_id=run_id, mode="lease")
        else:
            me = _replace(
                Holder.me(command, pid=owner.pid, run_id=run_id, mode="lease"),
                host=owner.host,
                pid_start=owner.pid_start,
            )
        _write(fd, me)
        return Acquired(path, previous=current, holder=me)
    finally:
        os.close(fd)


def in_step_process() -> bool:
    """True in a child process started by ``multiprocessing`` (a multiprocess-executor step)."""
    return multiprocessing.parent_process() is not None


def forever() -> float:
    """The ``wait`` that means "as long as it takes"."""
    return math.inf
