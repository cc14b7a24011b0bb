"""Pausing Python's cyclic garbage collector around work that builds many objects at once.

Reading a segment's 1,000 cached extractions, or unpickling a lexicon, makes millions of
small objects that stay alive until the work ends; each full collection walks all of them
again, which measured at up to four times the work itself and made its time vary threefold
from run to run. Reference counting still frees everything that is not in a cycle, and the
collector runs as usual once the work is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (restored after, even when nested)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
