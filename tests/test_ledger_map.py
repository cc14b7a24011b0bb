"""The user's ledger map, column findings and 自然日 third-party days, end to end.

A strange export is fixed once in ``ledger-map.toml`` (CLI ``--map`` or the inbox); a column that
could change deadlines is never dropped silently: it is a finding in the CLI (JSON and text)
and a quarantine record in the warehouse.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.inbox import Inbox
from pipelines.ledgers import process_ledger
from pipelines.ledgers.deadlines import calendar
from pipelines.ledgers.headers import header_match
from pipelines.ledgers.ledger_map import LedgerMapError, merge_maps, parse_ledger_map
from pipelines.ledgers.process import file_json, json_rows
from warehouse.ledgers import ledger_tables

MAP = """
# ledger-map.toml — for exports of the XX依申请公开系统
[headers]
"登记" = "received"
"办理结果(最终)" = "outcome"
"备注" = "ignore"
[labels.outcome]
"已办结-同意" = "granted"
[labels.applicant_type]
"个体工商户" = "commercial"
"""
STRANGE = (
    "序号,登记,申请人类型,答复日期,办理结果(最终),备注\n"
    "1,2024-03-01,个体工商户,2024-03-20,已办结-同意,\n"
    "2,2024-03-01,公民,2024-03-20,部分公开,\n"
)


def test_a_strange_export_reads_right_with_the_map_and_says_so() -> None:
    plain = process_ledger(STRANGE.encode(), "某县_2024_ledger.csv")
    assert plain.file_error  # 登记 alone says no date: no header row without the map
    m = parse_ledger_map(MAP, "ledger-map.toml")
    r = process_ledger(STRANGE.encode(), "某县_2024_ledger.csv", ledger_map=m)
    out = {o["row"]: o for o in json_rows(r)}
    assert (out[1]["received"], out[1]["applicant_type"], out[1]["outcome"]) == (
        "2024-03-01",
        "commercial",
        "granted",
    )
    assert out[2]["outcome"] == "partially_granted"  # the matcher still reads the rest
    how = {c["header"]: c["how"] for c in r.columns}
    assert how["登记"] == "map" and how["备注"] == "map:ignore"
    assert how["答复日期"] == "matcher"
    assert {f["rule"] for f in r.file_findings} == {"column_by_map"}
    assert "ledger-map.toml" in r.file_findings[0]["message"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[headers]\n"登记时间" = "recieved"\n', "'登记时间'"),
        ('[labels.outcome]\n"同意" = "agreed"\n', "'同意'"),
        ('[labels.channel]\n"网上" = "online"\n', "[labels.channel]"),
        ('[match]\nfile = "*.csv"\n', "[match]"),
        ("[headers\n", "TOML"),
    ],
)
def test_a_wrong_map_is_an_error_naming_the_file_and_the_key(text: str, key: str) -> None:
    with pytest.raises(LedgerMapError) as exc:
        parse_ledger_map(text, "系统A/ledger-map.toml")
    assert "系统A/ledger-map.toml" in str(exc.value) and key in str(exc.value)


def test_a_later_map_wins() -> None:
    a = parse_ledger_map('[headers]\n"备注" = "ignore"\n"登记" = "seq"\n', "a.toml")
    b = parse_ledger_map('[headers]\n"登记" = "received"\n', "b.toml")
    merged = merge_maps([a, b])
    assert merged.headers == {"备注": "ignore", "登记": "received"}
    assert merged.source == "a.toml + b.toml"


@pytest.mark.parametrize(
    "header", ["征求第三方意见用时（工作日）", "第三方意见征求时间(天)", "征求第三方意见（自然日）"]
)
def test_third_party_headers_with_any_day_unit_are_the_count(header: str) -> None:
    assert header_match(header).key == "third_party_days"


def test_natural_days_are_turned_into_the_working_days_they_span() -> None:
    data = (
        "受理日期,申请人类型,征求第三方意见（自然日）,答复日期,处理结果\n"
        "2024-03-01,公民,14,2024-04-15,予以公开\n"
    ).encode()
    r = process_ledger(data, "某县_2024_ledger.csv")
    cal = calendar()
    import datetime as dt

    working = cal.working_days_between(dt.date(2024, 3, 1), dt.date(2024, 3, 15))
    assert working == 10  # two calendar weeks are ten working days
    want = cal.add_working_days(dt.date(2024, 3, 1), 20 + working)
    assert json_rows(r)[0]["deadline"] == want.isoformat()
    assert [f["rule"] for f in r.file_findings] == ["third_party_natural_days"]


def test_deadline_columns_that_are_not_read_are_findings() -> None:
    header = (
        "受理日期,申请人类型,是否征求第三方意见,第三方意见反馈日期,答复日期,办结时间,处理结果,"
        "姓名/联系方式,备注"
    )
    data = f"{header}\n2024-03-01,公民,是,2024-03-10,2024-03-20,2024-03-21,予以公开,,\n"
    r = process_ledger(data.encode(), "某县_2024_ledger.csv")
    rules = {(f["rule"], f["header"]) for f in r.file_findings}
    assert ("deadline_column_unread", "是否征求第三方意见") in rules
    assert ("deadline_column_unread", "第三方意见反馈日期") in rules
    assert ("duplicate_deadline_column", "办结时间") in rules
    assert ("ambiguous_header", "姓名/联系方式") in rules
    assert not any(h == "备注" for _, h in rules)  # an unknown header without deadline words
    head = file_json(r)
    assert head is not None and head["row"] is None
    assert {f["rule"] for f in head["findings"]} >= {"deadline_column_unread", "ambiguous_header"}


def test_the_cli_shows_headers_findings_and_applies_the_map(tmp_path: Path) -> None:
    ledger = tmp_path / "某县_2024_ledger.csv"
    ledger.write_text(STRANGE.replace("备注", "是否延长答复期限？（审批）"), encoding="utf-8")
    (tmp_path / "m.toml").write_text(MAP, encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(
        main,
        ["--lang", "en", "ledger", "--headers", "--map", str(tmp_path / "m.toml"), str(ledger)],
    )
    assert 'column 2 "登记" → received (map)' in text.output
    assert "ledger map applied" in text.output
    res = runner.invoke(main, ["ledger", "--json", "--map", str(tmp_path / "m.toml"), str(ledger)])
    objs = [json.loads(line) for line in res.output.splitlines()]
    assert objs[0]["row"] is None and objs[0]["columns"][1]["how"] == "map"
    assert [o["outcome"] for o in objs[1:]] == ["granted", "partially_granted"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[headers]\n"x" = "nonsense"\n', encoding="utf-8")
    res = runner.invoke(main, ["ledger", "--map", str(bad), str(ledger)])
    assert res.exit_code == 2 and "bad.toml" in res.output and "'x'" in res.output


def test_the_inbox_takes_a_map_and_the_build_applies_it(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "某县_2024_ledger.csv").write_text(STRANGE, encoding="utf-8")
    (src / "ledger-map.toml").write_text(MAP, encoding="utf-8")
    (src / "z-broken-map.toml").write_text("[oops]\n", encoding="utf-8")
    inbox = Inbox(tmp_path / "inbox")
    inbox.ingest([src])
    entries = inbox.entries()
    kinds = {e.file_name: e.kind for e in entries}
    assert kinds["ledger-map.toml"] == "ledger_map"
    ledgers = [e for e in entries if e.kind == "ledger"]
    maps = [e for e in entries if e.kind == "ledger_map"]
    out = ledger_tables(ledgers, inbox, {}, maps=maps)
    rules = out.quarantine["rule"].to_list()
    assert "ledger_map_invalid" in rules  # the broken one is told, the good one applied
    q = out.quarantine.filter(pl.col("rule") == "ledger_map_invalid")
    assert "z-broken-map.toml" in q["item"].item() and "[oops]" in q["reason"].item()
    # without a body the rows are set aside as unknown_body, but they were read (not refused)
    assert out.accounting["rows_in"].to_list() == [2]
    assert "unreadable_file" not in rules


def test_column_warnings_reach_core_quarantine(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "某县_2024_ledger.csv").write_text(
        "受理日期,申请人类型,征求第三方意见日期,答复日期,处理结果\n"
        "2024-03-01,公民,2024-03-05,2024-03-20,予以公开\n",
        encoding="utf-8",
    )
    inbox = Inbox(tmp_path / "inbox")
    inbox.ingest([src])
    out = ledger_tables(inbox.entries(), inbox, {})
    col = out.quarantine.filter(pl.col("rule") == "deadline_column_unread")
    assert col["item"].to_list() == ["某县_2024_ledger.csv#列「征求第三方意见日期」"]
    # accounting counts rows only: the column record is not a row set aside
    acct = out.accounting.row(0, named=True)
    assert acct["rows_in"] == acct["applications"] + acct["quarantined"]
