"""Accuracy of the engine on a corpus folder (``DIR/docs`` against ``DIR/expected``).

Scores exact matches key by key, per container (file extension), template and table, lists every
mismatch, missed and extra key, and measures how well publisher-blamed findings recover the
expected ``publisher_errors``. :func:`ratchet_check` compares a result with the recorded floors
so CI fails when accuracy drops.

The report is meant to be honest about what the rates hide: every value the engine gives that
the gold does not have is listed with where it was read, for a person to judge (a figure the
gold lacks is either a gold gap or a false figure, and only reading tells which); a body withheld
as ambiguous counts as not read, apart from a wrong body; publisher-error precision is counted
per recorded error, so that five findings about one error do not make a detector look precise.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.extract.engine import extract_file
from schemas.rules import RULES

TABLES = ("applications", "appeals", "proactive", "headline")
PROSE_KINDS = ("headline", "pre2019")
META_FIELDS = ("year", "template", "body.name", "body.region_code", "document_kind")


@dataclass(frozen=True)
class ExtraValue:
    """A value the engine gives that the gold does not have, with where it was read."""

    file: str
    key: str
    value: object
    method: str
    where: str  # table/row/column/page, or the prose span and its text

    def to_json(self) -> dict:
        """JSON form for ``gongkai eval --json``."""
        return {"file": self.file, "key": self.key, "value": self.value, "method": self.method,
                "where": self.where}


@dataclass
class DocResult:
    """Comparison of one document with its expected file."""

    file: str
    container: str
    template: str | None
    matched: dict[str, int] = field(default_factory=dict)  # table → exact cells
    expected: dict[str, int] = field(default_factory=dict)  # table → expected cells
    mismatches: list[tuple[str, object, object]] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    extra_values: list[ExtraValue] = field(default_factory=list)
    meta_errors: list[str] = field(default_factory=list)
    body_withheld: bool = False  # reported ambiguous with candidates instead of guessed
    body_expected: bool = False  # the gold names the body (name or region code)
    # prose figures: "headline" (headline.* keys) and "pre2019" (table keys of pre-2019 reports)
    prose_matched: dict[str, int] = field(default_factory=dict)
    prose_expected: dict[str, int] = field(default_factory=dict)
    published: str | None = None  # the publication date the engine found
    pub_expected: int = 0
    pub_found: int = 0  # expected publisher errors recovered
    pub_reported: int = 0
    pub_correct: int = 0  # reported publisher findings that match an expected one
    pub_false: int = 0  # distinct findings (rule + keys) that match no expected error
    pub_missed: list[str] = field(default_factory=list)
    pub_spurious: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """JSON form for ``gongkai eval --json`` (every field, extra values in full)."""
        d = {k: v for k, v in self.__dict__.items() if k != "extra_values"}
        d["mismatches"] = [{"key": k, "got": g, "expected": w} for k, g, w in self.mismatches]
        d["extra_values"] = [e.to_json() for e in self.extra_values]
        return d


@dataclass
class EvalResult:
    """Every scored document plus the documents that were only extracted."""

    docs: list[DocResult] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)

    def rate(self, by: str, name: str) -> tuple[int, int]:
        """(exact, expected) over the docs whose ``by`` (container/template/table) is ``name``."""
        hit = tot = 0
        for d in self.docs:
            if by == "table":
                hit += d.matched.get(name, 0)
                tot += d.expected.get(name, 0)
            elif getattr(d, by) == name:
                hit += sum(d.matched.values())
                tot += sum(d.expected.values())
        return hit, tot

    def rates(self) -> dict[str, dict[str, float]]:
        """Exact-match rates (0–1) per container, template and table, and overall."""
        out: dict[str, dict[str, float]] = {"container": {}, "template": {}, "table": {}}
        for by, names in (("container", {d.container for d in self.docs}),
                          ("template", {str(d.template) for d in self.docs}),
                          ("table", set(TABLES))):
            for n in sorted(names):
                hit, tot = self.rate(by, n if by != "template" or n != "None" else None)
                if tot:
                    out[by][n] = hit / tot
        hit = sum(sum(d.matched.values()) for d in self.docs)
        tot = sum(sum(d.expected.values()) for d in self.docs)
        out["overall"] = {"all": hit / tot if tot else 1.0}
        # Prose has its own target (issue 4: ≥ 95 %), so it is scored apart from the tables.
        out["prose"] = {}
        for kind in (*PROSE_KINDS, "all"):
            names = PROSE_KINDS if kind == "all" else (kind,)
            hit = sum(d.prose_matched.get(n, 0) for d in self.docs for n in names)
            tot = sum(d.prose_expected.get(n, 0) for d in self.docs for n in names)
            if tot:
                out["prose"][kind] = hit / tot
        return out

    def meta_counts(self) -> dict[str, float]:
        """Documents with a wrong year/template/body name/region code; share with a date found.

        Metadata decides where a report lands in the warehouse, so each error is counted (the
        target is 0), not folded into the cell rates.
        """
        out: dict[str, float] = {name: sum(1 for d in self.docs for e in d.meta_errors
                                           if e.startswith(name + ":"))
                                 for name in META_FIELDS}
        out["body_withheld"] = sum(1 for d in self.docs if d.body_withheld)
        found = sum(1 for d in self.docs if d.published)
        out["published_found"] = found / len(self.docs) if self.docs else 1.0
        return out

    def body_counts(self) -> dict[str, int | float]:
        """Bodies read right, wrong, or withheld as ambiguous, over documents whose gold names one.

        A withheld body is not a wrong one (the contract prefers candidates to a guess), but it
        is not read either: it counts as a miss of ``rate`` and is shown on its own.
        """
        docs = [d for d in self.docs if d.body_expected]
        wrong = sum(1 for d in docs if any(e.startswith("body.") for e in d.meta_errors))
        withheld = sum(1 for d in docs if d.body_withheld)
        right = len(docs) - wrong - withheld
        return {"expected": len(docs), "right": right, "wrong": wrong, "withheld": withheld,
                "rate": right / len(docs) if docs else 1.0}

    def publisher_counts(self) -> dict[str, int | float]:
        """Publisher errors per recorded error: found, missed, false findings, recall, precision.

        Several findings about one recorded error count once; a finding about no recorded error
        (the same rule and keys counted once) is a false one. Precision is found / (found +
        false), so it says how often a reported problem is a real, recorded one.
        """
        expected = sum(d.pub_expected for d in self.docs)
        found = sum(d.pub_found for d in self.docs)
        false = sum(d.pub_false for d in self.docs)
        return {"expected": expected, "found": found, "missed": expected - found, "false": false,
                "findings": sum(d.pub_reported for d in self.docs),
                "recall": found / expected if expected else 1.0,
                "precision": found / (found + false) if found + false else 1.0}

    def extra_values(self) -> list[ExtraValue]:
        """Every value the gold does not have, in file order."""
        return [e for d in self.docs for e in d.extra_values]

    def to_json(self) -> dict:
        """The whole result for scripts (``gongkai eval --json``)."""
        extras = self.extra_values()
        return {
            "rates": self.rates(),
            "metadata": self.meta_counts(),
            "body": self.body_counts(),
            "publisher_errors": self.publisher_counts(),
            "extra_values": {"count": len(extras),
                             "documents": len({e.file for e in extras}),
                             "values": [e.to_json() for e in extras]},
            "docs": [d.to_json() for d in self.docs],
            "unscored": self.unscored,
            "crashed": self.crashed,
        }


def _where(prov: dict, text: str | None) -> str:
    """Where a value was read, for a person: table/row/column/page, or the prose and its words."""
    parts = [f"{k} {prov[k]}" for k in ("table", "row", "column", "page") if prov.get(k)]
    span = prov.get("span")
    if span and len(span) == 2:
        parts.append(f"span {span[0]}–{span[1]}")
        if prov.get("sentence"):
            parts.append("「" + prov["sentence"] + "」")  # the engine kept the clause it read
        elif text and 0 <= span[0] < span[1] <= len(text):
            parts.append("「" + text[max(0, span[0] - 12):span[1]] + "」")
    return " ".join(parts) or "?"


def _compare(exp: dict, ex, file: str, text: str | None = None) -> DocResult:
    """Score one extraction against its gold; ``text`` (the compact text) quotes prose extras."""
    d = DocResult(file, Path(file).suffix.lstrip(".").lower(), exp.get("template"))
    got = ex.values
    d.published = ex.published
    for key, want in exp.get("values", {}).items():
        table = key.split(".")[0]
        d.expected[table] = d.expected.get(table, 0) + 1
        prose = "headline" if table == "headline" else "pre2019" if d.template == "pre2019" else ""
        if prose:
            d.prose_expected[prose] = d.prose_expected.get(prose, 0) + 1
        if key not in got:
            d.missed.append(key)
        elif got[key] == want:
            d.matched[table] = d.matched.get(table, 0) + 1
            if prose:
                d.prose_matched[prose] = d.prose_matched.get(prose, 0) + 1
        else:
            d.mismatches.append((key, got[key], want))
    d.extra = [k for k in got if k not in exp.get("values", {})]
    for k in d.extra:
        prov = ex.provenance.get(k, {})
        d.extra_values.append(ExtraValue(file, k, got[k], prov.get("method", "?"),
                                         _where(prov, text)))
    body = exp.get("body") or {}
    d.body_expected = bool(body.get("name") or body.get("region_code"))
    # A body reported ambiguous (region code withheld, candidates in a finding) is not a wrong
    # body: the contract prefers that to a guess. It is counted on its own line.
    d.body_withheld = ex.body.region_code is None and any(
        f.rule == "body_ambiguous" for f in ex.findings
    )
    for name, want, have in (("year", exp.get("year"), ex.year),
                             ("template", exp.get("template"), ex.template),
                             ("body.name", body.get("name"), ex.body.name),
                             ("body.region_code", body.get("region_code"), ex.body.region_code),
                             ("document_kind", exp.get("document_kind", "annual_report"),
                              ex.document_kind)):
        if want is not None and want != have:
            if d.body_withheld and name.startswith("body."):
                continue
            d.meta_errors.append(f"{name}: {have!r} ≠ {want!r}")
    _score_publisher(d, exp.get("publisher_errors") or [], ex.findings)
    return d


CROSS_YEAR_RULES = frozenset(r["id"] for r in RULES if r["scope"] == "cross_year")


def _score_publisher(d: DocResult, expected: list[dict], findings: list) -> None:
    """Recall/precision of publisher-blamed findings against ``publisher_errors``.

    Cross-year rules (carry_over_years, in_force_continuity) need the neighbouring years'
    reports and are checked in the warehouse, so they are not expected of one document.
    """
    expected = [e for e in expected if e["rule"] not in CROSS_YEAR_RULES]
    reported = [f for f in findings if f.blame == "publisher"]

    def match(f, e) -> bool:
        return f.rule == e["rule"] and bool(set(f.keys) & set(e.get("keys", [])))

    d.pub_expected = len(expected)
    d.pub_found = sum(1 for e in expected if any(match(f, e) for f in reported))
    d.pub_reported = len(reported)
    d.pub_correct = sum(1 for f in reported if any(match(f, e) for e in expected))
    d.pub_missed = [f"{e['rule']} {','.join(e.get('keys', [])[:2])}" for e in expected
                    if not any(match(f, e) for f in reported)]
    false = {(f.rule, tuple(sorted(f.keys))): f for f in reported
             if not any(match(f, e) for e in expected)}
    d.pub_false = len(false)
    d.pub_spurious = [f"{f.rule} {','.join(f.keys[:2])}" for f in false.values()]


def _prose_text(path: Path) -> str | None:
    """The compact text prose spans point into (read again only for documents with extras)."""
    from pipelines.extract.prose import compact
    from pipelines.extract.readers import read_bytes

    try:
        return compact(read_bytes(path.read_bytes(), path.name).text)
    except Exception:  # a reader failure only loses the quotation, never the evaluation
        return None


def evaluate(corpus_dir: str | Path) -> EvalResult:
    """Extract every document in ``DIR/docs``; score those with ``DIR/expected/<stem>.json``."""
    root = Path(corpus_dir)
    result = EvalResult()
    for path in sorted((root / "docs").iterdir()):
        if not path.is_file():
            continue
        ex = extract_file(path)
        if any(f.rule == "unreadable" for f in ex.findings):
            result.crashed.append(path.name)
        exp_path = root / "expected" / f"{path.stem}.json"
        if not exp_path.exists():
            result.unscored.append(path.name)
            continue
        exp = json.loads(exp_path.read_text(encoding="utf-8"))
        extra = set(ex.values) - set(exp.get("values", {}))
        # Read the document again only to quote a span the engine kept no sentence for.
        text = _prose_text(path) if any("span" in (p := ex.provenance.get(k, {}))
                                        and not p.get("sentence") for k in extra) else None
        result.docs.append(_compare(exp, ex, path.name, text))
    return result


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def format_eval(result: EvalResult, lang: str = "zh") -> str:
    """A plain-text report: rates, publisher errors, body, extra values, every error."""
    zh = lang != "en"
    lines = ["准确率（逐键精确匹配）" if zh else "Exact-match rates (key by key)"]
    for by, rates in result.rates().items():
        for name, r in rates.items():
            lines.append(f"  {by:<9} {name:<14} {_pct(r)}")
    pub = result.publisher_counts()
    lines.append((
        "发布方错误（按记录的错误计）：记录 {expected} · 找到 {found} · 漏报 {missed} · "
        "误报 {false}（发现 {findings} 条）· 召回率 {r} · 精确率 {p}" if zh else
        "publisher errors (per recorded error): recorded {expected} · found {found} · missed "
        "{missed} · false {false} ({findings} findings) · recall {r} · precision {p}"
    ).format(**pub, r=_pct(pub["recall"]), p=_pct(pub["precision"])))
    meta = result.meta_counts()
    meta_zh = ("元数据错误（文档数）：年度 {} · 模板 {} · 机关名称 {} · 区划代码 {} · "
               "文件类型 {} · 找到发布日期 {}")
    meta_en = ("metadata errors (documents): year {} · template {} · body name {} · region code "
               "{} · document kind {} · publication date found {}")
    lines.append((meta_zh if zh else meta_en).format(
        *(int(meta[n]) for n in META_FIELDS), _pct(meta["published_found"])))
    body = result.body_counts()
    body_zh = ("机关读对 {right}/{expected}（{rate}）· 读错 {wrong} · "
               "存疑未定、未读出（列出候选）{withheld}")
    body_en = ("body read right {right}/{expected} ({rate}) · wrong {wrong} · withheld as "
               "ambiguous, not read (candidates listed) {withheld}")
    lines.append((body_zh if zh else body_en).format(**{**body, "rate": _pct(body["rate"])}))
    extras = result.extra_values()
    lines.append(("金标准中没有的数值：{} 个，{} 份文件（逐个列出，需人工核对）" if zh else
                  "values the gold does not have: {} in {} documents (listed below for a person "
                  "to read)").format(len(extras), len({e.file for e in extras})))
    for d in result.docs:
        for e in d.meta_errors:
            lines.append(f"  META  {d.file}: {e}")
        if d.body_withheld:
            lines.append(f"  BODY-WITHHELD {d.file}")
        for k, got, want in d.mismatches:
            lines.append(f"  WRONG {d.file}: {k} = {got} (expected {want})")
        if d.missed:
            lines.append(f"  MISSED {d.file}: {len(d.missed)} " + ", ".join(d.missed))
        for e in d.extra_values:
            lines.append(f"  EXTRA {d.file}: {e.key} = {e.value} ({e.method}: {e.where})")
        for m in d.pub_missed:
            lines.append(f"  PUB-MISSED {d.file}: {m}")
        for m in d.pub_spurious:
            lines.append(f"  PUB-FALSE {d.file}: {m}")
    if result.unscored:
        head = "未评分（无 expected）: " if zh else "not scored: "
        lines.append(head + ", ".join(result.unscored))
    if result.crashed:
        lines.append(("无法读取: " if zh else "unreadable: ") + ", ".join(result.crashed))
    return "\n".join(lines)


def ratchet_floors(result: EvalResult) -> dict:
    """Floors to record: every rate rounded down to 0.1 percentage point."""
    return {by: {n: math.floor(r * 1000) / 1000 for n, r in rates.items()}
            for by, rates in result.rates().items()}


def ratchet_check(result: EvalResult, ratchet_path: str | Path) -> list[str]:
    """Regressions against the recorded floors (empty when none)."""
    floors = json.loads(Path(ratchet_path).read_text(encoding="utf-8"))
    rates = result.rates()
    out = []
    for by, names in floors.items():
        for name, floor in names.items():
            have = rates.get(by, {}).get(name)
            if have is None or have + 1e-9 < floor:
                out.append(f"{by} {name}: {have if have is None else round(have, 4)} < {floor}")
    return out


if __name__ == "__main__":  # pragma: no cover - python -m pipelines.extract.evaluate DIR
    import sys

    res = evaluate(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus")
    print(format_eval(res, "en" if "--en" in sys.argv else "zh"))
