"""Figures stated in the running text: ``headline.*`` and, where no table gives them, table keys.

Reports say the same figure in many ways (主动公开各类政务信息…条, 共收到有关政府信息公开的申请…
条, 受理2件依申请公开, 發布政策解讀稿件71篇) and are full of look-alike counts: service-hall
applications (共受理申请136437件), 12345 calls, website messages, per-topic and per-channel
sub-counts, combined counts (发布行政公文和政策解读信息9条), approximate figures (5500余条),
cumulative ones (累计…). So the reader does not match phrases: it splits the text into clauses
(:mod:`pipelines.extract.clauses`), finds the wordings of :mod:`schemas.vocabulary.prose` in each
(:mod:`pipelines.extract.lexicon`), and for every counted quantity works out the measured thing,
the verb, the unit and the scope, then the one key whose frame they fit — or the reason it is
not a disclosure figure. A count near disclosure wording that fits no frame, or fits several,
is withheld and reported as an ``unplaced_figure`` finding with its clause, never guessed.

The first statement of a key in document order wins; later ones are usually restatements or
sub-totals. Zero stated in words (未收到…申请, 未发生…行政复议, 暂不收费) is 0 with cell kind
``text``.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines.extract.clauses import Clause, Quantity, quantities, split
from pipelines.extract.lexicon import Token, scan, trie_pattern
from pipelines.extract.model import Finding, detail
from schemas.vocabulary import prose as vocab

_SPACES = re.compile(r"(?<=[^\x00-\x7f])[ \t]+|[ \t]+(?=[^\x00-\x7f])")
_YEAR = re.compile(r"20\d\d年(?!底|末|\d)|\d{1,2}月\d{1,2}日")
_ALL_FOR = re.compile(r"^[^，,；;。]{0,12}?[（(]?(?:均为|全部为|均系|全部来自|均来自|均是)")
_NEUTRAL = {"applicant", "domain"}
_COUNTABLE = {"items", "interpretations", "applications", "press_conferences", "normative_docs"}
_APPEALS = ("review", "litigation", "complaints")
_PART_KEYS = {"headline.items_published", "headline.policy_interpretations",
              "headline.press_conferences", "headline.applications_received"}
_FRAMES_BY_THING: dict[str, list[vocab.Frame]] = {}
for _f in vocab.FRAMES:
    _FRAMES_BY_THING.setdefault(_f.thing, []).append(_f)
_DISCLOSURE_UNITS = {*vocab.COUNT_UNITS, *vocab.MONEY_UNITS}
_BARE_APPLICATION = {"申请", "申请件", "依申请"}
_TOPICAL = {"信息", "信息数", "文件", "公文", "政府文件"}
_GENERAL_GAP = {"", "的", "了", "各类", "等", "共", "共计", "各项", "各种", "有关", "相关的"}
_CLAUSE_TEXT = 80
_ALL_VERBS = {s.key for s in vocab.VERBS}
_REPOSTS = {w.text for w in vocab.REPOSTS}


@dataclass(frozen=True)
class ProseFigure:
    """One figure read from the prose: key, value, cell kind, character span and clause."""

    key: str
    value: int | float
    kind: str
    span: tuple[int, int]
    sentence: str = ""


@dataclass(frozen=True)
class Placement:
    """What became of one number near disclosure wording: a key, or the reason it is not one.

    ``status``: ``assigned`` (read under ``key``), ``not_figure`` (classed, with ``reason``) or
    ``unplaced`` (withheld: the reader could not place it; a finding says so).
    """

    span: tuple[int, int]
    value: int | float
    unit: str
    status: str
    key: str | None
    reason: str
    sentence: str


@dataclass
class ProseReading:
    """Everything the prose reader found: the figures, and the fate of every nearby number."""

    figures: list[ProseFigure] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    # Outcome rows the prose counts together (予以公开及部分公开258件), keys joined by "+":
    # no key's own figure, but the checker compares it with the rows' sum.
    joined: list[ProseFigure] = field(default_factory=list)
    # Applications by how they arrived (当面申请12件): rows of the pre-2019 statistics table
    # only, so kept apart from the figures every report's prose gives.
    channels: list[ProseFigure] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """One ``unplaced_figure`` finding per number the reader withheld, with its clause."""
        return [Finding("unplaced_figure", "info", (),
                        f"正文数字 {p.value}{p.unit} 未能读出（{p.reason}）：“{p.sentence}”",
                        "reading", detail(value=p.value, unit=p.unit, sentence=p.sentence,
                                          span=list(p.span), reason=p.reason))
                for p in self.placements if p.status == "unplaced"]


def compact_with_offsets(text: str) -> tuple[str, Offsets]:
    """:func:`compact` and, for each character of the result, its offset in ``text``.

    Lets a caller that keeps positions in the uncompacted text (the checker's locations) place
    what the reader found.
    """
    flat = text.replace("\n", "")
    pieces = _SPACES.split(flat)
    return "".join(pieces), Offsets(text, flat, pieces)


class Offsets(Sequence[int]):
    """The offset in the uncompacted text of each character of the compacted one, when asked.

    The checker asks for a few positions (where its figures are), in one document of hundreds;
    a list of every character's offset cost a Python step per removed run of spaces (some 3 %
    of a document's time). Two steps back: compacted → the text without line breaks (the runs
    of spaces removed between ``pieces``), then → the text (one line break per line before).
    """

    def __init__(self, text: str, flat: str, pieces: list[str]) -> None:
        self._text, self._flat_text, self._pieces = text, flat, pieces
        self._len = sum(map(len, pieces))
        self._starts: tuple[list[int], list[int], list[int]] | None = None

    def _build(self) -> tuple[list[int], list[int], list[int]]:
        """Where each piece starts (compacted, without line breaks) and where each line starts."""
        pieces = self._pieces
        at = list(itertools.accumulate(map(len, pieces), initial=0))[:-1]
        gaps = itertools.chain(map(len, _SPACES.findall(self._flat_text)), (0,))
        flat = list(itertools.accumulate(
            (len(p) + g for p, g in zip(pieces, gaps, strict=False)), initial=0))[:-1]
        lines = list(itertools.accumulate(map(len, self._text.split("\n")), initial=0))[:-1]
        return at, flat, lines

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, j):  # type: ignore[override]  # an int (or a slice) as for a list
        if isinstance(j, slice):
            return [self[i] for i in range(*j.indices(self._len))]
        if j < 0:
            j += self._len
        if not 0 <= j < self._len:
            raise IndexError("offset index out of range")
        if self._starts is None:
            self._starts = self._build()
        at, flat, lines = self._starts
        p = bisect_right(at, j) - 1
        f = flat[p] + j - at[p]
        return f + bisect_right(lines, f) - 1


def compact(text: str) -> str:
    """Remove layout spaces around CJK characters (PDF lines: ``信息 1136 条``)."""
    return _SPACES.sub("", text.replace("\n", ""))


# --- one count -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _State:
    """What the clauses of one sentence share: the thing, verbs and exclusion last spoken of."""

    thing: str | None = None
    verbs: frozenset[str] = frozenset()
    appeal: str | None = None
    reason: str | None = None
    key: str | None = None
    weight: float = 1.0
    carried: str | None = None  # the previous sentence's subject, for a verb with no thing

    def copy(self) -> _State:
        return _State(self.thing, self.verbs, self.appeal, self.reason, self.key, self.weight,
                      self.carried)


@dataclass(slots=True)
class _Read:
    """The reading of one quantity before the sentence- and document-level rules."""

    q: Quantity
    clause: int
    keys: tuple[str, ...] = ()
    reason: str = ""
    unplaced: bool = False
    frame_key: str | None = None  # the key the count would have, before scope exclusions
    total: bool = False
    cumulative: bool = False
    channels: tuple[str, ...] = ()
    part: bool = False  # a channel / form sub-count that still competes for its frame key
    weight: float = 1.0  # the thing word's weight: 政府信息 1, bare 信息 0.7
    received: bool = False  # said with a 收到-verb (新收到14件 under a head with carry-overs)
    withdrawn: bool = False
    carried_in: bool = False  # 共收到41件（含上年度结转3件）: the count includes carry-overs
    near: bool = True
    joined: tuple[str, ...] = ()  # outcome rows counted together (予以公开及部分公开258件)


class _Doc:
    """The text with its tokens and clauses, and helpers to look at tokens by position."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.quantities = quantities(text)
        self.tokens: list[Token] = []
        self.clauses: list[Clause] = []
        sentence = 0
        for start, end in _regions(text, self.quantities):
            self.tokens += scan(text, start, end)
            offset = len(self.clauses)
            clauses = split(text, start, end, sentence)
            for c in clauses:
                if c.head is not None and c.head >= 0:
                    c.head += offset
            self.clauses += clauses
            sentence = (clauses[-1].sentence if clauses else sentence) + 1
        self.starts = [t.start for t in self.tokens]
        self.sentence_span: dict[int, tuple[int, int]] = {}
        for c in self.clauses:
            s, e = self.sentence_span.get(c.sentence, (c.start, c.end))
            self.sentence_span[c.sentence] = (min(s, c.start), max(e, c.end))

    def between(self, start: int, end: int) -> list[Token]:
        i = bisect_left(self.starts, start)
        out = []
        while i < len(self.tokens) and self.tokens[i].start < end:
            if self.tokens[i].end <= end:
                out.append(self.tokens[i])
            i += 1
        return out

    def clause_text(self, c: Clause) -> str:
        return self.text[c.start:c.end].strip("，,；;：: ")[:_CLAUSE_TEXT]

    def in_brackets(self, pos: int, floor: int) -> bool:
        before = self.text[floor:pos]
        return before.count("(") + before.count("（") > before.count(")") + before.count("）")


