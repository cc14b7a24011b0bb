"""Personal data: the request-text scrubber, the warehouse-wide detector, reasons without cells."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipelines.ledgers import process_ledger
from pipelines.ledgers.privacy import find_personal_data, scrub_text
from pipelines.ledgers.process import json_rows
from pipelines.ledgers.shapes import shape
from warehouse.personal_data import scan_database

pytestmark = pytest.mark.hostile


def scrub(text: str) -> str:
    return pl.select(scrub_text(pl.lit(text, pl.Utf8))).item()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号320102199001011234，", "身份证号[证件号]，"),
        ("身份证号 32010219900101123X。", "身份证号 [证件号]。"),
        ("证件号3201 0219 9001 0112 34申请", "证件号[证件号]申请"),
        ("证件号 320102 19900101 1234", "证件号 [证件号]"),
        ("证件号320102-19900101-1234；", "证件号[证件号]；"),
        ("证件号 3201-0219-9001-0112-3X", "证件号 [证件号]"),
        ("旧证 320102900101123", "旧证 [证件号]"),
        ("全角３２０１０２１９９００１０１１２３４号", "全角[证件号]号"),
        ("手机13912345678", "手机[电话]"),
        ("手机 139 1234 5678", "手机 [电话]"),
        ("手机139-1234-5678。", "手机[电话]。"),
        ("手机+86 139 1234 5678", "手机[电话]"),
        ("手机+86-13912345678", "手机[电话]"),
        ("手机８６１３９１２３４５６７８", "手机[电话]"),
        ("手机１３９１２３４５６７８", "手机[电话]"),
        ("手机１３９－１２３４－５６７８", "手机[电话]"),
        ("座机025-84561234", "座机[电话]"),
        ("座机(025)84561234", "座机[电话]"),
        ("座机（025）8456 1234", "座机[电话]"),
        ("座机（０２５）８４５６１２３４", "座机[电话]"),
        ("座机025 84561234", "座机[电话]"),
        ("座机 0512-6523 1234", "座机 [电话]"),
        ("座机02584561234，", "座机[电话]，"),
        ("邮箱a.b@example.com", "邮箱[邮箱]"),
        ("邮箱 ａｂｃ＠ｅｘａｍｐｌｅ．ｃｏｍ", "邮箱 [邮箱]"),
        ("13912345678,13812345678", "[电话],[电话]"),
        ("电话13912345678 18612345678", "电话[电话] [电话]"),
    ],
)
def test_scrubber_replaces_each_written_form(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "申请公开2023-01-05的会议纪要",
        "申请公开2023年1月5日至2023年12月31日的文件",
        "苏政办发〔2023〕12号",
        "宁政规字〔2021〕3号文件",
        "涉及金额1234.56元、12,345,678元",
        "区划代码320102及320000",
        "统计用区划代码320102001000",
        "申请编号YSQ2023-0012",
        "受理编号 2023-0012-0345",
        "第12号至第345号",
        "2019年至2023年共5年",
        "申请公开（2023）苏0102行初123号判决书",
        "全角逗号，句号。冒号：括号（保留）",
    ],
)
def test_scrubber_leaves_ordinary_numbers_and_punctuation(text: str) -> None:
    assert scrub(text) == text


def test_detector_counts_personal_data_in_text_and_numeric_columns() -> None:
    frame = pl.DataFrame(
        {
            "reason": [
                "第 2 行 收到日期：不是日期（18 位号码，疑似证件号）",
                "ok 320102199001011234",
            ],
            "note": ["电话 (025)8456 1234", "手机１３９１２３４５６７８"],
            "mail": ["x@example.com", None],
            "fee": [13912345678.0, 12.5],
            "days": [320102199001011234, 3],
            "report_id": ["a" * 64, "320102199001011234"],  # a hash column: never searched
        }
    )
    assert find_personal_data(frame) == {"reason": 1, "note": 2, "mail": 1, "fee": 1, "days": 1}


def test_detector_counts_rows_not_distinct_values() -> None:
    """Distinct values are searched once; a hit counts every row that holds it."""
    phone, ident = "电话 13912345678", 320102199001011234.0
    frame = pl.DataFrame({
        "note": [phone, "ok", phone, None, phone, "ok"],
        "amount": [ident, 1.0, ident + 0.5, None, 2.0, 1.0],  # the same integer part
        "kind": ["a", "b", "a", "a", None, "b"],
    })
    assert find_personal_data(frame) == {"note": 3, "amount": 2}


def test_detector_is_silent_on_what_report_tables_hold() -> None:
    sha = "3201021990010112341391234567800000000000000000000000000000000000"
    frame = pl.DataFrame(
        {
            "text": [
                "南京市玄武区人民政府2023年政府信息公开工作年度报告",
                "320102",
                "320102001000",  # 12-digit division code
                "苏政办发〔2023〕12号",
                "2023-01-05",
                "20230105",
                "受理 1391 件，答复 1234 件",
                'provenance {"sha256": "' + sha + '"}',
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "rate 0.13912345678",
                "YSQ2023-0012",
                "113201000141173668",  # a 统一社会信用代码 of digits: no birth date inside
                "表二 ['13575394432.52'] 无法唯一读成 2 个单元格",  # a corpus reading finding
                "320102199001011234.5",
            ],
            "count": list(range(14)),
            "rate": [0.13912345678] * 14,
        }
    )
    assert find_personal_data(frame) == {}


def test_the_duckdb_scan_agrees_with_the_polars_detector(tmp_path) -> None:
    frame = pl.DataFrame(
        {
            "reason": ["身份证号 320102 19900101 1234", "ok", "139-1234-5678", "2023-01-05"],
            "mail": ["a@b.cn", None, None, "x"],
            "fee": [0.0, 13912345678.0, 1.0, 2.0],
            "report_id": ["13912345678"] * 4,
            "full": ["（０２５）８４５６１２３４", "", "", ""],
        }
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE t AS SELECT * FROM frame")
    assert scan_database(con) == {f"t.{c}": n for c, n in find_personal_data(frame).items()}
    assert scan_database(con) == {"t.reason": 2, "t.mail": 1, "t.fee": 1, "t.full": 1}


def test_a_wide_table_with_one_large_number_is_searched_column_by_column(tmp_path) -> None:
    # Numeric columns are first asked together whether any value could be a number to search.
    columns = {f"n{i}": [float(i), 2.0, None] for i in range(40)}
    columns["n17"] = [1.0, 13912345678.0, None]
    columns["big"] = [12345678901.5, None, 3.0]  # 11 digits, not a mobile (12…)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.register("frame", pl.DataFrame(columns))
    con.execute("CREATE TABLE t AS SELECT * FROM frame")
    assert scan_database(con) == {"t.n17": 1}
    con.execute("CREATE TABLE quiet AS SELECT * EXCLUDE (n17) FROM frame")
    assert scan_database(con, skip={"t"}) == {}


def test_values_the_known_base_holds_are_not_searched_again(tmp_path) -> None:
    base = duckdb.connect(str(tmp_path / "base.duckdb"))
    base.execute("CREATE TABLE t (note VARCHAR, fee DOUBLE)")
    # The base passed the check; a value it holds is not searched (here one that would match,
    # to show that it is skipped), and its NULL must not hide anything new.
    base.execute("INSERT INTO t VALUES ('电话 13912345678', 1), (NULL, 2)")
    base.close()
    con = duckdb.connect(str(tmp_path / "new.duckdb"))
    con.execute("CREATE TABLE t (note VARCHAR, fee DOUBLE)")
    con.execute("CREATE TABLE other (note VARCHAR)")
    con.execute("INSERT INTO t VALUES ('电话 13912345678', 1), ('邮箱 a@b.cn', 13812345678), "
                "('邮箱 a@b.cn', 3), (NULL, 4)")
    con.execute("INSERT INTO other VALUES ('电话 13912345678')")
    assert scan_database(con) == {"t.note": 3, "t.fee": 1, "other.note": 1}
    con.execute(f"ATTACH '{tmp_path / 'base.duckdb'}' AS known (READ_ONLY)")
    # Numbers are always searched; a table the base does not have is searched whole.
    assert scan_database(con, known="known") == {"t.note": 2, "t.fee": 1, "other.note": 1}


def test_shape_says_what_a_cell_looks_like_without_its_characters() -> None:
    cells = [
        "320102199001011234",
        "13912345678",
        "(025)84561234",
        "a@b.cn",
        "2023-02-30",
        "12345",
        "张伟明",
        "n/a",
        "１３９１２３４５６７８",
    ]
    zh = pl.select(shape(pl.Series(cells), "zh")).to_series().to_list()
    en = pl.select(shape(pl.Series(cells), "en")).to_series().to_list()
    assert zh == [
        "18 位号码，疑似证件号",
        "11 位数字，疑似手机号",
        "11 位数字，疑似固定电话",
        "含 @，疑似电子邮箱",
        "日期格式，但日期不存在",
        "5 位数字",
        "3 字的文字",
        "3 个字符",
        "11 位数字，疑似手机号",
    ]
    assert en[0] == "18 characters, looks like an ID number"
    for cell, z, e in zip(cells, zh, en, strict=True):
        assert cell not in z and cell not in e


SWAPPED = (
    "序号,收到申请日期,申请人类型,申请人姓名,联系电话,征求第三方意见天数,收费金额,答复日期,处理结果\n"
    "1,320102199001011234,13912345678,2023-03-01,自然人,15951234567,320104197812120036,"
    "(025)84561234,张伟明\n"
    "2,2023-03-01,自然人,李四,13800001234,0,0,2023-03-10,予以公开\n"
)


def test_swapped_columns_give_reasons_without_the_cells() -> None:
    r = process_ledger(SWAPPED.encode(), "某县_2023_ledger.csv")
    bad, good = json_rows(r)
    message = bad["findings"][0]["message"]
    for value in (
        "320102199001011234",
        "13912345678",
        "15951234567",
        "320104197812120036",
        "84561234",
        "张伟明",
    ):
        assert value not in message
    assert message.split("; ")[:2] == [
        "第 1 行 收到日期：不是日期（18 位号码，疑似证件号）/ row 1 received date: not a date "
        "(18 characters, looks like an ID number)",
        "第 1 行 答复日期：不是日期（11 位数字，疑似固定电话）/ row 1 reply date: not a date "
        "(11 digits, looks like a landline number)",
    ]
    assert "征求第三方意见天数：不是数字（11 位数字，疑似手机号）" in message
    assert "收费金额：不是数字（18 位号码，疑似证件号）" in message
    # the phone-shaped count and fee are not kept as figures
    row = r.rows.filter(pl.col("row") == 1)
    assert row["third_party_days"].item() == 0 and row["fee"].item() is None
    assert good["findings"] == [] and good["outcome"] == "granted"
    assert find_personal_data(r.rows.drop("findings")) == {}


def test_text_quoted_from_reports_is_redacted_only_where_the_check_would_fire() -> None:
    """Contact lines printed in a report never block a build, and other quotes stay exact."""
    from pipelines.extract.model import Extraction, Finding
    from warehouse.frames import finding_frame, value_frame

    contact = "受理电话0551-62999999，邮箱xxgk@mouxian.gov.cn，联系人张科长１３９１２３４５６７８"
    plain = "共收到政府信息公开申请12件（２０２３年），答复率100%，文号皖政办〔2023〕12号"
    ex = Extraction(source="某县年报.txt", sha256="a" * 64, title="某县2023年年报")
    ex.values = {"applications.new_received.total": 12, "proactive.items_published": 356}
    ex.provenance = {
        "applications.new_received.total": {"method": "prose", "sentence": contact + "，12件"},
        "proactive.items_published": {"method": "prose", "sentence": plain},
    }
    ex.findings = [
        Finding("unplaced_figure", "info", (), f"未放置的数字：{contact}", "reading"),
        Finding("unplaced_figure", "info", (), plain, "reading"),
    ]
    values = value_frame([ex], {ex.sha256})
    findings = finding_frame([ex])
    assert find_personal_data(values) == {} and find_personal_data(findings) == {}
    provenance = dict(zip(values["key"], values["provenance"], strict=True))
    assert "[电话]" in provenance["applications.new_received.total"]
    assert "[邮箱]" in provenance["applications.new_received.total"]
    assert plain in provenance["proactive.items_published"]  # untouched, full width kept
    assert findings["message"].to_list()[1] == plain
    assert "张科长" in findings["message"].to_list()[0]  # names are not what the check seeks


def test_redacting_only_flagged_rows_gives_what_the_expression_gives() -> None:
    """The frame-level redaction scrubs only the rows the detector flags, with the same result."""
    from pipelines.ledgers.privacy import WITHHELD_TEXT, redact_quoted, redact_quoted_columns

    texts = [
        "答复率100%，共12件", None, "受理电话0551-62999999，共3件", "",
        "联系人１３９１２３４５６７８", "邮箱xxgk@mouxian.gov.cn", "span [1234, 1240]",
        "id 32010219800101123X 与 13912345678-13912345678",
    ]
    frame = pl.DataFrame({"n": range(len(texts)), "t": texts, "u": list(reversed(texts))})
    expected = frame.with_columns(redact_quoted(pl.col("t")), redact_quoted(pl.col("u")))
    got = redact_quoted_columns(frame, ["t", "u"])
    assert got.equals(expected)
    assert got["t"][0] == texts[0] and got["t"][1] is None  # untouched rows stay exact
    assert "[电话]" in got["t"][2] and "[邮箱]" in got["t"][5]
    assert find_personal_data(got) == {}
    clean = pl.DataFrame({"t": ["无", "共5件"]})
    assert redact_quoted_columns(clean, ["t"]).equals(clean)
    assert WITHHELD_TEXT not in got["t"].to_list()[:2]


def test_short_digest_ids_are_not_taken_for_phone_numbers() -> None:
    # A 20-hex review item id whose digits happen to run like a mobile number (1 in ~1,000).
    ids = ["ab13812345678cd0e1f2", "0f1e2d3c4b5a69788796"]
    frame = pl.DataFrame({"item_id": ids, "correction_id": ["e13912345678ffab", None],
                          "note": ["ab13812345678cd0e1f2", None]})
    assert find_personal_data(frame) == {"note": 1}
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM frame")
    assert scan_database(con) == {"t.note": 1}


def test_hash_columns_of_a_built_warehouse_hold_only_hex(built_home) -> None:
    """The scan skips these columns, so they hold nothing but digests (a ledger row: ``:line``)."""
    from pipelines.ledgers.privacy import HASH_COLUMNS

    con = duckdb.connect(str(built_home.warehouse), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
            "AND data_type = 'VARCHAR'").fetchall()
        seen = 0
        for table, column in columns:
            if column not in HASH_COLUMNS:
                continue
            digest = "'[0-9a-f]{16,64}(:[0-9]+)?'"
            bad, n = con.execute(
                f'SELECT coalesce(count_if(NOT regexp_full_match("{column}", {digest})), 0), '
                f'count("{column}") FROM "{table}"').fetchall()[0]
            assert bad == 0, f"{table}.{column}: {bad} values are not digests"
            seen += n
        assert seen > 0
    finally:
        con.close()


def test_the_gate_searches_only_what_the_base_lacks_and_leaves_it_detached(tmp_path) -> None:
    """The check attaches the published base and detaches it: connections to one file in one
    process share a DuckDB instance, and the gate's other checks run beside this one."""
    import json

    from pipelines.assets.checks import _open, no_personal_data_published
    from schemas.profile import columns_match
    from schemas.tables import ddl, tables

    base = tmp_path / "warehouse" / "gongkai.duckdb"
    staging = tmp_path / "build" / "run" / "gongkai.duckdb"
    for path, notes in ((base, ["电话 13912345678"]), (staging, ["电话 13912345678", "ok"])):
        path.parent.mkdir(parents=True)
        con = duckdb.connect(str(path))
        con.execute(ddl(tables()["meta_scan"]))
        con.execute("CREATE TABLE t (note VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?)", [[n] for n in notes])
        con.close()
    (staging.parent / "delta.json").write_text(json.dumps(
        {"table": "core_value", "base": str(base), "added": [], "kept": 1}), encoding="utf-8")
    held = _open(str(staging))  # keeps the instance alive, as the Great Expectations lane does
    try:
        result = no_personal_data_published(str(staging))
        # The matching value is one the base holds (planted there to show it is not searched).
        assert result.passed and result.metadata["base_values_skipped"].value is True
        attached = {d for (d,) in held.execute(
            "SELECT database_name FROM duckdb_databases() WHERE NOT internal").fetchall()}
        assert attached == {"gongkai"}
        held.execute(f"ATTACH '{base}' AS other (READ_ONLY)")
        # A table of an attached database does not count as the staging table's columns.
        assert columns_match(held, tables()["meta_scan"]) is None
    finally:
        held.close()
    (staging.parent / "delta.json").unlink()
    assert not no_personal_data_published(str(staging)).passed  # searched whole: found
