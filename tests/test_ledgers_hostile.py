"""Hostile ledgers beside good ones, through a real Dagster build: the good ones are published."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.hostile

HEADER = (
    "序号,受理时间,申请人姓名/名称,申请人性质,申请方式,是否延期,征求第三方意见天数,"
    "办结日期,答复结果,收费"
)
GOOD = "{i},2024/2/1,王伟,公民,网上,否,0,2024/3/5,予以公开,0"


def _ledger(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _hostile() -> bytes:
    """Every damage at once: stray quote, 140 KB field, extra and short rows, bad bytes."""
    rows = [GOOD.format(i=i) for i in range(1, 31)]
    rows[3] = rows[3].replace("王伟", '"王伟')  # stray quote: file line 5
    rows[7] = rows[7].replace("王伟", '"' + "长" * 140_000 + '"')  # field over the limit: line 9
    rows[11] += ",多余"  # extra field: line 13
    rows[15] = ",".join(rows[15].split(",")[:8])  # cut short before 答复结果: line 17
    data = bytearray(_ledger(rows))
    at = data.find(b"\n20,") + 1
    data[at + 3 : at + 4] = b"\xff"  # invalid byte: line 21
    return bytes(data)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory):
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.inbox import Inbox
    from pipelines.paths import Paths
    from pipelines.resources import GongkaiHome

    home = tmp_path_factory.mktemp("hostile_home")
    src = home / "drop"
    src.mkdir()
    (src / "南京市玄武区人民政府_2024_台账.csv").write_bytes(
        _ledger([GOOD.format(i=i) for i in range(1, 11)])
    )
    (src / "南京市鼓楼区人民政府_2024_台账.csv").write_bytes(_hostile())
    # Rows that break the data contract (a negative fee): the file is set aside as a whole.
    negative = _ledger([GOOD.format(i=i) for i in range(1, 6)]).replace(b",0\n", b",-5\n", 1)
    (src / "南京市秦淮区人民政府_2024_台账.csv").write_bytes(negative)
    (src / "note.txt").write_text("会议纪要：无任何统计数字。", encoding="utf-8")
    (src / "南京市建邺区人民政府_2024_台账.csv").write_bytes(
        _ledger([GOOD.format(i=i) for i in range(1, 4)])
    )
    inbox = Inbox(Paths(home).inbox)
    outcomes = {Path(o.path).name: o for o in inbox.ingest([src])}
    # Retired before the build: the build leaves it out.
    inbox.retire(outcomes["南京市建邺区人民政府_2024_台账.csv"].sha256[:8], "测试 / test")
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("build_warehouse").execute_in_process(
            instance=instance,
            resources={"gongkai": GongkaiHome(home=str(home), workers=1)},
            raise_on_error=False,
        )
        yield result, Paths(home).warehouse


def test_hostile_ledgers_are_quarantined_and_the_good_ones_published(hostile_build) -> None:
    result, warehouse = hostile_build
    assert result.success
    assert Path(warehouse).exists()
    checks = {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    accounted = checks["ledger_rows_accounted"]
    assert accounted.passed
    assert accounted.metadata["rows_in"].value == 10 + 30
    assert accounted.metadata["files_set_aside"].value == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        apps = dict(
            con.execute("SELECT body_name, count(*) FROM core_application GROUP BY 1").fetchall()
        )
        q = con.execute(
            "SELECT item, rule, reason FROM core_quarantine WHERE stage = 'ledger' ORDER BY item"
        ).fetchall()
    finally:
        con.close()
    assert apps == {"南京市玄武区人民政府": 10, "南京市鼓楼区人民政府": 25}  # 建邺 retired
    rows = {item: reason for item, _, reason in q if "鼓楼" in item}
    assert sorted(rows) == sorted(
        f"南京市鼓楼区人民政府_2024_台账.csv#第{n}行" for n in (4, 8, 12, 16, 20)
    )
    kinds = " ".join(rows.values())
    for kind in ("引号不成对", "上限", "多于表头", "少于表头", "无效字节"):
        assert kind in kinds
    assert "王伟" not in kinds and "长长" not in kinds
    (failed,) = [(i, r, m) for i, r, m in q if "秦淮" in i]
    assert failed[1] == "ledger_failed"
    assert "南京市秦淮区人民政府_2024_台账.csv" in failed[2] and "SchemaErrors" in failed[2]