def _zero_hints() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Cheap tests for a sentence that may state a zero: a negation and a zero-able thing."""
    negs = [w.text for w in (*vocab.NEGATIONS, *vocab.FEE_ZERO)]
    things = [w.text for s in vocab.THINGS if s.key in vocab.ZERO_KEYS for w in s.words]
    things += [w.text for s in vocab.OUTCOMES if s.key.startswith("carried") for w in s.words]
    return re.compile(trie_pattern(negs)), re.compile(trie_pattern(things))


_NEG_HINT, _ZERO_THING_HINT = _zero_hints()
_COARSE_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]|[^。！？!?]+$")


def _regions(text: str, qs: list[Quantity]) -> list[tuple[int, int]]:
    """The stretches worth reading: sentences with a disclosure count or a stated zero.

    Each comes with the sentence before it (its 其中 head, its subject). Skipping the rest
    keeps prose reading cheap on long reports whose tables carry numbers without units.
    """
    counted = [q.start for q in qs if q.unit in _DISCLOSURE_UNITS]
    regions: list[tuple[int, int]] = []
    prev_start = 0
    qi = 0
    for m in _COARSE_SENTENCE.finditer(text):
        s, e = m.span()
        if s == e:
            continue
        while qi < len(counted) and counted[qi] < s:
            qi += 1
        wanted = qi < len(counted) and counted[qi] < e
        if not wanted:
            neg = _NEG_HINT.search(text, s, e)
            wanted = neg is not None and _ZERO_THING_HINT.search(text, s, e) is not None
        if wanted:
            if regions and regions[-1][1] >= prev_start:
                regions[-1] = (regions[-1][0], e)
            else:
                regions.append((prev_start, e))
        prev_start = s
    return regions


def _cat(tokens: list[Token], category: str) -> list[Token]:
    return [t for t in tokens if category in t.senses]


def _things(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if "thing" in t.senses and t.senses["thing"][0] not in _NEUTRAL]


def _verbs(tokens: list[Token]) -> frozenset[str]:
    """The verbs' meanings; adjacent verbs (受理答复) are one verb, the first one's meaning."""
    verbs = _cat(tokens, "verb")
    out: list[str] = []
    for i, v in enumerate(verbs):
        if i and verbs[i - 1].end == v.start:
            continue
        out.append(v.sense("verb") or "")
    return frozenset(out)


def _context(doc: _Doc, seg: list[Token], after: list[Token], q: Quantity) -> str | None:
    """The reason a context word makes this count something else (a topic list "A、B等" aside)."""
    for t in [*seg, *after]:
        reason = t.sense("context")
        if reason is None:
            continue
        if t.end <= q.start and "等" in doc.text[t.end:q.start]:
            continue  # one topic of a list: 人事任免、行政审批、价格和收费等信息
        return reason
    return None


def _is_topic(doc: _Doc, thing: Token, seg: list[Token], floor: int) -> bool:
    """True when 信息/文件 has a topic before it (会议信息, 概况类信息, 市政府文件): a sub-count."""
    if thing.sense("thing") != "items" or thing.text not in _TOPICAL:
        return False
    prev = [t for t in seg if t.end <= thing.start]
    if prev and prev[-1].end == thing.start and prev[-1].sense("thing") not in (
            None, "items", "domain"):
        return True  # 新闻发布会信息106条: items about another measured thing
    start = max(prev[-1].end if prev else floor, floor)
    gap = doc.text[start:thing.start].strip("“”\"'《》")
    if gap in _GENERAL_GAP or (prev and prev[-1].end == thing.start
                               and (prev[-1].sense("verb") or prev[-1].sense("total"))):
        return False
    first = next((t for t in seg if t.sense("thing") == "items"), thing)
    listed = any(j in doc.text[first.start:thing.start] for j in ("、", "及", "和"))
    return not (listed and any(t.sense("total") for t in seg if t.start >= thing.end))


def _cumulative(doc: _Doc, seg: list[Token], c: Clause, q: Quantity) -> bool:
    """历年 / 截止目前 / 累计总数 count since records began; 累计 does only after 截至/以来."""
    s_start, _ = doc.sentence_span[c.sentence]
    if any(t.sense("scope") == "cumulative" for t in seg) or (not c.sub and any(
            t.sense("scope") == "cumulative" and t.sense("since")
            for t in doc.between(s_start, q.start))):
        return True
    acc = next((t for t in seg if t.text == "累计"), None)
    if acc is None:
        return False
    return any(t.sense("since") for t in doc.between(s_start, acc.start))


def _approx(doc: _Doc, seg: list[Token], q: Quantity) -> bool:
    if q.approx or doc.text.startswith(("左右", "以上", "余"), q.end):
        return True
    return any(t.sense("approx") and t.end == q.start for t in seg)


def _pick_thing(doc: _Doc, seg: list[Token], after: list[Token], q: Quantity,
                floor: int) -> Token | None:
    """The measured thing: the last one before the number, or one right after it (受理2件申请).

    Words in brackets are asides (共主动公开政府信息（公文平台发文）113条), not the thing.
    """
    things = [t for t in _things(seg) if not doc.in_brackets(t.start, floor)]
    reach = 2 if things else 8
    nxt = next((t for t in _things(after) if t.start - q.end <= reach), None)
    if nxt is not None:
        tail = [t for t in seg if not things or t.start >= things[-1].end]
        if not things or (tail and (tail[-1].sense("verb") or tail[-1].sense("total"))):
            return nxt
    return things[-1] if things else None


def _frame_keys(thing: str, verbs: frozenset[str], unit: str | None) -> tuple[str, ...]:
    out = []
    for f in _FRAMES_BY_THING.get(thing, ()):
        if unit is not None and unit not in f.units:
            continue
        if not f.verbs or verbs & set(f.verbs):
            out.append(f.key)
    return tuple(out)


def _continues(doc: _Doc, seg: list[Token], start: int, end: int) -> bool:
    """True when a clause with no thing of its own goes on with the last one.

    已答复37件, 、行政诉讼2件, 尚未审结1件 go on; 释疑解惑393次 speaks of something new.
    """
    cats = ("verb", "outcome", "applicant", "result", "total", "scope", "approx", "channel")
    if any(t.sense(c) for t in seg for c in cats):
        return True
    return len(re.sub(r"[\W\d_]", "", doc.text[start:end])) <= 1


def _channels(doc: _Doc, seg: list[Token], floor: int) -> tuple[str, ...]:
    return tuple(t.text for t in _cat(seg, "channel") if not doc.in_brackets(t.start, floor))


def _read_quantity(doc: _Doc, ci: int, q: Quantity, seg_start: int, after_end: int,
                   st: _State, head: _State | None) -> _Read:
    """Place one quantity: its key, or why it is not a disclosure figure."""
    c = doc.clauses[ci]
    r = _Read(q, ci)
    seg = doc.between(seg_start, q.start)
    after = doc.between(q.end, after_end)
    clause_before = doc.between(c.start, q.start)
    r.near = bool(doc.between(c.start, c.end)) or st.thing is not None
    if q.unit not in _DISCLOSURE_UNITS:
        r.reason = f"单位“{q.unit}”不是公开数字的单位"
        return r
    thing_tok = _pick_thing(doc, seg, after, q, c.start)
    thing = thing_tok.sense("thing") if thing_tok else None
    verbs = _verbs(seg) or _verbs(clause_before)
    r.channels = _channels(doc, seg, c.start)
    lead = [t for t in after if t.start - q.end <= 2]
    inherited = thing is None
    goes_on = _continues(doc, seg, seg_start, q.start)
    if inherited and (c.sub or goes_on):
        src = st if (st.thing or st.reason) and (goes_on or head is None) else (head or st)
        thing = src.thing
        steer = _cat(seg, "outcome") or _cat(seg, "applicant") or _cat(seg + lead, "result")
        if src.reason and not steer:
            r.reason = src.reason
            return r
    if inherited or c.sub:
        verbs = verbs or st.verbs
    reason = _context(doc, seg, [t for t in after if not t.sense("channel")], q)
    if reason:
        r.reason = st.reason = reason
        if reason == "new-media posts" and thing == "items":
            r.frame_key, r.part = "headline.items_published", True
        return r
    st.reason = None
    if thing == "items" and "published" not in verbs and any(
            t.sense("thing") == "applications" for t in doc.between(c.start, c.end)):
        thing = "applications"  # 依申请公开系统共收到1宗信息, 办理向管委会申请的政府信息69件
    appeal_toks = [t for t in _things(seg) if t.sense("thing") in _APPEALS]
    if appeal_toks:
        st.appeal = appeal_toks[-1].sense("thing")
    if thing is not None and not inherited:
        st.thing = thing
    if verbs:
        st.verbs = verbs
    r.total = any(t.sense("total") for t in seg)
    r.cumulative = _cumulative(doc, seg, c, r.q)
    r.received = "received" in _verbs(seg)
    r.weight = thing_tok.weight("thing") if thing_tok is not None else st.weight
    st.weight = r.weight
    named = thing_tok is not None and thing_tok.sense("thing") in _APPEALS
    placed = _outcome_or_applicant(doc, r, seg, after, thing if named or thing not in _APPEALS
                                   else None, thing_tok, st, head)
    if placed is not None:
        return placed
    if thing is None:
        return _thingless(doc, r, verbs, seg, seg_start, c, st.carried)
    return _thing_reading(doc, r, thing, thing_tok, verbs, seg, c, after)


def _thingless(doc: _Doc, r: _Read, verbs: frozenset[str], seg: list[Token], seg_start: int,
               c: Clause, carried: str | None = None) -> _Read:
    """A count with no thing word: the verb and the previous sentence may still say what it is.

    主动公开907条: a publishing verb straight before a count in 条 counts items. 已答复56件
    right after a sentence about applications answers those applications.
    """
    last_verb = next((t for t in reversed(seg) if t.sense("verb")), None)
    if last_verb is not None and last_verb.sense("verb") == "published" and r.q.unit == "条" \
            and not re.sub(r"[\W\d_]", "", doc.text[last_verb.end:r.q.start]):
        return _thing_reading(doc, r, "items", None, verbs, seg, c)
    if carried == "applications" and last_verb is not None and last_verb.sense("verb") in (
            "processed", "received") and r.q.unit == "件":
        return _thing_reading(doc, r, "applications", None, verbs, seg, c)
    if verbs:
        r.unplaced, r.reason = True, "未找到所计之物"
    else:
        tokens = doc.between(c.start, c.end)
        r.near = bool(_cat(tokens, "verb") or _things(tokens))
        r.reason = "句中无公开事项"
    return r


def _appeal_group(doc: _Doc, c: Clause, st: _State, thing: str | None) -> str | None:
    """The appeal a result belongs to: the one named, else the only one with cases this year."""
    if thing in _APPEALS:
        return thing
    s, e = doc.sentence_span[c.sentence]
    nonzero = set()
    prev = s
    for q in quantities(doc.text, s, e):
        groups = [t.sense("thing") for t in _things(doc.between(prev, q.start))
                  if t.sense("thing") in _APPEALS]
        if groups and q.value:
            nonzero.add(groups[-1])
        prev = q.end
    return next(iter(nonzero)) if len(nonzero) == 1 else st.appeal


def _outcome_or_applicant(doc: _Doc, r: _Read, seg: list[Token], after: list[Token],
                          thing: str | None, thing_tok: Token | None, st: _State,
                          head: _State | None) -> _Read | None:
    """Outcome rows (予以公开…件), applicant columns (自然人…件) and appeal results (维持…件)."""
    c = doc.clauses[r.clause]
    lead = [t for t in after if t.start - r.q.end <= 2]
    res = _cat(seg, "result") or _cat(lead, "result")
    if res and (thing in _APPEALS or thing is None or st.appeal):
        group = _appeal_group(doc, c, st, thing)
        if group is None:
            return None
        if group != "review":
            r.reason = "诉讼结果未分直接起诉与复议后起诉，无对应键"
        else:
            r.keys = (f"appeals.review.{res[-1].sense('result')}",)
        return r
    outcomes = _cat(seg, "outcome") or _cat(after, "outcome")
    if outcomes and thing not in ("items", "interpretations", "normative_docs", *_APPEALS):
        best = max(outcomes, key=lambda t: (t.weight("outcome"), t.start))
        later_items = [t for t in _things(seg) if t.start > best.end
                       and t.sense("thing") == "items"]
        outcome = best.sense("outcome")
        joined = _joined_outcomes(doc, outcomes)
        if len(joined) > 1:
            r.reason = "合并计数（" + "、".join(sorted(joined)) + "）"  # 予以公开及部分公开258件
            r.joined = tuple(f"applications.{o}.total" for o in sorted(joined))
        elif later_items:
            r.reason = "指信息而非申请的办理结果"
        elif outcome == "withdrawn":
            r.reason, r.withdrawn = "申请人撤回的申请，无对应键", True
        elif r.q.unit not in vocab.OUTCOME_UNITS:
            r.reason = f"单位“{r.q.unit}”不计申请"
        else:
            r.keys = (f"applications.{outcome}.total",)
        return r
    channel = _application_channel(r, seg, thing, st, head)
    if channel is not None:
        return channel
    return _applicant(r, seg, thing, thing_tok, st, head, c)


def _applicant(r: _Read, seg: list[Token], thing: str | None, thing_tok: Token | None,
               st: _State, head: _State | None, c: Clause) -> _Read | None:
    """自然人申请18件: the new applications of one applicant column."""
    applicants = _cat(seg, "applicant")
    if applicants and thing in (None, "applications"):
        cols = {t.sense("applicant") for t in applicants}
        last = applicants[-1]
        modifier = thing_tok is not None and thing_tok.start > last.start and (
            thing_tok.text not in _BARE_APPLICATION or thing_tok.start - last.end > 1)
        if len(cols) > 1 or modifier:
            return None  # 公民、法人和其他组织提出的申请: who may apply, not a split
        scope = (head.key if head else None) or (st.key if c.sub else None)
        col = last.sense("applicant")
        if col == "organisations":
            r.reason = "法人或其他组织合计（五列之和），无对应键"
        elif scope and scope != "headline.applications_received":
            r.reason = "非本年新收申请的申请人分类，无对应键"
        elif c.sub or scope:
            r.keys = (f"applications.new_received.{col}",)
        elif "received" in _verbs(seg):
            r.keys = ("headline.applications_received", f"applications.new_received.{col}")
        else:
            r.keys = (f"applications.new_received.{col}",)
        return r
    return None


def _application_channel(r: _Read, seg: list[Token], thing: str | None, st: _State,
                         head: _State | None) -> _Read | None:
    """当面申请12件 / 信函、传真申请4件: applications by how they arrived (pre-2019 rows)."""
    chans = _cat(seg, "app_channel")
    subject = thing or st.thing or (head.thing if head else None) or st.carried
    if not chans or thing not in (None, "applications") or subject != "applications":
        return None
    if any(t.sense("total") for t in seg) or r.q.start - chans[-1].end > 6:
        return None  # 通过邮寄、网络提交的申请共计81件: the total, whatever the channels
    kinds = {t.sense("app_channel") for t in chans}
    if kinds == {"letter", "fax"}:
        kinds = {"letter_fax"}  # the statistics table's 信函、传真 row
    if len(kinds) > 1:
        r.reason = "合并计数（" + "、".join(sorted(k or "" for k in kinds)) + "）"
    elif r.q.unit != "件":
        r.reason = f"单位“{r.q.unit}”不计申请"
    else:
        r.keys = (f"applications.channel.{kinds.pop()}",)
    return r


def _joined_outcomes(doc: _Doc, outcomes: list[Token]) -> set[str]:
    """Outcomes joined into one count (予以公开及部分公开258件): not any one row's figure."""
    kinds: set[str] = set()
    for a, b in itertools.pairwise(outcomes):
        gap = doc.text[a.end:b.start]
        if a.sense("outcome") != b.sense("outcome") and len(gap) <= 4 and (
                not gap or any(j in gap for j in _JOINERS)):
            kinds |= {a.sense("outcome") or "", b.sense("outcome") or ""}
    return kinds


