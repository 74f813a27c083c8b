"""Matching outcomes to entries: which reported results answer which commitment, and which one the
status rests on — a pure function over plain records (``shared/spec/outcomes.md``).

An outcome answers an entry when:

- the **place** is the same (actors resolved to GB/T 2260 codes, as entries are grouped);
- the **metric** is the same indicator (the synonyms and scope words of ``data/metrics.yaml``:
  失业人员再就业 = 再就业), worded in at least ``SPECIFIC_KEY`` characters unless it is a listed
  indicator (投资 names nothing in particular: a project's investment is not the year's); with no
  outcome of its key, one whose wording ends the other's (城镇失业人员实现再就业 / 再就业: a Chinese
  noun phrase names its measure last) where what the longer adds in front names no narrower thing
  (实施, 实现 — not 城区供水主 in 城区供水主管网改造 / 管网改造: ``broad_heads`` in the data);
- the **period** is the entry's deadline year: a one-year result for a target of its source's own
  year (今年…增长6%左右); for a target set years ahead (到2020年…, "十三五"期间年均增长…) a result
  whose period ends in the deadline year — a one-year level or share, or a multi-year figure
  (五年来年均增长…, 累计…); a growth over several years never meets a one-year growth, and a level
  target that adds up a flow over its years (五年城镇新增就业5000万人以上) takes a figure for those
  years over one for the last year, a stock (到2020年…突破100万亿元) the other way round;
- the **kind** is the same (a growth against a growth, a level against a level) and the **unit**
  normalises alike. A person's outcome states no kind: it answers any kind of its unit. The same
  result in another kind or unit is kept as *incomparable* evidence.

Of the outcomes that answer an entry, the status rests on the best: one a person attached
(``correct match``), then a person's own outcome (the latest recorded), then a final figure, then one
with no basis stated, then a preliminary one (初步核算, 预计). Outcomes of equal standing that state
the same figure agree; ones that state different figures are a **conflict**: each is judged (see
``status.judge``) and the entry is flagged, as conflicting pledges are — unless one of them is
stated as the whole year's or the whole place's (全年新增就业5650人 beside a sector's 新增就业3000人). A person's rejection
(``correct unmatch``) keeps the outcome as evidence but takes it out of the judging.
An entry without a deadline is judged on the latest year that has an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from taizhang.document import FINAL, PRELIMINARY, format_period
from taizhang.ledger.metrics import broad_head

CHOSEN, AGREES, CONFLICT, OUTRANKED, REJECTED, INCOMPARABLE = (
    "chosen", "agrees", "conflict", "outranked", "rejected", "incomparable",
)  # fmt: skip
STATES = {
    CHOSEN: "已采用 judged on", AGREES: "数值一致 agrees", CONFLICT: "数值冲突 conflicts", OUTRANKED: "被更优结果取代 outranked",
    REJECTED: "已被人工否决 rejected by a person", INCOMPARABLE: "不可比 not comparable",
}  # fmt: skip
_BASIS_RANK = {FINAL: 2, None: 1, PRELIMINARY: 0}  # a text's standing by its basis
SPECIFIC_KEY = 3  # a wording shorter than this names no measure of its own (投资, 就业)
# Words that state a figure as the whole year's or the whole place's: it outranks a part of it.
WHOLE = re.compile("全年|全区|全市|全县|全省|全国|全旗")
_PERSON, _ATTACHED = 3, 4  # a person's own outcome, and one a person attached to the entry
BASIS_WORDS = {FINAL: "最终数 final", PRELIMINARY: "初步数 preliminary", None: ""}


@dataclass(frozen=True, slots=True)
class Candidate:
    """An outcome as matching sees it: a text's (``t12``) or a person's (``p3``)."""

    ref: str
    by_person: bool
    place_key: str
    metric_key: str
    metric: str
    actor: str | None
    kind: str | None  # None: a person's outcome, which states no kind
    value: float
    unit: str
    norm_value: float
    norm_unit: str
    first_year: int
    last_year: int
    source: str  # the source file, or where a person's outcome was published
    order: int  # the source's position, or when a person recorded it: later is larger
    basis: str | None = None
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    target: dict | None = None  # the target the text set it beside (plan-execution reports)

    @property
    def period(self) -> str:
        return format_period(self.first_year, self.last_year) or ""

    @property
    def multi_year(self) -> bool:
        return self.first_year != self.last_year


@dataclass(frozen=True, slots=True)
class Wanted:
    """What an entry asks of an outcome."""

    place_key: str
    metric_key: str
    kind: str
    norm_unit: str
    deadline: int | None
    source_year: int | None  # the year of the source that set it: a deadline past it spans years
    words: str = ""  # its metric and quote: a flow it adds up (新增就业, 在城镇落户) asks for a figure of its years


@dataclass(slots=True)
class Considered:
    candidate: Candidate
    state: str
    reason: str


@dataclass(slots=True)
class Matched:
    """Every outcome that bears on one entry, best first, and what the status rests on."""

    considered: list[Considered] = field(default_factory=list)

    @property
    def judged(self) -> list[Candidate]:
        """The outcome(s) the status rests on: one, or one per figure in a conflict."""
        if not self.considered:  # most entries: asked three times per entry in a build
            return []
        return [c.candidate for c in self.considered if c.state in (CHOSEN, CONFLICT)]

    @property
    def incomparable(self) -> list[Candidate]:
        return [c.candidate for c in self.considered if c.state == INCOMPARABLE]

    @property
    def conflict(self) -> str | None:
        """The conflict in words, as an entry's conflicting pledges are named; None if none."""
        judged = self.judged
        if len(judged) < 2:
            return None
        stated = " / ".join(f"{_written(c)} ({c.source})" for c in judged)
        return f"结果不一致 outcomes differ: {stated}"


