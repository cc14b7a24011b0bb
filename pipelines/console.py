"""The commands' stderr console and progress bar, built on first use.

``rich`` takes a tenth of a second to import; ``gongkai extract one.html`` should not pay it
before its first document, and most commands print nothing to stderr at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


class LazyConsole:
    """A ``rich`` console on stderr, created (and ``rich`` imported) at the first call."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def _get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, **self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)


class NoProgress:
    """What :func:`progress_bar` gives when nobody watches: the same calls, doing nothing."""

    def __enter__(self) -> NoProgress:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def add_task(self, *_: object, **__: object) -> int:
        """A task id no one will use."""
        return 0

    def update(self, *_: object, **__: object) -> None:
        """Nothing to redraw."""
        return None


def progress_bar(console: LazyConsole) -> Progress | NoProgress:
    """A transient bar on ``console``; none when stderr is not a terminal (logs, pipes).

    The check comes first so that a script or a pipe never imports ``rich`` for a bar it would
    not show.
    """
    import sys

    if console._console is None and not sys.stderr.isatty():
        return NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    real = console._get()
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=real,
        transient=True,
        disable=not real.is_terminal,
    )