_JOINERS = ("、", "和", "及", "与", "或", "以及")
_JOIN_WORDS = tuple(sorted((w.text for w in vocab.JOINERS), key=len, reverse=True))
_NOT_JOINERS = frozenset(w.text for w in vocab.NOT_JOINERS)


def _joined_to_other(doc: _Doc, thing: Token, seg: list[Token]) -> bool:
    """The thing is joined to a words-only item before it (办事指南及政策解读42条): a sum.

    The joiner must stand right before the thing word, with wording (not a verb, not a number)
    before it back to the verb or the clause start.
    """
    before = doc.text[max(0, thing.start - 2):thing.start]
    joiner = next((j for j in _JOIN_WORDS if before.endswith(j)), None)
    if joiner is None or before in _NOT_JOINERS:
        return False
    floor = max((t.end for t in seg if t.end <= thing.start - len(joiner)
                 and (t.sense("verb") or t.sense("total"))), default=seg[0].start if seg else 0)
    other = doc.text[floor:thing.start - len(joiner)]
    return len(other) >= 2 and not any(ch.isdigit() for ch in other) and not any(
        t.sense("thing") for t in seg if floor <= t.start < thing.start - len(joiner))


def _combined(doc: _Doc, seg: list[Token], verbs_in_seg: list[Token]) -> set[str]:
    """Kinds of thing joined into one count (行政公文和政策解读信息9条), after the verb."""
    floor = max((v.end for v in verbs_in_seg), default=seg[0].start if seg else 0)
    things = [t for t in _things(seg) if t.start >= floor
              and t.sense("thing") in _COUNTABLE | set(_APPEALS)]
    kinds: set[str] = set()
    for a, b in itertools.pairwise(things):
        gap = doc.text[a.end:b.start]
        if a.sense("thing") != b.sense("thing") and len(gap) <= 12 and any(
                j in gap for j in ("、", "和", "及", "与", "或")):
            kinds |= {a.sense("thing") or "", b.sense("thing") or ""}
    return kinds


