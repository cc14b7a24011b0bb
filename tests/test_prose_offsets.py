"""The compacted text's offsets: computed on demand, they must be those of every character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipelines.checker.facts import find_prose_figures
from pipelines.extract.prose import compact, compact_with_offsets


def _reference(text: str) -> tuple[str, list[int]]:
    """Character by character: drop line breaks, then the layout spaces :func:`compact` drops."""
    kept = [i for i, ch in enumerate(text) if ch != "\n"]
    flat = "".join(text[i] for i in kept)
    out = compact(text)
    # compact removes whole runs of spaces; walk both strings to pair the kept characters
    offsets, j = [], 0
    for k, ch in enumerate(flat):
        if j < len(out) and ch == out[j] and _kept(flat, k):
            offsets.append(kept[k])
            j += 1
    return out, offsets


def _kept(flat: str, k: int) -> bool:
    from pipelines.extract.prose import _SPACES

    return not any(m.start() <= k < m.end() for m in _SPACES.finditer(flat))


@given(st.text(alphabet=["\n", " ", "\t", "a", "1", "中", "文", "。", "件"], max_size=40))
def test_offsets_are_those_of_every_character(text: str) -> None:
    flat, offsets = compact_with_offsets(text)
    want_flat, want = _reference(text)
    assert flat == want_flat
    assert len(offsets) == len(want)
    assert list(offsets) == want
    if want:
        assert offsets[-1] == want[-1] and offsets[-len(want)] == want[0]


def test_a_figure_points_into_the_uncompacted_text() -> None:
    text = "总体情况\n本年度予以公开 12 件，\n无法提供 3 件。"
    figures = find_prose_figures(text)
    assert figures, "the prose reader read no outcome figure"
    for f in figures:
        start, end = f.span
        assert text[start:end].replace(" ", "").replace("\n", "") in compact(text)
