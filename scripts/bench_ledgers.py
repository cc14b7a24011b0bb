"""Benchmark: 1,000,000 ledger rows ingested, validated, aggregated and reconciled.

Writes one CSV ledger of ``--rows`` applications (several date forms, PII-shaped columns and
free text, the demo's header and label variants), then times each stage of the real path:
read + normalise + timeliness + privacy (:func:`pipelines.ledgers.process_ledger`), the pandera
validation of ``core_application``, the table-三 aggregate and the reconciliation against a
report of the same body and year. Prints timings and peak memory (RSS). Target: < 60 s.

    .venv/bin/python scripts/bench_ledgers.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.demo.ledgers import APPLICANT_LABELS, CHANNELS, OUTCOME_LABELS
from pipelines.extract.model import Body
from pipelines.ledgers import process_ledger
from pipelines.ledgers.aggregate import table_three
from pipelines.ledgers.reconcile import reconcile
from schemas.models import conform, validate
from warehouse.ledgers import _application_frame


def _dates(rng: np.random.Generator, days: np.ndarray) -> pl.Series:
    """ISO, slash, Chinese and compact forms mixed, some with a time."""
    d = pl.Series(days).cast(pl.Date)
    forms = rng.integers(0, 4, len(days))
    s = pl.DataFrame({"d": d, "f": forms}).select(
        pl.when(pl.col("f") == 0)
        .then(pl.col("d").dt.strftime("%Y-%m-%d"))
        .when(pl.col("f") == 1)
        .then(pl.col("d").dt.strftime("%Y/%-m/%-d"))
        .when(pl.col("f") == 2)
        .then(pl.col("d").dt.strftime("%Y年%-m月%-d日"))
        .otherwise(pl.col("d").dt.strftime("%Y%m%d") + " 09:30")
    )
    return s.to_series()


def make_ledger(path: Path, n: int, year: int = 2023, seed: int = 6) -> None:
    """A CSV ledger of ``n`` rows for one body and year."""
    rng = np.random.default_rng(seed)
    start = (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days
    received = start + rng.integers(-31, 334, n)
    replied = received + rng.integers(3, 40, n)
    pending = rng.random(n) < 0.03
    applicant = [lab for labs in APPLICANT_LABELS.values() for lab in labs]
    outcomes = [labs[0] for labs in OUTCOME_LABELS.values()]
    reply_text = _dates(rng, replied)
    frame = pl.DataFrame(
        {
            "序号": np.arange(1, n + 1),
            "收到申请日期": _dates(rng, received),
            "申请人姓名/名称": pl.Series(
                rng.choice(["王伟", "李娜", "张敏", "华信示例建材有限公司"], n)
            ),
            "申请人类型": pl.Series(rng.choice(applicant, n)),
            "身份证号码": pl.Series(rng.choice(["32010019800101123X", ""], n)),
            "联系电话": "1380000" + pl.Series(rng.integers(0, 10000, n)).cast(pl.Utf8).str.zfill(4),
            "获取方式": pl.Series(rng.choice(list(CHANNELS), n)),
            "申请内容": pl.Series(
                rng.choice(
                    [
                        "申请公开城东片区道路拓宽工程的立项批复",
                        "本人王伟（身份证号：32010019800101123X）申请公开X",
                        "请邮寄至南京市示例路12号，联系电话13800001234",
                    ],
                    n,
                )
            ),
            "补正告知日期": pl.Series(np.where(rng.random(n) < 0.05, "2023-03-01", "")),
            "是否延期": pl.Series(rng.choice(["是", "否"], n, p=[0.05, 0.95])),
            "征求第三方意见天数": pl.Series(rng.choice([0, 15], n, p=[0.97, 0.03])),
            "答复日期": pl.Series(np.where(pending, "", reply_text.to_numpy())),
            "处理结果": pl.Series(np.where(pending, "办理中", rng.choice(outcomes, n))),
        }
    )
    frame.write_csv(path)


def peak_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Generate, then time each stage."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "示例市住房和城乡建设局_2023_ledger.csv"
        t0 = time.perf_counter()
        make_ledger(path, args.rows)
        print(
            f"generate {args.rows:,} rows: {time.perf_counter() - t0:6.1f} s "
            f"({path.stat().st_size / 1e6:.0f} MB)"
        )
        body = Body("示例市住房和城乡建设局", "320100", "city", "department")
        timings = {}
        t = time.perf_counter()
        data = path.read_bytes()
        result = process_ledger(data, "bench_2023_ledger.csv", reports={"bench_2023": body})
        timings["ingest (read, normalise, deadlines, privacy)"] = time.perf_counter() - t
        t = time.perf_counter()
        core = validate(
            "core_application", conform("core_application", _application_frame(result, "0" * 64))
        )
        timings["validate (pandera core_application)"] = time.perf_counter() - t
        t = time.perf_counter()
        long = table_three(result.applications)
        timings["aggregate (table 三)"] = time.perf_counter() - t
        t = time.perf_counter()
        report = long.with_columns(value=pl.col("value") + (pl.col("key").hash() % 3 == 0))
        rec = reconcile(long, report)
        timings["reconcile"] = time.perf_counter() - t
    for k, v in timings.items():
        print(f"{k:48s} {v:6.1f} s")
    total = sum(timings.values())
    print(f"{'total':48s} {total:6.1f} s   (target < 60 s)")
    print(
        f"rows {core.height:,} applications, "
        f"{result.rows.height - result.applications.height:,} quarantined, "
        f"{rec.filter(pl.col('status') == 'differs').height} differing cells"
    )
    print(f"peak memory {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