def _thing_reading(doc: _Doc, r: _Read, thing: str, thing_tok: Token | None,
                   verbs: frozenset[str], seg: list[Token], c: Clause,
                   after: list[Token] = ()) -> _Read:  # type: ignore[assignment]
    q = r.q
    clause_tokens = doc.between(c.start, c.end)
    if thing == "normative_docs":
        r.reason = "规章、规范性文件数（表二数字）"
        return r
    ahead = thing_tok is not None and thing_tok.start > q.start  # 发布27条政策文件及解读
    kinds = _combined(doc, [*seg, *after] if ahead else seg, _cat(seg, "verb"))
    if len(kinds) > 1:
        r.reason = "合并计数（" + "、".join(sorted(kinds)) + "）"
        return r
    if thing_tok is not None and _joined_to_other(doc, thing_tok, seg):
        r.reason = "合并计数（与其他事项合计）"  # 办事指南及政策解读42条
        return r
    if thing == "applications" and thing_tok is not None and \
            thing_tok.text in _BARE_APPLICATION and not _disclosure_sentence(doc, c):
        r.reason = "非政府信息公开申请"
        return r
    keys = _frame_keys(thing, verbs, None)
    unit_keys = _frame_keys(thing, verbs, q.unit)
    r.frame_key = keys[0] if keys else None
    if not _frame_keys(thing, frozenset(_ALL_VERBS), q.unit):
        r.reason = f"单位“{q.unit}”不计{thing}"
        return r
    if not keys and thing_tok is not None and thing_tok.start < q.start and _is_topic(
            doc, thing_tok, seg, c.start):
        r.reason = "分类信息数"  # 机构职能类信息117条: a topic's count, whatever the verb
        return r
    if not keys:
        r.unplaced, r.reason = True, f"“{thing}”缺少可判定的动词"
        return r
    if not unit_keys:
        r.reason = f"单位“{q.unit}”不计{thing}"
        return r
    scope = _scope_reason(doc, r, seg, clause_tokens)
    if scope:
        r.reason, r.part = scope, scope == "约数" and bool(r.channels)
        return r
    if thing_tok is not None and thing_tok.start < q.start and _is_topic(doc, thing_tok, seg,
                                                                          c.start):
        r.reason = "分类信息数"
        return r
    if thing_tok is not None and thing == "interpretations" and thing_tok.weight("thing") < 1:
        r.reason, r.part = "某一形式的解读，非解读总数", True
        return r
    if thing == "items" and r.channels and all(t in vocab.NEW_MEDIA_CHANNELS
                                               for t in r.channels):
        r.reason, r.part = "新媒体渠道发布数", True
        return r
    if thing == "interpretations" and c.sub and thing_tok is not None:
        marks = re.finditer(r"[、，,；;：:]|其中", doc.text[c.start:q.start])
        floor = max([seg[0].start if seg else c.start] + [c.start + m.end() for m in marks])
        if re.sub(r"[\W\d_]", "", doc.text[floor:thing_tok.start]):
            r.reason = "栏目名中的解读"
            return r
    r.carried_in = bool(re.match(r"[（(]含[^）)]{0,6}结转", doc.text[q.end:q.end + 12]))
    r.keys = unit_keys
    return r