class Index:
    """Candidates by place and indicator, so each entry looks at its own few."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.candidates = list(candidates)
        self.by_key: dict[tuple[str, str], list[Candidate]] = {}
        # The wordings that may end another's or be ended by it, by place and last character (which
        # any two such share): an entry without an outcome of its key looks at those alone.
        self.by_ending: dict[tuple[str, str], list[Candidate]] = {}
        for candidate in self.candidates:
            key = candidate.metric_key
            self.by_key.setdefault((candidate.place_key, key), []).append(candidate)
            if _worded(key) and len(key) >= SPECIFIC_KEY:
                self.by_ending.setdefault((candidate.place_key, key[-1]), []).append(candidate)

    def __len__(self) -> int:
        return len(self.candidates)

    def of(self, wanted: Wanted) -> list[Candidate]:
        """The candidates of its place and indicator for its period, else those of a wording that
        ends its or that its ends; none for a wording too short to name one measure (投资, 就业)."""
        key = wanted.metric_key
        if _worded(key) and len(key) < SPECIFIC_KEY:
            return []
        found = [c for c in self.by_key.get((wanted.place_key, key), []) if _same_period(wanted, c)]
        if not found and _worded(key):
            found = [
                c for c in self.by_ending.get((wanted.place_key, key[-1]), ())
                if _ends_alike(key, c.metric_key) and _same_period(wanted, c)
            ]  # fmt: skip
        if wanted.kind == "level" and _spans_years(wanted):
            flow = bool(_flow().search(wanted.words))
            return [c for c in found if c.multi_year == flow] or found
        return found


def match(
    wanted: Wanted,
    index: Index,
    *,
    rejected: Callable[[Candidate], str | None] = lambda c: None,
    attached: Iterable[tuple[Candidate, str]] = (),
) -> Matched:
    """The outcomes that answer ``wanted``, each with its state and the reason.

    ``rejected(candidate)`` gives the reason a person rejected that candidate for this entry (None
    if not rejected); ``attached`` are outcomes a person attached to it, with the reason.
    """
    considered: list[Considered] = []
    eligible: list[tuple[tuple[int, int], Candidate, str]] = []  # ((tier, recency), candidate, reason)
    person_attached = list(attached)
    seen = {c.ref for c, _ in person_attached}
    for candidate, why in person_attached:
        eligible.append(((_ATTACHED, candidate.order), candidate, why))
    for candidate in index.of(wanted):
        if candidate.ref in seen:
            continue
        if not _comparable(wanted, candidate):
            considered.append(Considered(candidate, INCOMPARABLE, _incomparable_reason(wanted, candidate)))
            continue
        if (why := rejected(candidate)) is not None:
            considered.append(Considered(candidate, REJECTED, why))
            continue
        whole = int(bool(candidate.quote and WHOLE.search(candidate.quote)))
        standing = (_PERSON, candidate.order) if candidate.by_person else (_BASIS_RANK.get(candidate.basis, 1), whole)
        eligible.append((standing, candidate, _match_reason(wanted, candidate)))
    if wanted.deadline is None and eligible:
        # No deadline: the latest year that has an answer.
        latest = max(c.last_year for _, c, _ in eligible)
        eligible = [e for e in eligible if e[1].last_year == latest]
    # Best first; among texts of equal standing, the earliest source first.
    eligible.sort(key=lambda e: (-e[0][0], -e[0][1], e[1].order, e[1].start or 0))
    ranked: list[Considered] = []
    figures: dict[str, Candidate] = {}
    for standing, candidate, why in eligible:
        best_standing, best = eligible[0][0], eligible[0][1]
        if candidate is not best and (best_standing[0] >= _PERSON or standing != best_standing):
            # A person's word is one figure; a text's of lower standing gives way.
            ranked.append(Considered(candidate, OUTRANKED, f"{why}；{_outranked(best, candidate)}"))
            continue
        figure = f"{candidate.norm_value:.9g}"
        if figure in figures:
            ranked.append(Considered(candidate, AGREES, f"{why}；与 {figures[figure].source} 数值一致 same figure"))
        else:
            figures[figure] = candidate
            ranked.append(Considered(candidate, CHOSEN if candidate is best else CONFLICT, why))
    return Matched(ranked + considered)


def _same_period(wanted: Wanted, candidate: Candidate) -> bool:
    if wanted.deadline is None:
        return not candidate.multi_year
    if candidate.last_year != wanted.deadline:
        return False
    if not _spans_years(wanted):
        return not candidate.multi_year  # this year's target: this year's result
    if wanted.kind == "growth":
        return candidate.multi_year  # 比2010年翻一番 is no one year's growth
    return True


def _ends_alike(a: str, b: str) -> bool:
    """One wording ends the other and what the longer adds in front names no narrower thing:
    城镇失业人员实现再就业 / 再就业, not 城区供水主管网改造 / 管网改造 (``metrics.broad_head``)."""
    longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
    return longer.endswith(shorter) and broad_head(longer[: len(longer) - len(shorter)])


def _spans_years(wanted: Wanted) -> bool:
    """A target set years before its deadline (到2020年…, "十三五"期间…)."""
    return wanted.source_year is not None and wanted.deadline is not None and wanted.deadline > wanted.source_year


def _worded(key: str) -> bool:
    """A metric key that is a wording (Chinese), not an indicator's id (gdp)."""
    return not key.isascii()


