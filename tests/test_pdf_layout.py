"""PDF tables by geometry: blank cells stay in their column, on printed PDFs and word boxes.

The fixtures in ``tests/fixtures/pdf`` are demo reports printed by headless Chromium (with and
without table borders, totals left blank, text as a ``<pre>`` page) and converted from DOCX by
LibreOffice (``scripts/make_pdf_fixtures.py``); each must read the values and cell kinds its
source document reads. The unit tests build word boxes by hand, so every rule of
:mod:`pipelines.extract.pdf_layout` is tested without a PDF.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.extract import extract_bytes
from pipelines.extract.normalize import EMPTY_MARK
from pipelines.extract.pdf_layout import Word, layout_lines

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text("utf-8"))
# A table-四 row printed all blank and without borders leaves no trace in the text layer:
# those cells cannot be read, and must be withheld with a reading finding, never guessed.
UNREADABLE = {"t2021_docx_libreoffice_borderless": "appeals."}
E = EMPTY_MARK


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_printed_pdf_reads_what_its_source_reads(name: str) -> None:
    exp = EXPECTED[name]
    ex = extract_bytes((FIXTURES / f"{name}.pdf").read_bytes(), f"{name}.pdf")
    skip = UNREADABLE.get(name)
    want = {k: v for k, v in exp["values"].items() if not (skip and k.startswith(skip))}
    assert len(want) >= 150
    wrong = {k: (ex.values.get(k), v) for k, v in want.items() if ex.values.get(k) != v}
    assert wrong == {}
    kinds = {k: ex.cells.get(k) for k in want}
    assert kinds == {k: exp["cells"].get(k) for k in want}
    assert not set(ex.values) - set(exp["values"])  # nothing the source does not give
    assert not [f for f in ex.findings if f.rule == "lost_cell"]
    if skip:
        withheld = {k for f in ex.findings if f.blame == "reading" for k in f.keys}
        missing = {k for k in exp["values"] if k.startswith(skip)}
        assert missing and not missing & set(ex.values) and missing <= withheld


def test_fixtures_exercise_blank_cells_in_every_table_and_both_templates() -> None:
    blanks = {name: [k for k, kind in e["cells"].items() if kind == "empty"]
              for name, e in EXPECTED.items()}
    assert len(blanks["t2019_borderless"]) > 50 and len(blanks["t2021_borderless"]) > 50
    for name in ("t2019_borderless", "t2021_borderless"):
        assert any(k.startswith("applications.") for k in blanks[name])
        assert any(k.startswith("appeals.") for k in blanks[name])
    totals = [k for k in blanks["t2021_blank_totals_borderless"]
              if k.startswith("applications.") and k.endswith(".total")]
    assert len(totals) >= 20
    # a row with a blank between two printed values
    row = ("natural_person", "commercial", "research", "social_org", "legal_service",
           "other_org", "total")
    vals, cells = EXPECTED["t2021_borderless"]["values"], EXPECTED["t2021_borderless"]["cells"]
    middle = [r for r in {k.rsplit(".", 1)[0] for k in vals if k.startswith("applications.")}
              if cells.get(f"{r}.{row[0]}") is None and cells.get(f"{r}.total") is None
              and any(cells.get(f"{r}.{c}") == "empty" for c in row[1:6])]
    assert middle


# --- word boxes by hand -----------------------------------------------------------------------

SIZE = 10.0


def w(text: str, x0: float, top: float, gap_after: int | None = None) -> Word:
    """A word of ``SIZE``-point glyphs at (x0, top); a visible gap after glyph ``gap_after``."""
    chars, x = [], x0
    for i, ch in enumerate(text):
        step = SIZE if ord(ch) > 0x7F else SIZE / 2
        chars.append((ch, x, x + step))
        x += step + (3 if gap_after is not None and i == gap_after else 0)
    return Word(text, x0, x, top, top + SIZE, tuple(chars))


def lines(words: list[Word], carried=None) -> list[list[str]]:
    return [cells for _, cells in layout_lines(words, carried)[0]]


HEADER = [w("项目", 0, 0), w("甲", 200, 0), w("乙", 250, 0), w("丙", 300, 0)]


def test_blank_cell_stays_in_its_column() -> None:
    got = lines([*HEADER, w("一行", 0, 20), w("5", 202, 20), w("7", 302, 20),
                 w("二行", 0, 40), w("1", 202, 40), w("2", 252, 40), w("3", 302, 40)])
    assert got[1] == ["一行", "5", E, "7"]
    assert got[2] == ["二行", "1", "2", "3"]


def test_column_blank_in_every_row_comes_from_its_header() -> None:
    got = lines([*HEADER, w("一行", 0, 20), w("5", 202, 20), w("7", 302, 20),
                 w("二行", 0, 40), w("6", 302, 40)])
    assert got[1:] == [["一行", "5", E, "7"], ["二行", E, E, "6"]]


def test_spanning_header_is_not_a_column() -> None:
    span = [w("申请人情况合计总数", 200, -20)]  # over 甲 and 乙 and 丙
    got = lines([*span, *HEADER, w("一行", 0, 20), w("5", 202, 20), w("7", 302, 20)])
    assert got[-1] == ["一行", "5", E, "7"]


def test_running_text_and_numbers_in_it_are_left_as_printed() -> None:
    prose = [w("全年共收到申请", 0, 0), w("749", 75, 0), w("件，均按时答复。", 95, 0)]
    assert lines(prose) == [["全年共收到申请", "749", "件，均按时答复。"]]


def test_two_values_under_one_column_leave_the_row_as_printed() -> None:
    got = lines([*HEADER, w("一行", 0, 20), w("5", 200, 20), w("8", 206, 20), w("7", 302, 20),
                 w("二行", 0, 40), w("1", 202, 40), w("2", 252, 40), w("3", 302, 40)])
    assert got[1] == ["一行", "5", "8", "7"]


def test_row_printed_all_blank_gets_a_blank_per_column_but_a_wrapped_label_does_not() -> None:
    full = "1.申请人逾期未补正不再处理"  # reaches the label column's right edge: it wraps
    words = [*HEADER,
             w("1.第一项", 0, 20), w("5", 202, 20), w("7", 302, 20),
             w("2.第二项", 0, 40),  # short line, item number, no values: printed all blank
             w(full, 0, 60), w("4", 202, 66), w("4", 302, 66), w("处理申请", 0, 72),
             w("3.其他", 0, 92), w("1", 252, 92)]
    got = lines(words)
    assert got[2] == ["2.第二项", E, E, E]
    assert got[3] == [full]  # its values stand beside its two lines
    assert got[4] == ["4", E, "4"]
    assert got[5] == ["处理申请"]
    assert got[6] == ["3.其他", E, "1", E]


def test_table_continued_on_the_next_page_keeps_its_columns() -> None:
    page1 = [*HEADER, w("一行", 0, 20), w("5", 202, 20), w("6", 252, 20), w("7", 302, 20)]
    _, columns = layout_lines(page1)
    assert columns is not None and len(columns) == 3
    page2 = [w("二行", 0, 20), w("5", 202, 20), w("7", 302, 20)]
    assert lines(page2, columns) == [["二行", "5", E, "7"]]
    assert lines(page2) == [["二行", "5", "7"]]  # without the carried columns: only two


def test_label_and_value_glued_across_a_cell_gap_are_cut() -> None:
    glued = w("数量32", 0, 20, gap_after=1)  # "数量" | "32": a gap wider than glyph spacing
    assert lines([glued]) == [["数量", "32"]]
    assert lines([w("共计32", 0, 0)]) == [["共计32"]]  # touching glyphs: one word