def _scope_reason(doc: _Doc, r: _Read, seg: list[Token], clause_tokens: list[Token]) -> str:
    """Why the count is not this year's own figure ("" when it is).

    Approximate (余/约), a comparison with another year, a change (同比), a cumulative total.
    """
    if _approx(doc, seg, r.q):
        return "约数"
    if any(t.sense("scope") == "comparison" for t in clause_tokens):
        return "与其他年度的比较"
    if any(t.sense("scope") == "change" for t in seg):
        return "增减量"
    return "累计数" if r.cumulative else ""


def _disclosure_sentence(doc: _Doc, c: Clause) -> bool:
    """The sentence, or the one before it, names disclosure (bare 申请 is ambiguous alone)."""
    s, e = doc.sentence_span[c.sentence]
    s = doc.sentence_span.get(c.sentence - 1, (s, e))[0]
    return any(t.sense("thing") == "domain" or (t.sense("thing") == "applications"
                                                and t.text not in _BARE_APPLICATION)
               for t in doc.between(s, e))


# --- zeros stated in words -----------------------------------------------------------------------


def _zeros(doc: _Doc, tokens: list[Token]) -> list[str]:
    """Keys a quantity-free clause states as zero (未收到申请, 未发生行政复议, 暂不收费)."""
    if not any("neg" in t.senses or "fee_zero" in t.senses for t in tokens):
        return []
    keys: list[str] = []
    if any(t.sense("fee_zero") for t in tokens) and not _blocked(tokens):
        keys.append(vocab.ZERO_KEYS["fees"])
    neg = next((t for t in tokens if t.sense("neg")), None)
    if neg is None:
        return keys
    rest = [t for t in tokens if t.start >= neg.end]
    if _blocked(rest):
        return keys
    appeals = [t.sense("thing") for t in _things(rest) if t.sense("thing") in _APPEALS]
    if appeals:
        return keys + [vocab.ZERO_KEYS[a] for a in dict.fromkeys(appeals) if a]
    outcomes = {t.sense("outcome") for t in rest}
    if "carried_forward" in outcomes:
        return [*keys, "applications.carried_forward.total"]
    if "carried_over" in outcomes:
        return [*keys, "applications.carried_over.total"]
    things = _things(rest)
    if not things:
        return keys
    last = things[-1].sense("thing")
    verbs = _cat(rest, "verb")
    if last == "fees" or any(v.sense("verb") == "collected" for v in verbs):
        if vocab.ZERO_KEYS["fees"] not in keys:
            keys.append(vocab.ZERO_KEYS["fees"])
        return keys
    if last == "applications":
        first = verbs[0] if verbs else None
        if first is not None and first.start < things[-1].start:
            ok = first.sense("verb") == "received"
        else:
            ok = len(doc.text[neg.end:things[-1].start]) <= 4
        if ok:
            keys.append(vocab.ZERO_KEYS["applications"])
    return keys


