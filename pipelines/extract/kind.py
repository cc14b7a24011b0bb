"""What kind of document this is, decided before any figure is read.

A folder scraped from a 政府信息公开 column holds more than annual reports: the year's work plan
(工作要点), its table of tasks (任务清单, with 责任单位, 完成时限 and statuses such as 已完成), the
notice that asks departments to compile their reports (关于做好…年度报告编制发布工作的通知) —
and PDFs that are scans with no text layer. Reading such a document for report figures gives
false errors ("no year", "no values") or, worse, false figures; so the engine asks here first
and, for anything but a readable annual report, stops with one clear finding.

The decision is a score per kind over evidence of several sorts (the title's head word, section
headings, wording only one kind uses, the header and status cells of a task table, a notice's
addressee line). The wording lives in :mod:`schemas.vocabulary.kinds`; this module only says how
the evidence is weighed. A document becomes a non-report only on clear evidence that outweighs
every sign of a report, so a fragment of a report without its title stays a report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath

from pipelines.extract.model import Extraction, Finding
from schemas.vocabulary import Sense, Word
from schemas.vocabulary import kinds as vocab
from schemas.vocabulary import tables as tables_vocab

# The score a non-report kind needs (one clear title is enough; so are two kinds of structure).
THRESHOLD = 4.0
# Weight of a title's head word (times the word's own weight).
TITLE_WEIGHT = 4.0
# A PDF whose text layer holds fewer Han characters than this is a scan (page numbers and a
# scanner app's watermark are all such a layer ever holds).
SCANNED_MAX_HAN = 30
# Below this many Han characters a text without any sign of a report is a fragment, not "other".
OTHER_MIN_HAN = 200

# (from, to) pairs; a chain of str.replace is ten times faster than str.translate with a dict
# on long CJK text, and the whole text of every document passes here.
_PUNCT = (("（", "("), ("）", ")"), ("：", ":"), ("【", "["), ("】", "]"), (" ", ""), ("\t", ""),
          ("\u3000", ""), ("\u00a0", ""))
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.]|\([一二三四五六七八九十]{1,3}\)|第[一二三四五六七八九十]{1,3}(?:部分|章))"
)
_TAIL = re.compile(r"(?:\([^()]{0,12}\)|[。.!！;；,，])+$")
_QUOTES = str.maketrans("", "", "《》〈〉<>“”\"")
_FIELD_PREFIX = re.compile("^(?:" + "|".join(w.text for w in vocab.TITLE_FIELDS) + r")\d*[:]?")
_FIELD_LINE = re.compile("^(?:" + "|".join(w.text for w in vocab.PAGE_FIELDS) + ")")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Lines around a title that are not part of it: a date, a remark in brackets, a document number.
_NOT_TITLE = re.compile(r"^(?:[\d年月日号.\-/:]+|\(.*\)|\[.*\]|.*〔\d{4}〕\d+号)$")
_NON_REPORT = ("work_plan", "task_list", "notice")


@dataclass(frozen=True)
class Verdict:
    """The kind of a document and why.

    ``scores`` holds the score of each kind, ``evidence`` the wordings that made them (for a
    reviewer and for tests), ``title`` the document's own title line when one was found and
    ``head`` the title's head word (工作要点, 通知…), ``scanned`` whether it is a PDF scan.
    """

    kind: str
    title: str | None = None
    head: str | None = None
    scores: tuple[tuple[str, float], ...] = ()
    evidence: tuple[str, ...] = ()
    scanned: bool = False

    @property
    def is_report(self) -> bool:
        """True for an annual report that has text to read."""
        return self.kind == vocab.ANNUAL and not self.scanned


def compact(s: str) -> str:
    """One line as the vocabulary spells it: no spaces, ASCII brackets and colons."""
    for a, b in _PUNCT:
        if a in s:
            s = s.replace(a, b)
    return s


@cache
def _title_heads() -> tuple[tuple[str, Word], ...]:
    """(kind, word) pairs, shortest word first: the message names the general word (工作要点).

    No word of one kind ends with a word of another kind, so the order never changes a kind.
    """
    pairs = [(s.key, w) for s in vocab.TITLE_HEADS for w in s.words]
    return tuple(sorted(pairs, key=lambda p: len(p[1].text)))


@cache
def _transmit() -> re.Pattern[str]:
    verbs = "|".join(re.escape(w.text) for w in vocab.TRANSMIT)
    return re.compile(rf"(?:{verbs})(.+?)的(?:通知|函)$")


def title_head(title: str) -> tuple[str, Word] | None:
    """The kind named by the word a title ends with (a Chinese title's head noun comes last).

    Trailing brackets such as (试行) or (征求意见稿) and punctuation are not the head.
    """
    t = _TAIL.sub("", compact(title).translate(_QUOTES))
    for kind, word in _title_heads():
        if t.endswith(word.text):
            return kind, word
    return None


def title_kind(title: str) -> tuple[str, float, str] | None:
    """Title evidence as (kind, score, head word), or None when the title names no kind.

    关于印发《2023年政务公开工作要点》的通知 is a cover notice carrying a plan: the plan's kind
    takes the title, with a quarter more weight so that it outweighs the cover notice's own shape
    (addressee line, 印发给你们). A notice about reports (关于做好…年度报告编制发布工作的通知)
    stays a notice: its head is 通知, whatever words come before.
    """
    head = title_head(title)
    if head is None:
        return None
    kind, word = head
    if kind == "notice":
        m = _transmit().search(_TAIL.sub("", compact(title).translate(_QUOTES)))
        inner = title_head(m.group(1)) if m else None
        if inner is not None and inner[0] != "notice":
            return inner[0], 1.25 * TITLE_WEIGHT * inner[1].weight, inner[1].text
    return kind, TITLE_WEIGHT * word.weight, word.text


def _title_lines(lines: Sequence[str]) -> list[str]:
    head = compact("\n".join(lines[:40])).split("\n") if lines else []
    return [_FIELD_PREFIX.sub("", s.lstrip("#")) for s in head]


def _may_be_title(s: str) -> bool:
    """A line that can be (part of) a title: not a field, date, number, sentence or table row.

    A sentence ends with 。 and an addressee line with a colon; neither is ever a title.
    """
    return (bool(s) and not _FIELD_LINE.match(s) and not _NOT_TITLE.match(s)
            and "。" not in s and "|" not in s and not s.endswith(":"))


def find_title(lines: Sequence[str], source: str = "") -> str | None:
    """The document's own title: the first one to three short lines that end with a kind word.

    Titles are often broken over lines (阿坝州人民政府办公室 / 关于做好2017年…年度报告 /
    编制和公布工作的通知), so the longest run ending with a head word wins at each line. Without
    one, the first short line of Han text stands as the title, and without any, the file name.
    """
    heads = _title_lines(lines)
    usable = [_may_be_title(s) and len(s) <= 50 for s in heads]
    for i in range(len(heads)):
        if not usable[i]:
            continue
        for width in (3, 2, 1):
            run = heads[i:i + width]
            if len(run) < width or not all(usable[i:i + width]):
                continue
            title = "".join(run)
            if len(title) <= 90 and title_head(title) is not None:
                return title
    for s in heads:
        if len(_HAN.findall(s)) >= 4 and len(s) <= 60 and _may_be_title(s):
            return s
    stem = PurePath(source).stem if source else ""
    return stem if len(_HAN.findall(stem)) >= 4 else None


def _sense_score(senses: Sequence[Sense], found: Callable[[str], bool], prefix: str,
                 scores: dict[str, float], evidence: list[str]) -> None:
    """Add each sense's distinct words that ``found`` accepts, capped per sense."""
    for sense in senses:
        hit = [w for w in sense.words if found(w.text)]
        if not hit:
            continue
        cap = vocab.CAPS.get(f"{prefix}.{sense.key}", vocab.CAPS["title"])
        scores[sense.key] += min(cap, sum(w.weight for w in hit))
        evidence.extend(f"{prefix}:{w.text}" for w in hit)


def _task_table(rows: Sequence[Sequence[str]], text: str, scores: dict[str, float],
                evidence: list[str]) -> None:
    """A table of tasks: a header row of task columns, and status/deadline cells.

    Cells are only looked at when the text holds two task-column words at all (a cheap test
    that spares the cell loop in almost every report).
    """
    header_words = {w.text for w in vocab.TASK_HEADER}
    if sum(1 for w in header_words - {"序号"} if w in text) < 2:
        return
    status_words = {w.text for w in vocab.STATUSES}
    header_rows = 0
    lone_headers: set[str] = set()
    statuses = 0
    for row in rows:
        # header and status words have no brackets or colons: removing spaces is enough
        cells = [c.replace(" ", "") for c in row]
        in_row = {c for c in cells if c in header_words}
        if len(in_row - {"序号"}) >= 2:
            header_rows += 1
            evidence.append("task_header:" + "|".join(sorted(in_row)))
        elif len(in_row) == 1:
            lone_headers |= in_row  # a header printed one cell per line (scraped pages)
        statuses += sum(1 for c in cells if c in status_words)
    if len(lone_headers - {"序号"}) >= 3 and not header_rows:
        header_rows = 1
        evidence.append("task_header:" + "|".join(sorted(lone_headers)))
    if header_rows:
        scores["task_list"] += min(vocab.CAPS["task_header"], 1.5 * header_rows + 1.5)
    if statuses:
        scores["task_list"] += min(vocab.CAPS["statuses"], 0.5 * statuses)
        evidence.append(f"statuses:{statuses}")


def _template_tables(rows: Sequence[Sequence[str]]) -> bool:
    """Rows that print table 三's first row and table 四's heading: the report template."""
    cells = "".join(c for r in rows if len(r) > 1 for c in r)
    return all(any(w.text in cells for w in ws) for ws in (
        tables_vocab.TABLE3_START, tables_vocab.APPEALS_START))


def _addressee(lines: Sequence[str]) -> bool:
    """A notice's 主送机关 line: short, ends with a colon, names recipients with 各."""
    for s in compact("\n".join(lines[:40])).split("\n"):
        if (s.endswith(":") and 6 <= len(s) <= 90 and "各" in s and "。" not in s
                and any(w.text in s for w in vocab.ADDRESSEES)):
            return True
    return False


def score_document(rows: Sequence[Sequence[str]], source: str = "") -> Verdict:
    """Score every kind on a document's rows of cells (as readers give them) and decide.

    A non-report kind wins only with at least :data:`THRESHOLD` and more than the annual
    report's score. A document with no sign of a report at all and enough text is ``other``.
    """
    lines = [" ".join(r) for r in rows]
    title = find_title(lines, source)
    scores = dict.fromkeys(vocab.KINDS, 0.0)
    evidence: list[str] = []
    named = title_kind(title) if title else None
    if named and named[0] == vocab.ANNUAL and _template_tables(rows):
        # Titled a 年度报告 and printing the template's tables: nothing else looks like that, so
        # the remaining evidence is not weighed (most documents take this path).
        return Verdict(vocab.ANNUAL, title, named[2], ((vocab.ANNUAL, named[1]),),
                       (f"title:{named[2]}", "template_tables"))
    if named:
        scores[named[0]] += named[1]
        evidence.append(f"title:{named[2]}")
    clines = compact("\n".join(lines)).split("\n")  # one translate for the whole text
    headings = [_ORDINAL.sub("", s) for s in clines if _ORDINAL.match(s)]
    heading_text = "\n".join(h for h in headings if len(h) <= 40)  # words never span a "\n"
    _sense_score(vocab.HEADINGS, lambda w: w in heading_text, "headings", scores, evidence)
    text = "".join(clines)
    _sense_score(vocab.PHRASES, lambda w: w in text, "phrases", scores, evidence)
    _task_table(rows, text, scores, evidence)
    if _addressee(lines):
        scores["notice"] += vocab.CAPS["addressee"]
        evidence.append("addressee")
    best = max(_NON_REPORT, key=lambda k: scores[k])
    if scores[best] >= THRESHOLD and scores[best] > scores[vocab.ANNUAL]:
        kind = best
    elif scores[vocab.ANNUAL] == 0 and title and len(_HAN.findall(text)) >= OTHER_MIN_HAN:
        kind = "other"
    else:
        kind = vocab.ANNUAL
    ranked = tuple(sorted(((k, round(v, 2)) for k, v in scores.items() if v), key=lambda p: -p[1]))
    head = named[2] if named and named[0] == kind else None
    return Verdict(kind, title, head, ranked, tuple(evidence))


def classify_document(rows: Sequence[Sequence[str]], container: str, source: str = "") -> Verdict:
    """The kind of a read document; a PDF without a text layer is a scan, whatever its name says.

    ``rows`` are the reader's lines of cells. The kind of a scan is guessed from its file name
    only (a scan named 2024年政务公开工作要点.pdf is listed as a plan); reading scans comes later.
    """
    if container == "pdf" and sum(len(_HAN.findall(c)) for r in rows for c in r) < SCANNED_MAX_HAN:
        stem = PurePath(source).stem
        named = title_kind(stem) if len(_HAN.findall(stem)) >= 4 else None
        if named is None:
            return Verdict(vocab.ANNUAL, scanned=True)
        return Verdict(named[0], stem, named[2], scanned=True)
    return score_document(rows, source)


def kind_findings(verdict: Verdict, source: str) -> list[Finding]:
    """The one finding that says why nothing is read: a scan, or not an annual report.

    Both are blamed on reading (the publisher did nothing wrong). A scan is an error — a
    report we cannot read yet; a document of another kind is information, not a fault.
    """
    out = []
    if verdict.scanned:
        out.append(Finding("scanned_pdf", "error", (),
                           f"{source}: 扫描件，无文字层（scanned, no text layer）", "reading"))
    if verdict.kind != vocab.ANNUAL:
        zh, en = vocab.KIND_LABELS[verdict.kind]
        what = verdict.head if verdict.head and verdict.kind != "other" else zh
        named = f"《{verdict.title}》" if verdict.title else ""
        out.append(Finding("not_annual_report", "info", (),
                           f"{source}: 不是年度报告：{what}{named}（not an annual report: {en}）",
                           "reading"))
    return out


def kind_extraction(verdict: Verdict, container: str, source: str, sha256: str) -> Extraction:
    """The record of a document that is not read for figures: kind, title and the finding."""
    return Extraction(source=source, sha256=sha256, container=container, title=verdict.title,
                      document_kind=verdict.kind, findings=kind_findings(verdict, source))
