"""The raw-document inventory, built column-wise, equals what each entry says."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from pipelines.inbox import InboxEntry
from schemas.models import conform, empty_frame
from warehouse.frames import entries_frame, raw_document_frame, raw_document_from_entries


def _entry_by_entry(entries: list[InboxEntry]) -> pl.DataFrame:
    """The reference: each entry's fields, its time parsed by the standard library."""
    if not entries:
        return empty_frame("raw_document")
    return conform("raw_document", pl.DataFrame({
        "sha256": [e.sha256 for e in entries],
        "file_name": [e.file_name for e in entries],
        "container": [e.suffix.lstrip(".") for e in entries],
        "size_bytes": [e.size_bytes for e in entries],
        "ingested_at": [datetime.fromisoformat(e.ingested_at) for e in entries],
        "origin": [e.origin for e in entries],
    }).with_columns(pl.col("ingested_at").dt.replace_time_zone(None)))


def test_raw_document_from_the_entries_frame_equals_the_per_entry_frame() -> None:
    entries = [
        InboxEntry("a" * 64, "报告.pdf", ".pdf", 10, "/x/报告.pdf", "2026-12-03T09:14:49+00:00",
                   "report"),
        InboxEntry("b" * 64, "b.html", ".html", 0, "collect:https://x.gov.cn/b",
                   "2025-01-31T23:59:59.123456+08:00", "report"),
        InboxEntry("c" * 64, "c", "", 7, "/y/c", "2024-02-29T00:00:00+00:00", "report"),
    ]
    built = raw_document_from_entries(entries_frame(entries))
    assert built.equals(_entry_by_entry(entries))
    assert raw_document_frame(entries).equals(built)
    assert built["container"].to_list() == ["pdf", "html", ""]
    assert str(built["ingested_at"][1]) == "2025-01-31 15:59:59.123456"  # UTC, naive
    assert raw_document_from_entries(entries_frame([])).equals(_entry_by_entry([]))
    assert raw_document_frame([]).equals(_entry_by_entry([]))


def test_value_frame_keeps_every_known_value_with_its_provenance_as_sorted_json() -> None:
    """One row per known key with a value; provenance is the reading's own, source first."""
    import json

    from pipelines.extract.model import Extraction
    from warehouse.frames import value_frame

    a = Extraction(source="甲县年报.html", sha256="a" * 64)
    a.values = {"applications.new_received.total": 12, "proactive.items_published": 3.5,
                "applications.carried_over.total": None, "not.a.key": 7}
    a.cells = {"proactive.items_published": "dash"}
    a.provenance = {"applications.new_received.total": {"row": "一、本年新收", "method": "table",
                                                        "column": "total", "line": 29},
                    "proactive.items_published": {"method": "prose", "span": [4, 9]}}
    b = Extraction(source="乙县年报.txt", sha256="b" * 64)
    b.values = {"applications.new_received.total": 1}
    quarantined = Extraction(source="丙.pdf", sha256="c" * 64)
    quarantined.values = {"applications.new_received.total": 2}

    got = value_frame([a, b, quarantined], {a.sha256, b.sha256})
    rows = {(r["report_id"][0], r["key"]): r for r in got.iter_rows(named=True)}
    assert set(rows) == {("a", "applications.new_received.total"),
                         ("a", "proactive.items_published"),
                         ("b", "applications.new_received.total")}
    assert got.schema["value"] == pl.Float64
    first = rows["a", "applications.new_received.total"]
    assert (first["value"], first["cell_kind"], first["method"]) == (12.0, "number", "table")
    prov = first["provenance"]
    assert json.loads(prov) == {"source": "甲县年报.html", "row": "一、本年新收",
                                "method": "table", "column": "total", "line": 29}
    assert list(json.loads(prov)) == sorted(json.loads(prov))  # keys sorted, as published
    assert "甲县" in prov  # Chinese kept as written, not \\u escapes
    second = rows["a", "proactive.items_published"]
    assert (second["value"], second["cell_kind"], second["method"]) == (3.5, "dash", "prose")
    bare = rows["b", "applications.new_received.total"]
    assert (bare["method"], json.loads(bare["provenance"])) == ("table", {"source": "乙县年报.txt"})


def test_value_frame_of_nothing_published_is_the_empty_contract_frame() -> None:
    from pipelines.extract.model import Extraction
    from warehouse.frames import value_frame

    ex = Extraction(source="x.txt", sha256="d" * 64)
    ex.values = {"applications.new_received.total": 1}
    assert value_frame([ex], set()).schema == empty_frame("core_value").schema


def test_object_texts_are_each_objects_own_encoding_whatever_its_text_holds() -> None:
    """Cut from one encoded list, or encoded one by one where a text holds the cut mark."""
    import random

    import orjson

    from warehouse.frames import object_texts

    def one_by_one(objects: list[dict]) -> list[bytes]:
        return [orjson.dumps(d, option=orjson.OPT_SORT_KEYS) for d in objects]

    rng = random.Random(7)
    labels = ["一、本年新收政府信息公开申请数量", "}", "{", "},{", '"},{"', "a\\},{b", "\n", "",
              "（一）予以公开", "𠀀"]
    for _ in range(300):
        objects = []
        for _ in range(rng.randint(1, 12)):
            d: dict = {"source": rng.choice(labels) + ".html", "line": rng.randint(0, 999)}
            if rng.random() < 0.7:
                d["row"] = "".join(rng.choice(labels) for _ in range(rng.randint(0, 3)))
            if rng.random() < 0.2:
                d["span"] = [rng.randint(0, 9), rng.randint(10, 99)]
            if rng.random() < 0.1:
                d["cells"] = [{"x": 1}, {"y": rng.choice(labels)}]  # nested objects
            objects.append(d)
        assert object_texts(objects) == one_by_one(objects)
    assert object_texts([]) == []
    assert object_texts([{}, {"a": 1}]) == [b"{}", b'{"a":1}']
    # a text holding the cut mark: encoded one by one, with the same result
    tricky = [{"row": "甲},{乙", "source": "x"}, {"source": "y"}]
    assert object_texts(tricky) == one_by_one(tricky)


def test_gc_paused_restores_the_collector_even_when_nested_or_failing() -> None:
    import gc

    import pytest

    from pipelines.gc_pause import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not turn it back on early
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled()