def _blocked(tokens: list[Token]) -> bool:
    return any(t.sense("context") and t.sense("context") != "fee reductions" for t in tokens)


# --- the document --------------------------------------------------------------------------------


def _clause_state(doc: _Doc, c: Clause, tokens: list[Token], st: _State) -> None:
    """A quantity-free clause still sets what the next clauses speak of (在主动公开的信息中)."""
    things = _things(tokens)
    verbs = _verbs(tokens)
    if things and _TOPIC_LIST.search(doc.text[things[-1].end:c.end]):
        st.thing, st.reason = None, "分类信息数"  # 招生政策、政策解读等内容公开: topics listed
    elif things:
        st.thing = things[-1].sense("thing")
        st.reason = None
        keys = _frame_keys(st.thing or "", verbs or st.verbs, None)
        st.key = keys[0] if keys else st.key
    if verbs:
        st.verbs = verbs
    appeals = [t.sense("thing") for t in things if t.sense("thing") in _APPEALS]
    if appeals:
        st.appeal = appeals[-1]


_TOPIC_LIST = re.compile(r"^[^，,；;。]{0,4}等(?:内容|方面|工作|领域|事项)")
_AFTER_STOP = re.compile(r"[、，,；;：:。(（]")


# The last reading is kept: a build reads a document without table rows twice with the same
# text (its figures, then the checker's facts, pipelines.checker.facts). Callers never change a
# reading, so the two may share it.
@lru_cache(maxsize=1)
def read_prose(text: str) -> ProseReading:
    """Read every figure the prose states; place or classify every number near its wording.

    ``text`` is normalised (simplified script, ASCII digits) and compacted (:func:`compact`).
    """
    doc = _Doc(text)
    qs = doc.quantities
    reads: list[_Read] = []
    zeros: list[tuple[str, Clause]] = []
    states: dict[int, _State] = {}
    qi = 0
    st = _State()
    sentence = -1
    for ci, c in enumerate(doc.clauses):
        if c.sentence != sentence:
            # Applications stay the subject across sentences (共受理申请56件。已答复56件，…):
            # a sentence that names no other thing counts them still.
            carried = st.thing if st.thing == "applications" and c.sentence == sentence + 1 \
                else None
            st, sentence = _State(), c.sentence
            st.carried = carried
        head = states.get(c.head) if c.head is not None else None
        if head is not None and st.thing is None and st.reason is None:
            st.thing, st.verbs, st.appeal = head.thing, head.verbs, head.appeal
        mine = []
        while qi < len(qs) and qs[qi].start < c.end:
            if qs[qi].start >= c.start:
                mine.append(qs[qi])
            qi += 1
        if not any(q.unit in _DISCLOSURE_UNITS for q in mine):
            tokens = doc.between(c.start, c.end)
            if tokens:
                _clause_state(doc, c, tokens, st)
                zeros.extend((k, c) for k in _zeros(doc, tokens))
        prev_end = c.start
        for n, q in enumerate(mine):
            nxt = mine[n + 1].start if n + 1 < len(mine) else c.end
            stop = _AFTER_STOP.search(text, q.end, nxt)
            after_end = min(stop.start() if stop else nxt, q.end + 12)
            r = _read_quantity(doc, ci, q, prev_end, after_end, st, head)
            if r.keys:
                st.key = r.keys[0]
            elif r.frame_key:
                st.key = r.frame_key
            reads.append(r)
            prev_end = q.end
        states[ci] = st.copy()
    _apply_heads(doc, reads, states)
    _apply_sentences(doc, reads)
    return _collect(doc, reads, zeros)


