"""The Great Expectations suites catch what they state, on frames built from the registry."""

from __future__ import annotations

from pathlib import Path

from schemas.expectations import run_suites
from warehouse.build import measure_frame


def test_suites_pass_on_good_frames_and_name_the_broken_expectation(tmp_path: Path) -> None:
    good = measure_frame().to_pandas()
    broken = good.copy()
    broken.loc[0, "key"] = None  # the primary key: never null, unique
    broken.loc[2, "key"] = broken.loc[1, "key"]
    first = run_suites({"dim_measure": good}, tmp_path / "gx1")
    assert [(r.table, r.success) for r in first] == [("dim_measure", True)]
    assert first[0].evaluated >= 3
    # A second run in the same project replaces the suite instead of adding to it.
    again = run_suites({"dim_measure": broken}, tmp_path / "gx1")
    assert not again[0].success
    assert again[0].evaluated == first[0].evaluated
    assert "expect_column_values_to_not_be_null(key)" in again[0].failed
    assert "expect_column_values_to_be_unique(key)" in again[0].failed
    assert again[0].docs_index and Path(again[0].docs_index).is_file()