@cache
def _flow() -> re.Pattern[str]:
    """Words of a metric that adds up a flow over a period (新增, 累计…): the extractor's list."""
    from taizhang.extract import rules

    return re.compile(rules.alternation(rules.load()["outcomes"]["cumulative"]))


def _comparable(wanted: Wanted, candidate: Candidate) -> bool:
    if candidate.norm_unit != wanted.norm_unit:
        return False
    return candidate.kind is None or candidate.kind == wanted.kind


def _match_reason(wanted: Wanted, candidate: Candidate) -> str:
    who = "人工录入 recorded by a person" if candidate.by_person else f"读自 read from {candidate.source}"
    why = f"同地区、同指标、{candidate.period}年 same place, indicator and period；{who}"
    if candidate.basis:
        why += f"，{BASIS_WORDS[candidate.basis]}"
    if candidate.target:
        why += f"；原文所对目标 the text's own target {_target_written(candidate)}"
    return why


def _incomparable_reason(wanted: Wanted, candidate: Candidate) -> str:
    if candidate.norm_unit != wanted.norm_unit:
        return f"单位不同 another unit: {candidate.norm_unit}，目标 {wanted.norm_unit}"
    return f"类型不同 another kind: {candidate.kind}，目标 {wanted.kind}"


def _outranked(best: Candidate, candidate: Candidate) -> str:
    if best.by_person and not candidate.by_person:
        return "已有人工录入结果 a person's outcome comes first"
    if best.by_person:
        return "已有更新的人工录入 a later person's outcome comes first"
    if best.basis == candidate.basis:
        return "全年或全域的数字优先 the figure of the whole year or place comes first"
    return f"{BASIS_WORDS[best.basis] or '更优'}优先 {best.basis or 'better'} figure comes first"


def _written(candidate: Candidate) -> str:
    return f"{candidate.value:g}{candidate.unit}"


def _target_written(candidate: Candidate) -> str:
    target = candidate.target or {}
    comparator = target.get("comparator") or ""
    high = f"–{target['value_high']:g}" if target.get("value_high") is not None else ""
    word = {"~": "左右", ">": "以上", ">=": "以上", "<=": "以内", "<": "以内"}.get(comparator, "")
    return f"{target.get('value', 0):g}{high}{candidate.unit}{word}"