def _head_key(head_reads: list[_Read], state: _State | None) -> str | None:
    """The key the head clause states: its own count's, else what its words frame."""
    if head_reads:
        x = head_reads[-1]
        return x.keys[0] if x.keys else x.frame_key
    return state.key if state else None


def _counts(reads: list[_Read]) -> list[_Read]:
    return [r for r in reads if r.q.unit in _DISCLOSURE_UNITS]


def _apply_heads(doc: _Doc, reads: list[_Read], states: dict[int, _State]) -> None:
    """Parts under 其中 / 在…中: sub-counts of the head's figure, or the rows and columns of it."""
    by_clause: dict[int, list[_Read]] = {}
    scopes: dict[int, list[_Read]] = {}
    for r in reads:
        by_clause.setdefault(r.clause, []).append(r)
        c = doc.clauses[r.clause]
        if c.sub and c.head is not None:
            scopes.setdefault(c.head, []).append(r)
    for h0, parts in scopes.items():
        h = h0
        while h > 0 and h0 - h < 3 and not _counts(by_clause.get(h, [])) \
                and _counts(by_clause.get(h - 1, [])):
            h -= 1  # 累计…5928条，全文电子化率达90.3%，其中…: the head is the count's clause
        head_reads = by_clause.get(h, []) if h >= 0 else []
        head_key = _head_key(_counts(head_reads), states.get(h)) if h >= 0 else None
        head_cumulative = any(x.cumulative for x in head_reads)
        carried = any(p.keys == ("applications.carried_over.total",) for p in parts)
        withdrawn = any(p.withdrawn for p in parts)
        for p in parts:
            if not p.keys and not p.part:
                continue
            key = p.keys[0] if p.keys else p.frame_key
            if key == "headline.applications_received" and carried and p.received:
                continue  # 共受理15件，其中新收到14件，结转上年度1件
            if (key == head_key or h < 0) and key in _PART_KEYS and not head_cumulative:
                p.keys, p.part, p.reason = (), False, "“其中”所列的部分数"
            elif key == "applications.total_processed.total" and withdrawn:
                p.keys, p.reason = (), "“其中”所列的部分数"
        if carried:
            for x in head_reads:
                if x.keys == ("headline.applications_received",):
                    x.keys, x.reason = (), "含上年结转的申请数"
        _reposts(doc, parts, head_reads)


def _reposts(doc: _Doc, parts: list[_Read], head_reads: list[_Read]) -> None:
    """A part counted 含转发 makes the head a count of new-media posts, not of items."""
    if any(t.text in _REPOSTS for p in parts
           for t in doc.between(doc.clauses[p.clause].start, doc.clauses[p.clause].end)):
        for x in head_reads:
            if x.keys:
                x.keys, x.reason = (), "含转发的新媒体发布数"


def _apply_sentences(doc: _Doc, reads: list[_Read]) -> None:
    """Several counts of one key in a sentence: keep the one total, else withhold them all."""
    topic_sentences = set()
    for r in reads:
        if r.reason == "分类信息数":
            topic_sentences.add(doc.clauses[r.clause].sentence)
        elif r.carried_in and r.keys == ("headline.applications_received",):
            r.keys, r.reason = (), "含上年结转的申请数"
    groups: dict[tuple[int, str], list[_Read]] = {}
    for r in reads:
        key = r.keys[0] if r.keys else (r.frame_key if r.part else None)
        if key is None or (doc.clauses[r.clause].sub and not r.keys):
            continue
        sentence = doc.clauses[r.clause].sentence
        if key == "headline.items_published" and sentence in topic_sentences and r.keys \
                and not r.total and any(x.reason == "分类信息数" and x.q.start < r.q.start
                                        for x in reads if doc.clauses[x.clause].sentence
                                        == sentence):
            r.keys, r.reason = (), "分类信息数"
            continue
        if key in _PART_KEYS or key.startswith("applications."):
            groups.setdefault((sentence, key), []).append(r)
    for group in groups.values():
        kept = [r for r in group if r.keys]
        if len(group) < 2 or not kept or len({r.q.value for r in group}) == 1:
            continue
        plain = [r for r in kept if r.total and not r.channels]
        totals = plain or [r for r in kept if r.total]
        channelled = [r for r in group if r.channels]
        if len(totals) == 1 and (plain or len(channelled) <= 1):
            for r in group:
                if r is not totals[0] and r.keys:
                    r.keys, r.reason = (), "同句总数的部分数"
            continue
        for r in kept:
            r.keys, r.unplaced = (), True
            r.reason = "同句有多个同类数字而无唯一总数"


def _collect(doc: _Doc, reads: list[_Read], zeros: list[tuple[str, Clause]]) -> ProseReading:
    out = ProseReading()
    found: dict[str, ProseFigure] = {}
    events: list[tuple[int, int, object]] = [(r.q.start, 1, r) for r in reads]
    events += [(c.start, 0, (k, c)) for k, c in zeros]
    events.sort(key=lambda e: (e[0], e[1]))
    best: dict[str, float] = {}
    for r in reads:
        for k in r.keys:
            best[k] = max(best.get(k, 0.0), r.weight)
    for _, kind, item in events:
        if kind == 0:
            key, c = item  # type: ignore[misc]
            if key not in found:
                found[key] = ProseFigure(key, 0, "text", (c.start, c.end), doc.clause_text(c))
            continue
        r: _Read = item  # type: ignore[assignment]
        c = doc.clauses[r.clause]
        sentence = doc.clause_text(c)
        status, key, reason = "not_figure", None, r.reason
        for k in r.keys:
            if k in found:
                reason = "已有在先的同一数字"
                continue
            if r.weight < best.get(k, 0.0):
                reason = "措辞较弱，另有“政府信息”的说法"
                continue
            key, status = k, "assigned"
            found[k] = ProseFigure(k, r.q.value, "number", (r.q.start, r.q.end), sentence)
            if k == "headline.applications_received" and _ALL_FOR.search(
                    doc.text[r.q.end + 1:c.end]):
                _all_from(doc, r, c, found, sentence)
        if r.joined:
            out.joined.append(ProseFigure("+".join(r.joined), r.q.value, "number",
                                          (r.q.start, r.q.end), sentence))
        if status != "assigned" and r.unplaced and r.near:
            status = "unplaced"
        if not r.near and status != "assigned":
            continue
        out.placements.append(Placement((r.q.start, r.q.end), r.q.value, r.q.unit, status, key,
                                        reason, sentence))
    ordered = sorted(found.values(), key=lambda f: f.span[0])
    out.figures = [f for f in ordered if not f.key.startswith(_CHANNEL_KEYS)]
    out.channels = [f for f in ordered if f.key.startswith(_CHANNEL_KEYS)]
    return out


_CHANNEL_KEYS = "applications.channel."


def _all_from(doc: _Doc, r: _Read, c: Clause, found: dict[str, ProseFigure],
              sentence: str) -> None:
    """共受理36件申请（均为自然人提交）: the whole count comes from one applicant type."""
    for t in doc.between(r.q.end, c.end):
        col = t.sense("applicant")
        if col:
            key = f"applications.new_received.{col}"
            found.setdefault(key, ProseFigure(key, r.q.value, "number", (r.q.start, r.q.end),
                                              sentence))
            return


# --- the engine's view ---------------------------------------------------------------------------


def masked_tables(lines: list[tuple[str, bool]]) -> str:
    """The compacted text with table rows blanked out, same length and offsets as :func:`compact`.

    ``lines`` are ``(text, is_running_text)``; a table row becomes a sentence end and spaces, so
    the prose reader skips it cheaply while every span still points into the whole text.
    """
    out = []
    for text, running in lines:
        c = compact(text) if " " in text or "\t" in text else text
        out.append(c if running or not c else "。" + " " * (len(c) - 1))
    return "".join(out)


def headline_figures(text: str) -> list[ProseFigure]:
    """The ``headline.*`` figures the prose states (first statement of each wins)."""
    return [f for f in read_prose(text).figures if f.key.startswith("headline.")]


def table_figures(figures: list[ProseFigure]) -> list[ProseFigure]:
    """Table keys stated in prose, plus what they imply (read where no table gives them).

    收到申请…件 also fills ``applications.new_received.total`` (corpus README); a stated zero of
    lawsuits (未发生…行政诉讼) is zero for both kinds of suit as well (spec, pre-2019 table).
    """
    out = [f for f in figures if not f.key.startswith("headline.")]
    for f in figures:
        if f.key == "headline.applications_received":
            out.append(ProseFigure("applications.new_received.total", f.value, f.kind, f.span,
                                   f.sentence))
        if f.key == "appeals.litigation.total" and f.value == 0:
            for g in ("litigation_direct", "litigation_after_review"):
                out.append(ProseFigure(f"appeals.{g}.total", 0, f.kind, f.span, f.sentence))
    return out
